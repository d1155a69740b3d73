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

from .verdict import Execution, Window

CONTRACT_VERSION = 1
MESSAGE_FORMATS = ("text", "json", "chat")
# What invoked the function: a deadline schedule, an early start-check schedule, or the
# EventBridge rule on the state machine's failures.
DEADLINE, START, STATUS_CHANGE = "deadline", "start", "status_change"
CHECKS = (DEADLINE, START, STATUS_CHANGE)
STATUS_CHANGE_DETAIL_TYPE = "Step Functions Execution Status Change"
# The statuses the module's rule forwards; any other is a misrouted event.
FAILURE_STATUSES = ("FAILED", "TIMED_OUT", "ABORTED")

# How far in the future a scheduled time may lie before it is taken for clock skew or a
# forged event rather than a deadline: judging a window that has not happened yet would
# report MISSING for runs that are still to come.
MAX_CLOCK_SKEW = timedelta(minutes=5)

_PLACEHOLDER = re.compile(r"^<aws\.scheduler\.[a-z-]+>$")
# A state machine name may hold any character but white space, brackets, wildcards,
# control characters and " # % \ ^ | ~ ` $ & , ; : /; a qualifier is a version number or
# an alias name.
_STATE_MACHINE_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):states:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"stateMachine:(?P<name>[^\s<>{}\[\]?*\"#%\\^|~`$&,;:/]{1,80})"
    r"(?::(?P<qualifier>[A-Za-z0-9_.-]{1,80}))?$"
)
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
# Step Functions keeps closed executions for 90 days; a month covers a monthly job.
MAX_LOOKBACK_MINUTES = 31 * 24 * 60
_COMMON_REQUIRED = {"version", "monitor", "state_machine_arn"}
_COMMON_OPTIONAL = {"check", "timezone", "message_format", "role_arn"}
_FIELDS = {
    # check: (required, optional) beside the common fields
    DEADLINE: (
        {"lookback_minutes"},
        {"notify_on_success", "scheduled_time", "scheduler_execution_id", "attempt_number"},
    ),
    START: (
        {"lookback_minutes"},
        {"scheduled_time", "scheduler_execution_id", "attempt_number"},
    ),
    STATUS_CHANGE: ({"event"}, set()),
}


class InvalidEventError(ValueError):
    """The event does not follow the contract; the message says what is wrong."""


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

    @property
    def window(self) -> Window:
        """The look-back window that ends at the deadline."""
        return Window.ending_at(self.deadline, self.lookback)


@dataclass(frozen=True)
class StatusChange:
    """A validated "Step Functions Execution Status Change" event for one monitor."""

    monitor: str
    state_machine_arn: str
    execution: Execution
    timezone: str = "UTC"
    message_format: str = "text"
    role_arn: str | None = None
    check: str = STATUS_CHANGE


def is_placeholder(value: object) -> bool:
    """True for a context attribute the Scheduler did not substitute (a direct invoke)."""
    return isinstance(value, str) and bool(_PLACEHOLDER.match(value))


def parse_state_machine_arn(arn: str) -> re.Match[str]:
    """Match a state machine ARN, with or without a version or alias qualifier."""
    match = _STATE_MACHINE_ARN.match(arn)
    if match is None:
        raise InvalidEventError(
            f"state_machine_arn {arn!r} is not a state machine ARN; expected "
            "arn:<partition>:states:<region>:<account>:stateMachine:<name>[:<version or alias>]"
        )
    return match


def base_state_machine_arn(arn: str) -> str:
    """The state machine's own ARN, without a version or alias qualifier."""
    match = parse_state_machine_arn(arn)
    return arn if match["qualifier"] is None else arn.rsplit(":", 1)[0]


def monitor_name_of(event: object) -> str:
    """The monitor's name for an alert about an event that may itself be malformed."""
    name = event.get("monitor") if isinstance(event, dict) else None
    return name if isinstance(name, str) and name else "unknown-monitor"


def message_format_of(event: object) -> str:
    """The monitor's message format for an alert about an event that may be malformed:
    a chat-only topic drops what is not in its format."""
    chosen = event.get("message_format") if isinstance(event, dict) else None
    return chosen if isinstance(chosen, str) and chosen in MESSAGE_FORMATS else "text"


def parse_event(event: Any, now: datetime) -> CheckRequest | StatusChange:
    """Validate a schedule's or the failure rule's input.

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
    required = required | _COMMON_REQUIRED
    missing = sorted(required - event.keys())
    if missing:
        raise InvalidEventError(f"the event lacks required field(s): {', '.join(missing)}")
    unknown = sorted(event.keys() - required - optional - _COMMON_OPTIONAL)
    if unknown:
        raise InvalidEventError(
            f"the event has unknown field(s) for a {check} check: {', '.join(unknown)}"
        )
    if type(event["version"]) is not int or event["version"] != CONTRACT_VERSION:
        raise InvalidEventError(
            f"version {event['version']!r} is not supported; this function reads version "
            f"{CONTRACT_VERSION} (deploy the module and the function from the same release)"
        )

    monitor, arn, timezone, message_format, role_arn = _common_fields(event)
    if check == STATUS_CHANGE:
        return StatusChange(
            monitor=monitor,
            state_machine_arn=arn,
            execution=parse_status_change(event["event"], arn),
            timezone=timezone,
            message_format=message_format,
            role_arn=role_arn,
        )

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
        monitor=monitor,
        state_machine_arn=arn,
        lookback=timedelta(minutes=lookback),
        deadline=deadline,
        deadline_from_invocation_time=from_invocation_time,
        check=check,
        timezone=timezone,
        notify_on_success=notify_on_success,
        message_format=message_format,
        role_arn=role_arn,
        scheduler_execution_id=_substituted(event.get("scheduler_execution_id")),
        attempt_number=_attempt_number(event.get("attempt_number")),
    )


def _common_fields(event: dict[str, Any]) -> tuple[str, str, str, str, str | None]:
    """Monitor, state machine ARN, time zone, message format and role of any check."""
    monitor = event["monitor"]
    if not isinstance(monitor, str) or not monitor:
        raise InvalidEventError("monitor must be a non-empty string")
    arn = event["state_machine_arn"]
    if not isinstance(arn, str):
        raise InvalidEventError("state_machine_arn must be a string")
    parse_state_machine_arn(arn)
    timezone = event.get("timezone", "UTC")
    if not isinstance(timezone, str) or not timezone:
        raise InvalidEventError("timezone must be an IANA time zone name such as 'Asia/Tokyo'")
    message_format = event.get("message_format", "text")
    if message_format not in MESSAGE_FORMATS:
        raise InvalidEventError(
            f"message_format {message_format!r} is not one of {', '.join(MESSAGE_FORMATS)}"
        )
    role_arn = event.get("role_arn")
    if role_arn is not None and not (isinstance(role_arn, str) and _ROLE_ARN.match(role_arn)):
        raise InvalidEventError(
            f"role_arn {role_arn!r} is not an IAM role ARN such as "
            "arn:aws:iam::111122223333:role/sfn-deadline-member"
        )
    return monitor, arn, timezone, message_format, role_arn


def parse_status_change(event: Any, monitored_arn: str) -> Execution:
    """The failed execution an EventBridge "Step Functions Execution Status Change" reports.

    The event is checked against the monitor it was routed to: a misrouted or unexpected
    event is an error, never a silent pass.
    """
    if not isinstance(event, dict) or not isinstance(event.get("detail"), dict):
        raise InvalidEventError("event must be an EventBridge event with a detail object")
    if event.get("source") != "aws.states" or event.get("detail-type") != (
        STATUS_CHANGE_DETAIL_TYPE
    ):
        raise InvalidEventError(
            f"event is not a {STATUS_CHANGE_DETAIL_TYPE!r} from aws.states "
            f"(source {event.get('source')!r}, detail-type {event.get('detail-type')!r})"
        )
    detail = event["detail"]
    for field in ("executionArn", "stateMachineArn", "status", "startDate"):
        if field not in detail:
            raise InvalidEventError(f"event detail lacks {field}")
    if detail["stateMachineArn"] != base_state_machine_arn(monitored_arn):
        raise InvalidEventError(
            f"event is about {detail['stateMachineArn']}, not the monitored "
            f"{monitored_arn}: the rule routed it to the wrong monitor"
        )
    if detail["status"] not in FAILURE_STATUSES:
        raise InvalidEventError(
            f"event status {detail['status']!r} is not a failure "
            f"({', '.join(FAILURE_STATUSES)}): the rule should not have forwarded it"
        )
    return Execution(
        arn=detail["executionArn"],
        name=detail.get("name") or detail["executionArn"].rsplit(":", 1)[-1],
        status=detail["status"],
        start=_epoch_millis(detail["startDate"], "startDate"),
        stop=None if detail.get("stopDate") is None else _epoch_millis(detail["stopDate"], "stop"),
        redrive_count=detail.get("redriveCount") or 0,
        error=detail.get("error"),
        cause=detail.get("cause"),
    )


def _epoch_millis(value: object, field: str) -> datetime:
    if type(value) is not int:
        raise InvalidEventError(f"event detail {field} must be epoch milliseconds, got {value!r}")
    return datetime.fromtimestamp(value / 1000, UTC)


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
