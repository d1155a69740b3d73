"""Alerts held by a maintenance window or a pause (check/maintenance.py), and their release.

A check whose problem is held records its status with ``held_until`` and keeps the alert
it would have sent, composed, in ``held#<monitor>`` (the latest one: a later held check
replaces it). The hourly audit releases them (``release_held``): once ``until`` has
passed, an alert whose monitor's status is still the one held is sent, exactly once (a
claim, as for a check), and both marks are cleared, so the next OK is a RECOVERED. One
whose monitor has moved on (a later check found it healthy, or sent a problem of its own)
is dropped unsent: what on call would read is no longer true.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ..check.context import CheckContext
from ..check.maintenance import Hold
from ..check.verdict import PROBLEMS, Status, Verdict
from ..errors import error_code
from ..logs import log
from ..state.records import (
    UnreadableItemError,
    get_items,
    has_status,
    held_key,
    millis,
    moment,
    monitor_key,
    monitor_state,
    pause_of,
)
from ..state.store import StateStore, handled_key
from .message import Alert
from .outbox import send_alert
from .upstream import is_suppressed

# The claim key's check: one release per held status (its as_of).
RELEASE = "held"


@dataclass(frozen=True)
class HeldAlert:
    """A ``held#`` item: the monitor, the status and time it was held for, until when,
    and the alert to send then."""

    monitor: str
    status: Status
    as_of: datetime
    until: datetime
    alert: Alert


def held_item(
    monitor: str, status: Status, as_of: datetime, hold: Hold, alert: Alert
) -> dict[str, Any]:
    """The ``held#`` item of a held alert, compressed (an SNS message of up to 256 KB
    stays within DynamoDB's 400 KB item), with what held it (``resume`` hastens a
    pause's hold, not a window's)."""
    body = {
        "subject": alert.subject,
        "body": alert.body,
        "attributes": alert.attributes,
        "detail": alert.detail,
        "judged_at": alert.judged_at.isoformat(),
        "resources": list(alert.resources),
    }
    return {
        "pk": {"S": held_key(monitor)},
        "monitor": {"S": monitor},
        "status": {"S": status.value},
        "as_of": {"N": str(millis(as_of))},
        "until": {"N": str(millis(hold.until))},
        "held_by": {"S": hold.kind},
        "alert_z": {"B": zlib.compress(json.dumps(body).encode(), 9)},
    }


def held_alert(item: dict[str, Any]) -> HeldAlert:
    """A ``held#`` item read back; UnreadableItemError for one this release cannot read."""
    try:
        body = json.loads(zlib.decompress(item["alert_z"]["B"]))
        return HeldAlert(
            monitor=item["monitor"]["S"],
            status=Status(item["status"]["S"]),
            as_of=moment(item["as_of"]),
            until=moment(item["until"]),
            alert=Alert(
                subject=body["subject"],
                body=body["body"],
                attributes=body["attributes"],
                detail=body["detail"],
                judged_at=datetime.fromisoformat(body["judged_at"]),
                resources=tuple(body["resources"]),
            ),
        )
    except (KeyError, TypeError, ValueError, AttributeError, zlib.error) as error:
        raise UnreadableItemError(f"{item.get('pk')} cannot be read: {error!r}") from error


def held_until(check: CheckContext, verdict: Verdict) -> datetime | None:
    """Until when a check's alert is held, if it is: a problem found while a window or a
    pause covered the check, that would have been sent (one an upstream problem suppresses
    is not). None when it is sent now."""
    if check.hold is None or verdict.status not in PROBLEMS or is_suppressed(check, verdict):
        return None
    return check.hold.until


class ReleaseError(RuntimeError):
    """A held alert that is due could not be sent: the audit fails, for Lambda's retry."""


def release_held(
    store: StateStore,
    items: Iterable[dict[str, Any]],
    topic_arn: str,
    now: datetime,
    *,
    owner: str,
    lease: timedelta,
    stop_at: float,
) -> list[str]:
    """Send the held alerts whose hold has ended and whose problem still holds; drop those
    whose monitor moved on. The monitors whose alert was sent. Stops at ``stop_at`` (a
    time.monotonic() deadline): the rest wait for the next audit. ReleaseError when a due
    alert could not be sent, after the others had their turn (its claim is released, so
    the retry sends it)."""
    due = []
    for item in items:
        try:
            held = held_alert(item)
        except UnreadableItemError as unreadable:  # a later release's: left for it
            log("unreadable_state", key=item.get("pk"), reason=str(unreadable))
            continue
        if held.until <= now:
            due.append(held)
    if not due:
        return []
    states = get_items(store.dynamodb, store.table_name, [monitor_key(h.monitor) for h in due])
    sent, errors = [], []
    for held in sorted(due, key=lambda h: h.until):
        if time.monotonic() >= stop_at:
            log("held_deferred", monitors=[h.monitor for h in due if h.monitor not in sent])
            break
        holds = _still_holds(held, states.get(monitor_key(held.monitor)), now)
        if holds is None:
            continue
        if not holds:
            log("held_dropped", monitor=held.monitor, status=held.status.value)
            _clear(store, held)
            continue
        try:
            if _send_once(store, held, topic_arn, now, owner=owner, lease=lease):
                sent.append(held.monitor)
        except Exception as error:  # raised below, once every due alert had its turn
            log("held_release_failed", monitor=held.monitor, error=str(error))
            errors.append(f"{held.monitor}: {error}")
            continue
        _clear(store, held)
    if errors:
        raise ReleaseError(f"held alerts not sent: {'; '.join(errors)}")
    return sent


def _still_holds(held: HeldAlert, item: dict[str, Any] | None, now: datetime) -> bool | None:
    """Whether the monitor's last status is still the one held (None: it is, but a pause
    set since holds it still). A status older than the held one means the check could
    not record it: nothing came after it, so it holds. The same status released already
    is caught by the release's claim."""
    try:
        state = monitor_state(item) if item is not None and has_status(item) else None
    except UnreadableItemError:  # a later release wrote it: it has moved on
        return False
    with suppress(UnreadableItemError):  # a pause this release cannot read: none, sent
        pause = pause_of(item)
        if pause is not None and pause.at <= now < pause.until:
            return None
    if state is None or state.as_of < held.as_of:
        return True
    return state.as_of == held.as_of and state.status is held.status


def _send_once(
    store: StateStore,
    held: HeldAlert,
    topic_arn: str,
    now: datetime,
    *,
    owner: str,
    lease: timedelta,
) -> bool:
    """Claim, send and complete the release; False when it was sent already."""
    key = handled_key(held.monitor, RELEASE, str(millis(held.as_of)))
    if not store.claim(key, owner, now, lease):
        return False
    try:
        message_id = send_alert(topic_arn, held.alert, "check")
    except Exception:
        store.release(key, owner)
        raise
    log("held_released", monitor=held.monitor, status=held.status.value, message_id=message_id)
    try:
        store.complete(key, owner, now)
    except (ClientError, BotoCoreError) as error:  # sent: a retry must not send it again
        log("state_table_failed", monitor=held.monitor, errors=[f"complete failed: {error}"])
    return True


def _clear(store: StateStore, held: HeldAlert) -> None:
    """Remove the hold's marks, unless a later check replaced them: the monitor's status
    is then a sent one (its next OK is a RECOVERED), and the held item is gone. A mark
    left by a failed write is cleared by the next audit (the release's claim keeps it
    from being sent twice)."""
    as_of = {":as_of": {"N": str(millis(held.as_of))}}
    writes: list[tuple[Any, dict[str, Any]]] = [
        (
            store.dynamodb.update_item,
            {
                "Key": {"pk": {"S": monitor_key(held.monitor)}},
                "UpdateExpression": "REMOVE held_until",
                "ConditionExpression": "as_of = :as_of AND attribute_exists(held_until)",
            },
        ),
        (
            store.dynamodb.delete_item,
            {"Key": {"pk": {"S": held_key(held.monitor)}}, "ConditionExpression": "as_of = :as_of"},
        ),
    ]
    for write, request in writes:
        try:
            write(TableName=store.table_name, ExpressionAttributeValues=as_of, **request)
        except ClientError as error:
            if error_code(error) != "ConditionalCheckFailedException":
                log("state_table_failed", monitor=held.monitor, errors=[str(error)])
        except BotoCoreError as error:
            log("state_table_failed", monitor=held.monitor, errors=[str(error)])
