"""The input contract between the Terraform module's schedules and the check.

The module writes this JSON object as each schedule's target input; EventBridge Scheduler
replaces the ``<aws.scheduler.*>`` placeholders at invocation. Parsing is strict so that a
malformed event becomes an explicit ERROR alert instead of a silent pass.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .calendar import Calendar, parse_calendar
from .dependencies import FIELDS as DEPENDENCY_FIELDS
from .dependencies import Dependencies, parse_dependencies
from .failure_events import STATUS_CHANGE, FailureEvent, parse_failure_event
from .fire_times import next_fire, previous_fire
from .maintenance import MaintenanceWindow, parse_windows
from .monitor_settings import InvalidEventError, parse_settings, quoted
from .schedule_expression import At, Expression, Rate, ScheduleExpressionError, parse
from .too_fast import MinDuration, parse_min_duration
from .verdict import Window

CONTRACT_VERSION = 1
# What invoked the function: a deadline schedule, an early start-check or at-risk
# schedule, a failure rule on the state machines' failures, or the audit's schedule.
DEADLINE, START, AT_RISK, AUDIT = "deadline", "start", "at_risk", "audit"
CHECKS = (DEADLINE, START, AT_RISK, STATUS_CHANGE, AUDIT)

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
    "severities",
    "scheduled_time",
    "scheduler_execution_id",
    "attempt_number",
    "calendar",
    "maintenance_windows",
    *DEPENDENCY_FIELDS,
}
# Each check's (required, optional) fields. An at-risk check judges the window of the
# deadline its schedule (deadline_expression) fires next.
_FIELDS = {
    DEADLINE: (
        _SCHEDULED_REQUIRED,
        _SCHEDULED_OPTIONAL | {"notify_on_success", "schedule_expression", "min_duration"},
    ),
    START: (
        _SCHEDULED_REQUIRED,
        _SCHEDULED_OPTIONAL | {"schedule_expression", "deadline_expression"},
    ),
    AT_RISK: (_SCHEDULED_REQUIRED | {"deadline_expression"}, _SCHEDULED_OPTIONAL),
    STATUS_CHANGE: ({"version", "check", "monitors", "event"}, {"maintenance_windows"}),
    AUDIT: ({"version", "check"}, {"scheduled_time", "scheduler_execution_id", "attempt_number"}),
}


@dataclass(frozen=True)
class CheckRequest:
    """A validated scheduled check: what to examine and how to report it.

    ``check`` is DEADLINE (did the runs succeed by the deadline?), START (did a run
    start by then?) or AT_RISK (will the run make the deadline still to come?); the window
    ends at ``deadline`` in every case. ``scheduled_at`` is when the check was due (its
    scheduled time, or the invocation time).
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
    severities: Mapping[str, str] = field(default_factory=dict)
    scheduler_execution_id: str | None = None
    attempt_number: int | None = None
    # The schedule whose fires end this check's windows, when the input names it: where
    # the earlier windows lay.
    schedule: Expression | None = None
    scheduled_at: datetime | None = None
    # A deadline check's bound under which a successful run is TOO_FAST (check/too_fast.py).
    min_duration: MinDuration | None = None
    calendar: Calendar | None = None  # the days its deadlines are off (check/calendar.py)
    next_deadline: datetime | None = None  # a start check's, from deadline_expression
    dependencies: Dependencies = field(default_factory=Dependencies)
    maintenance_windows: tuple[MaintenanceWindow, ...] = ()  # check/maintenance.py

    @property
    def due(self) -> datetime:
        """When the check was due: its scheduled time, else its deadline."""
        return self.scheduled_at or self.deadline

    @property
    def calendar_day(self) -> datetime:
        """The deadline whose local date a calendar judges: a start check's next deadline
        (one at 23:15 belongs to the next day's 02:00), else this check's own."""
        return self.next_deadline or self.deadline

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


def parse_event(event: Any, now: datetime) -> CheckRequest | FailureEvent | AuditRequest:
    """Validate a schedule's or a failure rule's input.

    A scheduled check's deadline is the scheduled time, so a retried invocation judges
    the same window as the first attempt; only an absent or unsubstituted scheduled time
    falls back to ``now``.
    """
    if not isinstance(event, dict):
        raise InvalidEventError(f"the event must be a JSON object, got {type(event).__name__}")
    check = event.get("check", DEADLINE)
    if check not in CHECKS:
        raise InvalidEventError(f"check {quoted(check)} is not one of {', '.join(CHECKS)}")
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
            f"version {quoted(event['version'])} is not supported; this function reads version "
            f"{CONTRACT_VERSION} (deploy the module and the function from the same release)"
        )
    if check == STATUS_CHANGE:
        return parse_failure_event(event)
    if check == AUDIT:
        scheduled_at, from_invocation_time = _scheduled_time(event.get("scheduled_time"), now)
        return AuditRequest(
            scheduled_at,
            from_invocation_time,
            _substituted(event.get("scheduler_execution_id")),
            _attempt_number(event.get("attempt_number")),
        )
    return _scheduled_check(event, check, now)


def _scheduled_check(event: dict[str, Any], check: str, now: datetime) -> CheckRequest:
    settings = parse_settings(event)
    lookback = event["lookback_minutes"]
    if type(lookback) is not int or not 0 < lookback <= MAX_LOOKBACK_MINUTES:
        raise InvalidEventError(
            f"lookback_minutes must be a whole number from 1 to {MAX_LOOKBACK_MINUTES} "
            f"(31 days), got {quoted(lookback)}"
        )
    notify_on_success = event.get("notify_on_success", False)
    if not isinstance(notify_on_success, bool):
        raise InvalidEventError("notify_on_success must be true or false")

    scheduled_at, from_invocation_time = _scheduled_time(event.get("scheduled_time"), now)
    deadline, schedule = scheduled_at, _schedule(event, "schedule_expression")
    if check == AT_RISK:
        schedule = _schedule(event, "deadline_expression")
        deadline = _next_deadline(schedule, settings.timezone, scheduled_at)
    ahead = None
    if check == START and "deadline_expression" in event:
        expression = _schedule(event, "deadline_expression")
        ahead = _next_deadline(expression, settings.timezone, scheduled_at)
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
        severities=settings.severities,
        scheduler_execution_id=_substituted(event.get("scheduler_execution_id")),
        attempt_number=_attempt_number(event.get("attempt_number")),
        schedule=schedule,
        scheduled_at=None if from_invocation_time else scheduled_at,
        min_duration=parse_min_duration(event.get("min_duration")),
        calendar=parse_calendar(event.get("calendar")),
        next_deadline=ahead,
        dependencies=parse_dependencies(event),
        maintenance_windows=parse_windows(event.get("maintenance_windows")),
    )


@dataclass(frozen=True)
class AuditRequest:
    """The audit's schedule fired: check every monitor of the module."""

    scheduled_at: datetime
    from_invocation_time: bool
    scheduler_execution_id: str | None = None
    attempt_number: int | None = None


def _schedule(event: dict[str, Any], field: str) -> Expression | None:
    expression = event.get(field)
    if expression is None:
        return None
    if not isinstance(expression, str):
        raise InvalidEventError(f"{field} must be a string such as cron(0 2 * * ? *)")
    try:
        return parse(expression)
    except ScheduleExpressionError as error:
        raise InvalidEventError(f"{field}: {error}") from None


def _next_deadline(schedule: Expression | None, timezone: str, after: datetime) -> datetime:
    """The deadline an at-risk check looks ahead to: the deadline schedule's next fire."""
    if isinstance(schedule, Rate):
        raise InvalidEventError(
            "deadline_expression must be cron(...) or at(...): a rate's fire times depend on "
            "when its schedule was created, which the check cannot know"
        )
    deadline = None if schedule is None else next_fire(schedule, timezone, after)
    if deadline is None:
        raise InvalidEventError(f"deadline_expression fires no more after {after.isoformat()}")
    return deadline


def _scheduled_time(scheduled_time: object, now: datetime) -> tuple[datetime, bool]:
    if scheduled_time in (None, "") or is_placeholder(scheduled_time):
        return now, True
    if not isinstance(scheduled_time, str):
        raise InvalidEventError("scheduled_time must be an ISO 8601 string")
    try:
        deadline = datetime.fromisoformat(scheduled_time)
    except ValueError:
        raise InvalidEventError(
            f"scheduled_time {quoted(scheduled_time)} is not an ISO 8601 time such as "
            "2026-11-28T02:00:00Z"
        ) from None
    if deadline.tzinfo is None:
        raise InvalidEventError(f"scheduled_time {quoted(scheduled_time)} has no UTC offset")
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
