"""The audit's AWS shell: read what audit_rules judges, report what changed, remember what
is open, so that each problem is reported once and its end once.

Calls at N monitors with one schedule each (more schedules, more checked items): 2
BatchGetItem for the registry (its manifest, then its chunks of 100 monitors);
ceil(N / 100) ListSchedules per schedule group; ceil(N / 100) BatchGetItem for the checks'
records and 1 for the open problems; 2 GetQueueAttributes; the claim (1 PutItem, 1
UpdateItem) and 1 PutItem for the open problems; 1 Publish when something changed. At
1,000 monitors: 29 calls (tests/test_audit.py counts them).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from . import aws
from .audit_message import audit_alert
from .audit_rules import ScheduleSeen, find_problems, reconcile
from .contract import AUDIT, AuditRequest
from .delivery import STATE_TABLE_ENV, publish
from .logs import log
from .records import AUDIT_KEY, audit_item, checked_key, get_items, last_checked, open_problems
from .registry import Registry, load
from .state import StateStore, handled_key


def run_audit(
    request: AuditRequest, topic_arn: str, now: datetime, lease: timedelta
) -> dict[str, Any]:
    """Audit every monitor of the registry and publish what changed since the last audit.

    An error reading AWS raises, for Lambda to retry and then keep in the failure queue
    (whose alarm fires): an audit that could not look must not report all clear.
    """
    table = os.environ.get(STATE_TABLE_ENV)
    if not table:
        raise RuntimeError(f"the audit needs the state table, and {STATE_TABLE_ENV} is not set")
    dynamodb = aws.client("dynamodb")
    registry = load(dynamodb, table)
    store = StateStore(table, dynamodb)
    key = None
    if not request.from_invocation_time:
        key = handled_key(registry.manifest.name, AUDIT, request.scheduled_at.isoformat())
        if not store.claim(key, now, lease):
            log("duplicate", check=AUDIT, key=key)
            return {"check": AUDIT, "duplicate": True}
    try:
        found = find_problems(
            registry, _schedules(registry), _checked(registry, table), _queue_depths(registry), now
        )
        open_before = open_problems(get_items(dynamodb, table, [AUDIT_KEY]).get(AUDIT_KEY))
        findings = reconcile(open_before, found)
        message_id = None
        if findings.new or findings.recovered:
            manifest = registry.manifest
            alert = audit_alert(
                manifest.name, manifest.region, findings, now, manifest.audit_format
            )
            message_id = publish(topic_arn, alert)
    except Exception:
        if key is not None:
            store.release(key, now)
        raise
    dynamodb.put_item(TableName=table, Item=audit_item(findings.open, now))
    if key is not None:
        store.complete(key, now)
    summary = {
        "check": AUDIT,
        "monitors": len(registry.monitors),
        "open_problems": len(findings.open),
        "new": [p.key for p in findings.new],
        "recovered": [p.key for p in findings.recovered],
        "message_id": message_id,
    }
    log("audit", **summary)
    return summary


def _schedules(registry: Registry) -> dict[tuple[str, str], ScheduleSeen]:
    """Every schedule of the module's monitor groups, by (group, name)."""
    scheduler = aws.client("scheduler")
    groups = {spec.group for m in registry.monitors.values() for spec in m.schedules}
    seen = {}
    for group in sorted(groups):
        for page in scheduler.get_paginator("list_schedules").paginate(GroupName=group):
            for schedule in page.get("Schedules", []):
                seen[(group, schedule["Name"])] = ScheduleSeen(
                    state=schedule["State"],
                    target_arn=schedule["Target"]["Arn"],
                    modified=schedule["LastModificationDate"],
                )
    return seen


def _checked(registry: Registry, table: str) -> dict[str, datetime]:
    keys = [
        checked_key(m.name, spec.kind) for m in registry.monitors.values() for spec in m.schedules
    ]
    items = get_items(aws.client("dynamodb"), table, keys)
    return {key: last_checked(item) for key, item in items.items()}


def _queue_depths(registry: Registry) -> dict[str, int]:
    sqs = aws.client("sqs")
    depths = {}
    for queue, url in registry.manifest.queues.items():
        attributes = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        depths[queue] = int(attributes["ApproximateNumberOfMessages"])
    return depths
