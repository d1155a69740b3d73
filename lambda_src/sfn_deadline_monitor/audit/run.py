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
from dataclasses import replace
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
from ..discovery.run import discover
from ..errors import error_code
from ..logs import log
from ..state.discovered import discovered_items
from ..state.records import (
    AUDIT_KEY,
    OpenProblem,
    UnreadableItemError,
    audit_episode,
    audit_item,
    get_items,
    open_problems,
)
from ..state.registry import Registry, ScheduleSeen, load
from ..state.store import StateStore, handled_key
from .message import audit_alert
from .reads import queue_depths, records, schedules, state_machines
from .rules import Findings, find_problems, reconcile, state_machine_problems

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


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
        before = get_items(dynamodb, table, [AUDIT_KEY]).get(AUDIT_KEY)
        try:
            open_before = open_problems(before)
        except UnreadableItemError as unreadable:
            # Read as nothing open: each open problem is announced again, not lost.
            log("unreadable_state", key=AUDIT_KEY, reason=str(unreadable))
            open_before = {}
        registry, seen, discovered, notices, found = _discover(
            registry, schedules(registry), open_before, now, stop_at
        )
        checked, held = records(registry, table)
        found += find_problems(registry, seen, checked, queue_depths(registry), now)
        found += state_machine_problems(registry, *state_machines(registry), open_before, now)
        findings = replace(reconcile(open_before, found), notices=notices)
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
        if findings.new or findings.recovered or findings.notices:
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
            dynamodb,
            table,
            (before, item),
            discovered,
            findings,
            alert=alert,
            topic_arn=topic_arn,
            now=now,
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


def _discover(
    registry: Registry,
    seen: dict[tuple[str, str], ScheduleSeen],
    open_before: dict[str, OpenProblem],
    now: datetime,
    stop_at: float,
) -> tuple[
    Registry,
    dict[tuple[str, str], ScheduleSeen],
    tuple[list[dict[str, Any]], list[dict[str, Any]]],
    tuple[OpenProblem, ...],
    list[OpenProblem],
]:
    """The registry and schedules after discovery (discovery/run.py; as they are when it is
    off), the discovered items to write and those that undo them should the alert fail,
    the notices and the problems it found."""
    if registry.manifest.discovery is None:
        return registry, seen, ([], []), (), []
    found = discover(registry, seen, open_before, now, stop_at=stop_at)
    undo = discovered_items(registry.discovered_records, now) if found.items else []
    return found.registry, found.seen, (found.items, undo), tuple(found.notices), found.problems


def _record_then_publish(
    dynamodb: DynamoDBClient,
    table: str,
    audit: tuple[dict[str, Any] | None, dict[str, Any]],
    discovered: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    findings: Findings,
    *,
    alert: Alert | None,
    topic_arn: str,
    now: datetime,
) -> str | None:
    """Write what is open (``audit``: the item before, None when there was none, and
    after) with the discovered monitors (``discovered``: the items after, and before),
    then publish ``alert``; if the publish fails, write back what was, so that the retry
    announces the change. Both are written in one transaction (at most 100 items: 98
    chunks of 100 discovered monitors), so that a failed write leaves neither."""
    before, item = audit
    if discovered[0]:
        _transact(dynamodb, table, [{"Put": {"Item": item}}, *_puts(discovered[0])])
    else:
        dynamodb.put_item(TableName=table, Item=item)
    if alert is None:
        return None
    try:
        return send_alert(topic_arn, alert, "audit")
    except Exception as error:
        try:
            _restore(dynamodb, table, before, discovered[1], now)
        except (ClientError, BotoCoreError) as second:
            unsent = [p.key for p in (*findings.new, *findings.recovered, *findings.notices)]
            log("audit_restore_failed", error=str(second), unsent=unsent)
            error.add_note(
                f"and the open problems could not be written back ({second}): these changes "
                f"will not be announced, see `status`: {', '.join(unsent[:20])}"
            )
        raise


def _puts(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"Put": {"Item": item}} for item in items]


def _transact(dynamodb: DynamoDBClient, table: str, actions: list[dict[str, Any]]) -> None:
    for action in actions:
        next(iter(action.values()))["TableName"] = table
    dynamodb.transact_write_items(TransactItems=actions)  # type: ignore[arg-type]


def _restore(
    dynamodb: DynamoDBClient,
    table: str,
    before: dict[str, Any] | None,
    discovered: list[dict[str, Any]],
    now: datetime,
) -> None:
    """Put the audit item (and the discovered items, when given) back as they were,
    unless an audit wrote since this one."""
    mine: dict[str, Any] = {
        "ConditionExpression": "audited_at = :mine",
        "ExpressionAttributeValues": {":mine": {"S": now.isoformat()}},
    }
    if before is None:
        audit: dict[str, Any] = {"Delete": {"Key": {"pk": {"S": AUDIT_KEY}}, **mine}}
    else:
        audit = {"Put": {"Item": before, **mine}}
    try:
        if discovered:
            _transact(dynamodb, table, [audit, *_puts(discovered)])
        elif before is None:
            dynamodb.delete_item(TableName=table, Key={"pk": {"S": AUDIT_KEY}}, **mine)
        else:
            dynamodb.put_item(TableName=table, Item=before, **mine)
    except ClientError as error:
        # A transaction fails whole when the condition does: an audit wrote since.
        if error_code(error) not in {
            "ConditionalCheckFailedException",
            "TransactionCanceledException",
        }:
            raise
