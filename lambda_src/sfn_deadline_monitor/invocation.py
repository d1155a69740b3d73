"""One invocation of the function: turn the event into a verdict and hand it to delivery.

A thin layer over ``contract`` (what was asked), ``executions`` (what Step Functions
shows) and ``delivery`` (dedupe, publish, record). Every way the check can fail becomes
an ERROR alert or an exception for Lambda to retry; nothing passes silently. Run by the
Lambda entry point (handler.py) and by the ``replay`` command.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .alerts.delivery import TOPIC_ENV, Delivery, settle
from .check.context import CheckContext, check_context
from .check.contract import AT_RISK, CHECKS, DEADLINE, AuditRequest, CheckRequest, parse_event
from .check.executions import ThrottledError, read_window, report_status_change
from .check.failure_events import (
    STATUS_CHANGE,
    FailureEvent,
    StatusChange,
    is_discovered_failure,
)
from .check.monitor_settings import InvalidEventError, message_format_of, monitor_name_of
from .check.verdict import Status, Verdict
from .formatting import clip
from .logs import log
from .state.store import handled_key

# Time kept back from the function's timeout to publish the alert: past it, the check
# stops reading and reports what it could not read, rather than timing out silently.
# Half the time left when that is less (lambda_timeout may be as short as 10 s).
RESERVE_SECONDS = 15
# A claim on a check outlives the invocation that made it by this much, then lapses so
# that a retry can handle a check whose function died before it could send.
CLAIM_MARGIN = timedelta(minutes=1)
# A claim's lease when the function's remaining time is unknown (run outside Lambda).
UNTIMED_LEASE = timedelta(minutes=15)
# What an ERROR alert about a malformed event quotes of it: a 300 KB field would make the
# alert larger than SNS's 262,144 bytes, refused on every retry.
MAX_QUOTED_NAME_CHARS = 100
MAX_PROBLEM_CHARS = 2000


@dataclass(frozen=True)
class Budget:
    """How long this invocation may read (a time.monotonic() deadline), how long its
    claim on a check lasts, and who claims: the Lambda request, whose ID Lambda keeps
    across the retries of one event (a fresh one outside Lambda)."""

    stop_at: float
    lease: timedelta
    owner: str

    @classmethod
    def of(cls, context: Any) -> Budget:
        if context is None:
            return cls(math.inf, UNTIMED_LEASE, f"local-{uuid.uuid4()}")
        remaining = context.get_remaining_time_in_millis() / 1000
        return cls(
            time.monotonic() + remaining - min(RESERVE_SECONDS, remaining / 2),
            timedelta(seconds=remaining) + CLAIM_MARGIN,
            str(context.aws_request_id),
        )


def invoke(event: Any, context: Any, now: datetime) -> dict[str, Any]:
    """Check one monitor (or report one failure event, or audit) as of ``now``, and publish
    what it found; ``context`` is Lambda's (None outside Lambda)."""
    topic_arn = os.environ.get(TOPIC_ENV)
    if not topic_arn:
        raise RuntimeError(f"{TOPIC_ENV} is not set: the function has nowhere to send alerts")
    budget = Budget.of(context)
    try:
        if is_discovered_failure(event):
            # Imported here: a scheduled check's cold start reads no registry.
            from .discovery.failures import with_discovered_monitors  # noqa: PLC0415

            event = with_discovered_monitors(event)
            if event is None:
                log("not_watched", reason="no discovered monitor watches the state machine")
                return {"check": STATUS_CHANGE, "monitors": []}
        request = parse_event(event, now)
    except InvalidEventError as invalid:
        return settle(_malformed(event, str(invalid), topic_arn, now, budget))
    if isinstance(request, FailureEvent):
        return _failure_event(request, topic_arn, now, budget)
    if isinstance(request, AuditRequest):
        # Imported here: the audit's modules are not on every check's cold start.
        from .audit.run import run_audit  # noqa: PLC0415

        return run_audit(
            request, topic_arn, now, lease=budget.lease, owner=budget.owner, stop_at=budget.stop_at
        )
    try:
        scheduled = _scheduled(request, topic_arn, now, budget)
    except ThrottledError as throttled:
        log("throttled", monitor=request.monitor, check=request.check, reason=str(throttled))
        raise
    return settle(scheduled)


def _failure_event(
    event: FailureEvent, topic_arn: str, now: datetime, budget: Budget
) -> dict[str, Any]:
    """FAILED at once to every monitor the failed run concerns.

    Each monitor's alert is claimed on its own, so when one cannot be sent the others
    still go out, and Lambda's retry sends only what is missing.
    """
    results, errors = [], []
    for change in event.changes:
        try:
            results.append(settle(_status_change(change, topic_arn, now, budget)))
        except Exception as error:  # raised below, once every monitor had its turn
            errors.append(error)
    if not event.changes:
        log(
            "not_watched",
            execution_arn=event.execution.arn,
            reason="a version or alias no monitor watches",
        )
    if errors:
        raise errors[0]
    return {"check": STATUS_CHANGE, "execution_arn": event.execution.arn, "monitors": results}


def _malformed(event: Any, problem: str, topic_arn: str, now: datetime, budget: Budget) -> Delivery:
    """An ERROR alert about an event that does not follow the contract, quoting at most a
    bounded part of it; claimed like any check when it can be told from another delivery."""
    kind = event.get("check", DEADLINE) if isinstance(event, dict) else DEADLINE
    check = CheckContext(
        monitor=clip(monitor_name_of(event), MAX_QUOTED_NAME_CHARS) or "",
        state_machine_arn="",
        window=None,
        timezone="UTC",
        checked_at=now,
        check=kind if isinstance(kind, str) and kind in CHECKS else DEADLINE,
    )
    verdict = Verdict(Status.ERROR, reason=f"malformed event: {clip(problem, MAX_PROBLEM_CHARS)}")
    return Delivery(
        topic_arn,
        check,
        verdict,
        message_format_of(event),
        _malformed_key(event),
        now,
        budget.lease,
        budget.owner,
    )


def _malformed_key(event: Any) -> str | None:
    """The claim key of a malformed event that carries its occurrence (a schedule's
    scheduled time, or an EventBridge event's id), so that its redelivery is known: the
    digest of the whole event, bounded whatever the event holds. The empty monitor name
    keeps these keys apart from every monitor's."""
    if not isinstance(event, dict):
        return None
    inner = event.get("event")
    occurrence = event.get("scheduled_time") or (
        inner.get("id") if isinstance(inner, dict) else None
    )
    if not isinstance(occurrence, str):
        return None
    digest = hashlib.sha256(json.dumps(event, sort_keys=True, default=str).encode()).hexdigest()
    return handled_key("", "malformed", digest)


def _status_change(
    request: StatusChange, topic_arn: str, now: datetime, budget: Budget
) -> Delivery:
    """FAILED at once for a run Step Functions reported; claimed per run and redrive."""
    execution = request.execution
    return Delivery(
        topic_arn,
        check_context(request, now),
        report_status_change(request, budget.stop_at),
        request.message_format,
        handled_key(request.monitor, request.check, f"{execution.arn}#{execution.redrive_count}"),
        execution.stop or now,
        budget.lease,
        budget.owner,
        role_arn=request.role_arn,
    )


def _scheduled(request: CheckRequest, topic_arn: str, now: datetime, budget: Budget) -> Delivery:
    """The verdict on the window before a scheduled deadline or start check, or the
    prediction of an at-risk check for the deadline still to come."""
    reading = read_window(request, now, budget.stop_at)
    at_risk = request.check == AT_RISK
    # Without a scheduled time a deadline cannot be told from another delivery of itself.
    # An at-risk check claims its deadline only when it warns: one warning per deadline.
    claimed = (
        reading.verdict.status is Status.AT_RISK
        if at_risk
        else not (request.deadline_from_invocation_time)
    )
    key = handled_key(request.monitor, request.check, request.deadline.isoformat())
    return Delivery(
        topic_arn,
        check_context(request, now, reading.history, reading.prediction),
        reading.verdict,
        request.message_format,
        key if claimed else None,
        request.due if at_risk else request.deadline,
        budget.lease,
        budget.owner,
        role_arn=request.role_arn,
        notify_on_success=request.notify_on_success,
        list_calls=reading.list_calls,
        scheduled=request.scheduled_at,
    )
