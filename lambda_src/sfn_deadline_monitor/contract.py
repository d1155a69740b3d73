"""The input contract between the Terraform module's schedules and the check.

The module writes this JSON object as each schedule's target input; EventBridge Scheduler
replaces the ``<aws.scheduler.*>`` placeholders at invocation. Parsing is strict so that a
malformed event becomes an explicit ERROR alert instead of a silent pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .fire_times import previous_fire
from .schedule_expression import At, Expression, Rate, ScheduleExpressionError, parse
from .settings import InvalidEventError, parse_settings
from .status_change import STATUS_CHANGE, FailureEvent, parse_failure_event
from .verdict import Window

CONTRACT_VERSION = 1
# What invoked the function: a deadline schedule, an early start-check schedule, or a
# failure rule on the state machines' failures.
DEADLINE, START = "deadline", "start"
CHECKS = (DEADLINE, START, STATUS_CHANGE)

# How far in the future a scheduled time may lie before it is taken for clock skew or a
# forged event rather than a deadline: judging a window that has not happened yet would
# report MISSING for runs that are still to come.
MAX_CLOCK_SKEW = timedelta(minutes=5)

_PLACEHOLDER = re.compile(r"^<aws\.scheduler\.[a-z-]+>$")
# Step Functions keeps closed executions for 90 days; a month covers a monthly job.
MAX_LOOKBACK_MINUTES = 31 * 24 * 60
_SCHEDULED_REQUIRED = {"version", "monitor", "state_machine_arn", "lookback_minutes"}
_SCHEDULED_OPTIONAL = {
    "check",
    "timezone",
    "message_format",
    "role_arn",
    "scheduled_time",
    "scheduler_execution_id",
    "attempt_number",
    "schedule_expression",
}
# Each check's (required, optional) fields.
_FIELDS = {
    DEADLINE: (_SCHEDULED_REQUIRED, _SCHEDULED_OPTIONAL | {"notify_on_success"}),
    START: (_SCHEDULED_REQUIRED, _SCHEDULED_OPTIONAL),
    STATUS_CHANGE: ({"version", "check", "monitors", "event"}, set()),
}


@dataclass(frozen=True)
class CheckRequest:
    """A validated scheduled check: what to examine and how to report it.

    ``check`` is DEADLINE (did the runs succeed by the deadline?) or START (did a run
    start by then?); the window ends at ``deadline`` either way.
    """

    monitor: str
    state_machine_arn: str
    lookback: timedelta
    deadline: datetime
    deadline_from_invocation_time: bool
    check: str = DEADLINE
    timezone: str = "UTC"
    notify_on_success: bool = False
    message_format: str = "text"
    role_arn: str | None = None
    scheduler_execution_id: str | None = None
    attempt_number: int | None = None
    # The schedule that fires this check, when the input names it: where earlier windows lay.
    schedule: Expression | None = None

    @property
    def window(self) -> Window:
        """The look-back window that ends at the deadline."""
        return Window.ending_at(self.deadline, self.lookback)

    def earlier_windows(self, count: int) -> tuple[Window, ...]:
        """Up to ``count`` windows before this one, newest first: those of the schedule's
        earlier fires (none for a one-time at() schedule, or without the schedule)."""
        schedule = self.schedule
        if schedule is None or isinstance(schedule, At):
            return ()
        if isinstance(schedule, Rate):  # fires every interval, this deadline among them
            deadlines = [self.deadline - n * schedule.interval for n in range(1, count + 1)]
            return tuple(Window.ending_at(d, self.lookback) for d in deadlines)
        windows: list[Window] = []
        deadline: datetime | None = self.deadline
        while deadline is not None and len(windows) < count:
            deadline = previous_fire(schedule, self.timezone, deadline - timedelta(microseconds=1))
            if deadline is not None:
                windows.append(Window.ending_at(deadline, self.lookback))
        return tuple(windows)


def is_placeholder(value: object) -> bool:
    """True for a context attribute the Scheduler did not substitute (a direct invoke)."""
    return isinstance(value, str) and bool(_PLACEHOLDER.match(value))


def parse_event(event: Any, now: datetime) -> CheckRequest | FailureEvent:
    """Validate a schedule's or a failure rule's input.

    A scheduled check's deadline is the scheduled time, so a retried invocation judges
    the same window as the first attempt; only an absent or unsubstituted scheduled time
    falls back to ``now``.
    """
    if not isinstance(event, dict):
        raise InvalidEventError(f"the event must be a JSON object, got {type(event).__name__}")
    check = event.get("check", DEADLINE)
    if check not in CHECKS:
        raise InvalidEventError(f"check {check!r} is not one of {', '.join(CHECKS)}")
    required, optional = _FIELDS[check]
    missing = sorted(required - event.keys())
    if missing:
        raise InvalidEventError(f"the event lacks required field(s): {', '.join(missing)}")
    unknown = sorted(event.keys() - required - optional)
    if unknown:
        raise InvalidEventError(
            f"the event has unknown field(s) for a {check} check: {', '.join(unknown)}"
        )
    if type(event["version"]) is not int or event["version"] != CONTRACT_VERSION:
        raise InvalidEventError(
            f"version {event['version']!r} is not supported; this function reads version "
            f"{CONTRACT_VERSION} (deploy the module and the function from the same release)"
        )
    if check == STATUS_CHANGE:
        return parse_failure_event(event)
    return _scheduled_check(event, check, now)


def _scheduled_check(event: dict[str, Any], check: str, now: datetime) -> CheckRequest:
    settings = parse_settings(event)
    lookback = event["lookback_minutes"]
    if type(lookback) is not int or not 0 < lookback <= MAX_LOOKBACK_MINUTES:
        raise InvalidEventError(
            f"lookback_minutes must be a whole number from 1 to {MAX_LOOKBACK_MINUTES} "
            f"(31 days), got {lookback!r}"
        )
    notify_on_success = event.get("notify_on_success", False)
    if not isinstance(notify_on_success, bool):
        raise InvalidEventError("notify_on_success must be true or false")

    deadline, from_invocation_time = _deadline(event.get("scheduled_time"), now)
    return CheckRequest(
        monitor=settings.monitor,
        state_machine_arn=settings.state_machine_arn,
        lookback=timedelta(minutes=lookback),
        deadline=deadline,
        deadline_from_invocation_time=from_invocation_time,
        check=check,
        timezone=settings.timezone,
        notify_on_success=notify_on_success,
        message_format=settings.message_format,
        role_arn=settings.role_arn,
        scheduler_execution_id=_substituted(event.get("scheduler_execution_id")),
        attempt_number=_attempt_number(event.get("attempt_number")),
        schedule=_schedule(event.get("schedule_expression")),
    )


def _schedule(expression: object) -> Expression | None:
    if expression is None:
        return None
    if not isinstance(expression, str):
        raise InvalidEventError("schedule_expression must be a string such as cron(0 2 * * ? *)")
    try:
        return parse(expression)
    except ScheduleExpressionError as error:
        raise InvalidEventError(f"schedule_expression: {error}") from None


def _deadline(scheduled_time: object, now: datetime) -> tuple[datetime, bool]:
    if scheduled_time in (None, "") or is_placeholder(scheduled_time):
        return now, True
    if not isinstance(scheduled_time, str):
        raise InvalidEventError("scheduled_time must be an ISO 8601 string")
    try:
        deadline = datetime.fromisoformat(scheduled_time)
    except ValueError:
        raise InvalidEventError(
            f"scheduled_time {scheduled_time!r} is not an ISO 8601 time such as "
            "2026-11-28T02:00:00Z"
        ) from None
    if deadline.tzinfo is None:
        raise InvalidEventError(f"scheduled_time {scheduled_time!r} has no UTC offset")
    deadline = deadline.astimezone(UTC)
    if deadline > now + MAX_CLOCK_SKEW:
        raise InvalidEventError(
            f"scheduled_time {scheduled_time} lies in the future (now {now.isoformat()}); "
            "a window that has not happened yet cannot be judged"
        )
    return deadline, False


def _substituted(value: object) -> str | None:
    if isinstance(value, str) and value and not is_placeholder(value):
        return value
    return None


def _attempt_number(value: object) -> int | None:
    text = _substituted(value) if isinstance(value, str) else value
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    if isinstance(text, str) and text.isdigit():
        return int(text)
    return None
