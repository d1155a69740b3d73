"""The audit's AWS shell: read what audit.rules judges, report what changed, remember what
is open, so that each problem is reported once and its end once.

What is open is written before the alert is published, so that no failure repeats an
alert (docs/failure-modes.md#the-audit-itself):

- the write fails: nothing is published; the audit fails, and Lambda's retry audits again;
- the publish fails: what was open before is written back and the claim released; the
  audit fails, and the retry announces the change;
- writing back fails too (a second fault): the change stays recorded as announced and is
  never sent; the audit fails (its error and the ``audit_restore_failed`` log line name
  the problems) and ``status`` lists them;
- completing the claim fails after the publish: logged (``state_table_failed``), not
  raised: what is open is recorded, so a retry would find nothing new;
- the function stops during the publish (its timeout): the change is recorded; if SNS had
  not taken the alert, it is lost, and the timeout shows as a function error.

Calls at N monitors with one schedule each (more schedules, more checked items): 2
BatchGetItem for the registry (its manifest, then its chunks of 100 monitors);
ceil(N / 100) ListSchedules per schedule group; ceil(2N / 100) BatchGetItem for the
checks' records and the held alerts, and 1 for the open problems; 1 ListStateMachines per
1,000 state machines of each account and region the monitored state machines are in
(through the member role in another account, which adds its AssumeRole); 2
GetQueueAttributes; the claim (1 PutItem, 1 UpdateItem) and 1 PutItem for the open
problems; 1 Publish when something changed. At 1,000 monitors in an account of up to 1,000
state machines: 40 calls (tests/test_audit.py counts them). Each held alert released adds
its share of 1 BatchGetItem per 100, a claim (1 PutItem, 1 UpdateItem), 1 Publish, and 1
UpdateItem and 1 DeleteItem that clear it (alerts/held.py).
"""

from __future__ import annotations

import math
import os
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from .. import aws
from ..alerts.delivery import STATE_TABLE_ENV
from ..alerts.held import release_held
from ..alerts.incident import audit_incident
from ..alerts.message import Alert
from ..alerts.outbox import send_alert
from ..check.contract import AUDIT, AuditRequest
from ..errors import error_code
from ..logs import log
from ..state.records import (
    AUDIT_KEY,
    UnreadableItemError,
    audit_episode,
    audit_item,
    checked_key,
    get_items,
    held_key,
    last_checked,
    open_problems,
)
from ..state.registry import Registry, load
from ..state.store import StateStore, handled_key
from .machines import Listing, list_state_machines
from .message import audit_alert
from .rules import (
    Findings,
    Reader,
    ScheduleSeen,
    find_problems,
    reader_of,
    reconcile,
    state_machine_problems,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

HELD_PREFIX = held_key("")
# A refused list is reported as a problem (a role that lacks the permission would
# otherwise stop the whole audit); any other error raises, as every read of the audit.
_REFUSED = frozenset({"AccessDenied", "AccessDeniedException"})


def run_audit(
    request: AuditRequest,
    topic_arn: str,
    now: datetime,
    *,
    lease: timedelta,
    owner: str,
    stop_at: float = math.inf,
) -> dict[str, Any]:
    """Audit every monitor of the registry and publish what changed since the last audit.

    An error reading AWS raises, for Lambda to retry and then keep in the failure queue
    (whose alarm fires): an audit that could not look must not report all clear. Only a
    list of state machines that AWS refuses is reported instead, as a problem of its own.
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
        if not store.claim(key, owner, now, lease):
            log("duplicate", check=AUDIT, key=key)
            return {"check": AUDIT, "duplicate": True}
    try:
        checked, held = _records(registry, table)
        found = find_problems(registry, _schedules(registry), checked, _queue_depths(registry), now)
        before = get_items(dynamodb, table, [AUDIT_KEY]).get(AUDIT_KEY)
        try:
            open_before = open_problems(before)
        except UnreadableItemError as unreadable:
            # Read as nothing open: each open problem is announced again, not lost.
            log("unreadable_state", key=AUDIT_KEY, reason=str(unreadable))
            open_before = {}
        found += state_machine_problems(registry, *_state_machines(registry), open_before, now)
        findings = reconcile(open_before, found)
        manifest = registry.manifest
        episode, alert_key = audit_incident(
            manifest.name,
            open_before,
            audit_episode(before),
            findings.open,
            any_new=bool(findings.new),
            now=now,
        )
        alert = None
        if findings.new or findings.recovered:
            alert = audit_alert(
                manifest.name,
                manifest.region,
                findings,
                now,
                manifest.audit_format,
                incident_key=alert_key,
            )
        item = audit_item(findings.open, now, episode)
        message_id = _record_then_publish(
            dynamodb, table, before, item, findings, alert=alert, topic_arn=topic_arn, now=now
        )
        # Announced and recorded: a failure from here on retries only the held alerts.
        released = release_held(
            store, held, topic_arn, now, owner=owner, lease=lease, stop_at=stop_at
        )
    except Exception:
        if key is not None:
            store.release(key, owner)
        raise
    if key is not None:
        try:
            store.complete(key, owner, now)
        except (ClientError, BotoCoreError) as error:
            # What is open is recorded and announced: failing would only make the retry
            # audit again, and find nothing new. The state-table-errors alarm counts it.
            log("state_table_failed", check=AUDIT, errors=[f"complete failed: {error}"])
    summary = {
        "check": AUDIT,
        "monitors": len(registry.monitors),
        "open_problems": len(findings.open),
        "new": [p.key for p in findings.new],
        "recovered": [p.key for p in findings.recovered],
        "message_id": message_id,
        "held_released": released,
    }
    log("audit", **summary)
    return summary


def _record_then_publish(
    dynamodb: DynamoDBClient,
    table: str,
    before: dict[str, Any] | None,
    item: dict[str, Any],
    findings: Findings,
    *,
    alert: Alert | None,
    topic_arn: str,
    now: datetime,
) -> str | None:
    """Write what is open (``item``), then publish ``alert``; if the publish fails, write
    back the item ``before`` (None: there was none), so that the retry announces the
    change."""
    dynamodb.put_item(TableName=table, Item=item)
    if alert is None:
        return None
    try:
        return send_alert(topic_arn, alert, "audit")
    except Exception as error:
        try:
            _restore(dynamodb, table, before, now)
        except (ClientError, BotoCoreError) as second:
            unsent = [p.key for p in (*findings.new, *findings.recovered)]
            log("audit_restore_failed", error=str(second), unsent=unsent)
            error.add_note(
                f"and the open problems could not be written back ({second}): these changes "
                f"will not be announced, see `status`: {', '.join(unsent[:20])}"
            )
        raise


def _restore(
    dynamodb: DynamoDBClient, table: str, before: dict[str, Any] | None, now: datetime
) -> None:
    """Put the audit item back as it was, unless an audit wrote it since this one."""
    mine: dict[str, Any] = {
        "ConditionExpression": "audited_at = :mine",
        "ExpressionAttributeValues": {":mine": {"S": now.isoformat()}},
    }
    try:
        if before is None:
            dynamodb.delete_item(TableName=table, Key={"pk": {"S": AUDIT_KEY}}, **mine)
        else:
            dynamodb.put_item(TableName=table, Item=before, **mine)
    except ClientError as error:
        if error_code(error) != "ConditionalCheckFailedException":
            raise


def _state_machines(registry: Registry) -> tuple[dict[Reader, Listing], dict[Reader, str]]:
    """The state machines each reader lists (the function's role, or a monitor's member
    role, in the state machine's region), and the error of each reader AWS refused."""
    listed: dict[Reader, Listing] = {}
    refused: dict[Reader, str] = {}
    for reader in sorted({reader_of(m) for m in registry.monitors.values()}, key=str):
        role_arn, region = reader
        try:
            sfn = aws.client("stepfunctions", role_arn=role_arn, region=region)
            listed[reader] = list_state_machines(sfn)
        except ClientError as error:
            if error_code(error) not in _REFUSED:
                raise
            message = error.response.get("Error", {}).get("Message", "")
            refused[reader] = f"{error.operation_name}: {error_code(error)} {message}"
    return listed, refused


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


def _records(registry: Registry, table: str) -> tuple[dict[str, datetime], list[dict[str, Any]]]:
    """The checks' records (when each kind of check last completed, by key) and the held
    alerts (alerts/held.py), in one batched read."""
    monitors = registry.monitors.values()
    keys = [checked_key(m.name, spec.kind) for m in monitors for spec in m.schedules]
    keys += [held_key(m.name) for m in monitors]
    items = get_items(aws.client("dynamodb"), table, keys)
    checked, held = {}, []
    for key, item in items.items():
        if key.startswith(HELD_PREFIX):
            held.append(item)
            continue
        try:
            checked[key] = last_checked(item)
        except UnreadableItemError as unreadable:  # as never checked: judged, not skipped
            log("unreadable_state", key=key, reason=str(unreadable))
    return checked, held


def _queue_depths(registry: Registry) -> dict[str, int]:
    sqs = aws.client("sqs")
    depths = {}
    for queue, url in registry.manifest.queues.items():
        attributes = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        depths[queue] = int(attributes["ApproximateNumberOfMessages"])
    return depths
