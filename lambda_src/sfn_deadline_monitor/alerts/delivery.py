"""Delivering a verdict: dedupe and follow-up through the state table, publish, record.

Without a state table every verdict is sent as it is. With one, a check already handled
sends nothing, and OK after a problem becomes RECOVERED. Exactly one alert through any
single fault (docs/failure-modes.md#exactly-one-alert):

- a publish that fails releases the check's claim and raises, so that Lambda's retries
  and the failure queue keep the check;
- a problem is never held back by the table: a claim or a read that fails is sent
  without it, and an OK whose last status cannot be read raises instead (a RECOVERED may
  be due), so that the retry decides;
- once the alert is published, nothing raises: a retry would publish it again. The
  records are written again after a pause when they fail, and a table still failing is
  logged (``state_table_failed``, the ``state-table-errors`` alarm).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .. import aws
from ..check.context import CheckContext
from ..check.contract import AT_RISK, START
from ..check.maintenance import Pause, hold_of
from ..check.verdict import PROBLEMS, Status, Verdict
from ..logs import log
from ..state.outcomes import deadline_outcome
from ..state.records import MonitorState, written
from ..state.store import ClaimHeldError, StateStore
from .check_log import log_check
from .held import held_item, held_until
from .incident import incident_key
from .message import compose
from .outbox import send_alert
from .recovery import followed_up
from .upstream import explain, is_suppressed

TOPIC_ENV = "ALERT_TOPIC_ARN"
STATE_TABLE_ENV = "STATE_TABLE_NAME"
# Days the deadline history is kept (history_retention_days); unset or 0 keeps none.
HISTORY_ENV = "HISTORY_RETENTION_DAYS"


class StateTableError(RuntimeError):
    """The state table failed before anything was sent and the verdict depends on it:
    Lambda should retry."""


@dataclass(frozen=True)
class Delivery:
    """One verdict on its way out: where it goes, how it reads, what it is about.

    ``key`` claims the check in the state table (None: it cannot be told from another
    delivery of itself) for ``owner`` (the Lambda request) for ``lease``; ``as_of`` is
    the moment the verdict is about; ``role_arn`` reads the earlier problem runs of a
    RECOVERED notice.
    """

    topic_arn: str
    check: CheckContext
    verdict: Verdict
    message_format: str
    key: str | None
    as_of: datetime
    lease: timedelta
    owner: str
    role_arn: str | None = None
    notify_on_success: bool = False
    list_calls: int | None = 0
    # The scheduled time of a scheduled check, recorded for the audit once it completed.
    scheduled: datetime | None = None


@dataclass(frozen=True)
class Memory:
    """What the state table holds for this delivery.

    ``store`` is where to record the outcome (None: no table); ``claimed`` says this
    invocation holds a live claim on the delivery's key, to release if the publish
    fails; ``previous`` is the last status reported, unknown when ``read_error`` says
    it could not be read, and ``upstream`` those of the monitors it waits for;
    ``failures`` are the table's errors so far; ``pause`` the monitor's (CLI ``pause``).
    """

    store: StateStore | None
    claimed: bool = False
    previous: MonitorState | None = None
    read_error: str | None = None
    failures: tuple[str, ...] = ()
    upstream: Mapping[str, MonitorState] = field(default_factory=dict)
    pause: Pause | None = None


class Duplicate:
    """The check was handled already: nothing is sent."""


def state_store() -> StateStore | None:
    """The state table, when the module created one (STATE_TABLE_NAME is set)."""
    table = os.environ.get(STATE_TABLE_ENV)
    history = timedelta(days=int(os.environ.get(HISTORY_ENV) or 0))
    return StateStore(table, aws.client("dynamodb"), history) if table else None


def settle(delivery: Delivery) -> dict[str, Any]:
    """Dedupe, follow up on the last status and its episode, publish, remember, and log
    the check.

    The log line (and its metrics) is written whether or not the publish succeeds.
    """
    memory = recall(state_store(), delivery)
    if isinstance(memory, Duplicate):
        log("duplicate", monitor=delivery.check.monitor, key=delivery.key)
        return {"monitor": delivery.check.monitor, "status": None, "duplicate": True}
    if memory.read_error is not None and _may_recover(delivery):
        failure = (
            f"{memory.read_error}; whether a RECOVERED is due is unknown, so nothing was "
            f"sent{release(memory, delivery)}"
        )
        _log_check(delivery, memory, message_id=None, state_error=failure)
        log("state_table_failed", monitor=delivery.check.monitor, errors=[failure])
        raise StateTableError(failure)
    if not is_quiet(delivery):
        # A held problem was never sent: its end is no RECOVERED.
        sent = memory.previous if memory.previous and not memory.previous.held_until else None
        check, verdict = followed_up(
            delivery.check, delivery.verdict, sent, delivery.as_of, delivery.role_arn
        )
        delivery = replace(delivery, check=check, verdict=verdict)
    status, monitor = delivery.verdict.status, delivery.check.monitor
    episode = incident_key(monitor, status, delivery.as_of, memory.previous)
    check = explain(delivery.check, delivery.verdict, memory.upstream)
    hold = hold_of(check.maintenance_windows, memory.pause, check.checked_at)
    delivery = replace(delivery, check=replace(check, incident_key=episode, hold=hold))
    try:
        message_id = send(delivery, memory.store)
    except Exception as error:
        failure = f"{error}{release(memory, delivery)}"
        state_error = "; ".join(memory.failures) or None
        _log_check(
            delivery, memory, message_id=None, publish_error=failure, state_error=state_error
        )
        raise
    failures = memory.failures + remember(memory, delivery)
    summary = _log_check(
        delivery, memory, message_id=message_id, state_error="; ".join(failures) or None
    )
    if failures:
        log("state_table_failed", monitor=delivery.check.monitor, errors=list(failures))
    return summary


def recall(store: StateStore | None, delivery: Delivery) -> Memory | Duplicate:
    """Claim the check and read the last status of the monitor and of its upstream.

    A claim another invocation holds raises ClaimHeldError, for Lambda to retry this
    delivery once that one has finished or lapsed. A claim or read that fails is noted
    and the check goes on: a problem is sent without the table.
    """
    if store is None:
        return Memory(store=None)
    claimed, failures = False, tuple[str, ...]()
    if delivery.key is not None:
        try:
            if not store.claim(
                delivery.key, delivery.owner, delivery.check.checked_at, delivery.lease
            ):
                return Duplicate()
            claimed = True
        except ClaimHeldError:
            log("claim_held", monitor=delivery.check.monitor, key=delivery.key)
            raise
        except (ClientError, BotoCoreError) as error:
            failures = (f"the claim failed: {error}",)
    monitor = delivery.check.monitor
    try:
        recalled = store.recall((monitor, *delivery.check.dependencies.upstream))
    except (ClientError, BotoCoreError, RuntimeError) as error:  # RuntimeError: get_items'
        read_error = f"the last status could not be read: {error}"
        return Memory(store, claimed, read_error=read_error, failures=(*failures, read_error))
    upstream = dict(recalled.states)
    previous = upstream.pop(monitor, None)
    return Memory(store, claimed, previous, None, failures, upstream, recalled.pause)


def _may_recover(delivery: Delivery) -> bool:
    """Whether the verdict could be a RECOVERED, which only the last status tells."""
    return delivery.verdict.status is Status.OK and not is_quiet(delivery)


def is_quiet(delivery: Delivery) -> bool:
    """A start check that found a run, or an at-risk check that found none at risk, says
    nothing about success, and a check SKIPPED on its calendar's day off nothing at all (a
    holiday is no evidence of recovery): it neither recovers a monitor nor overwrites its
    last status."""
    status = delivery.verdict.status
    early_ok = status is Status.OK and delivery.check.check in (START, AT_RISK)
    return early_ok or status is Status.SKIPPED


def send(delivery: Delivery, store: StateStore | None) -> str | None:
    """Send the alert (outbox.py); OK is only sent to monitors that ask for it, SKIPPED
    never, nor what an upstream problem holds back (upstream.py). A problem that a window
    or a pause holds is kept in the table instead, for the audit to send when the hold
    has ended (held.py): like a publish, a failure to keep it raises. The message id."""
    check, verdict = delivery.check, delivery.verdict
    unsent = verdict.status is Status.SKIPPED or (
        verdict.status is Status.OK and not delivery.notify_on_success
    )
    if unsent or is_suppressed(check, verdict):
        return None
    alert = compose(check, verdict, delivery.message_format)
    if store is not None and check.hold is not None and held_until(check, verdict):
        item = held_item(check.monitor, verdict.status, delivery.as_of, check.hold, alert)
        store.dynamodb.put_item(TableName=store.table_name, Item=item)
        return None
    return send_alert(delivery.topic_arn, alert, "check")


def release(memory: Memory, delivery: Delivery) -> str:
    """Free this invocation's claim, so that a retry may send what this one could not.
    Returns what to add to the error when even that failed (Lambda's retry still takes
    its own claim over; another delivery waits for the lease)."""
    if memory.store is None or not memory.claimed or delivery.key is None:
        return ""
    try:
        memory.store.release(delivery.key, delivery.owner)
    except (ClientError, BotoCoreError) as error:
        return f"; the claim was not released: {error}"
    return ""


def remember(memory: Memory, delivery: Delivery) -> tuple[str, ...]:
    """Record the status, complete the claim, mark the check done, keep the deadline's
    outcome: each written again after a pause if it fails; the errors of those that failed.

    A status whose predecessor could not be read is recorded all the same (only a problem
    gets here): it is what the next check's RECOVERED follows.
    """
    store = memory.store
    if store is None:
        return ()
    check = delivery.check
    writes: dict[str, Callable[[], None]] = {}
    if not is_quiet(delivery):
        status, previous = delivery.verdict.status, memory.previous
        writes["record"] = lambda: store.record(
            check.monitor,
            status,
            delivery.as_of,
            tuple(f.execution.arn for f in delivery.verdict.problems),
            check.checked_at,
            since=previous.since_if(status, delivery.as_of) if previous else None,
            incident_key=check.incident_key if status in PROBLEMS else None,
            held_until=held_until(check, delivery.verdict),
        )
    if delivery.key is not None:
        key = delivery.key
        writes["complete"] = lambda: store.complete(key, delivery.owner, check.checked_at)
    if delivery.scheduled is not None:
        scheduled = delivery.scheduled
        writes["mark_checked"] = lambda: store.mark_checked(
            check.monitor, check.check, scheduled, check.checked_at, delivery.verdict.status
        )
    outcome = deadline_outcome(check, delivery.verdict)
    if outcome is not None and store.history:
        writes["record_outcome"] = lambda: store.record_outcome(outcome)
    failed = ((name, written(write)) for name, write in writes.items())
    return tuple(f"{name} failed: {error}" for name, error in failed if error)


def _log_check(delivery: Delivery, memory: Memory, **outcome: str | None) -> dict[str, Any]:
    """The check's one log line (check_log.py) for this delivery."""
    return log_check(
        delivery.check,
        delivery.verdict,
        list_calls=delivery.list_calls,
        previous_status=memory.previous.status if memory.previous else None,
        **outcome,
    )
