"""A state machine's tags, read as a monitor: pure, so that every rule is tested without AWS.

A Step Functions tag may hold only "Unicode letters, digits, white space, or these symbols:
_ . : / = + - @" (docs.aws.amazon.com/step-functions/latest/apireference/API_Tag.html), so
a cron expression (``*``, ``?``, ``(``, ``,``) cannot be a tag value. A deadline is written
``HH:MM`` and, optionally, its days: ``MON-FRI``, ``MON+WED+FRI``, ``1``, ``1+15`` or ``L``
(``+`` where cron writes a comma). The tags become the very inputs the module writes for a
declared monitor (schedules.tf), and each is parsed by the check's own contract before a
schedule is made of it: a tag the check would refuse is refused here, naming the tag.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..check.contract import (
    AT_RISK,
    CONTRACT_VERSION,
    DEADLINE,
    MAX_LOOKBACK_MINUTES,
    START,
    parse_event,
)
from ..check.monitor_settings import (
    MESSAGE_FORMATS,
    MONITOR_NAME,
    InvalidEventError,
    is_time_zone,
    quoted,
)
from ..check.schedule_expression import ScheduleExpressionError, parse
from ..formatting import duration_minutes
from ..state.registry import DiscoverySettings

# What each tag key after the prefix sets; only ``deadline`` is required.
DEADLINE_TAG, TIMEZONE_TAG, LOOKBACK_TAG = "deadline", "timezone", "lookback"
START_TAG, AT_RISK_TAG, FORMAT_TAG = "start-by", "at-risk", "format"
CALENDAR_TAG, UPSTREAM_TAG, NAME_TAG = "calendar", "upstream", "name"
TAGS = (
    DEADLINE_TAG,
    TIMEZONE_TAG,
    LOOKBACK_TAG,
    START_TAG,
    AT_RISK_TAG,
    FORMAT_TAG,
    CALENDAR_TAG,
    UPSTREAM_TAG,
    NAME_TAG,
)
MAX_TAG_VALUE = 256  # API_Tag: a value is at most 256 characters
# A target's input, at most (docs/aws-limits.md; calendars.tf checks the declared monitors').
SCHEDULER_INPUT_BYTES = 262144
_TIME = re.compile(r"(?P<hour>[01][0-9]|2[0-3]):(?P<minute>[0-5][0-9])")
_WEEKDAY = r"(?:MON|TUE|WED|THU|FRI|SAT|SUN)"
_WEEKDAYS = re.compile(rf"{_WEEKDAY}(?:-{_WEEKDAY})?(?:\+{_WEEKDAY}(?:-{_WEEKDAY})?)*")
_MONTH_DAYS = re.compile(r"L|[0-9]{1,2}(?:-[0-9]{1,2})?(?:\+[0-9]{1,2}(?:-[0-9]{1,2})?)*")
_TIME_FORMS = (
    "HH:MM, optionally followed by its days: MON-FRI, MON+WED+FRI, 1, 1+15 or L "
    "(the month's last day), such as '02:00' or '02:00 MON-FRI'"
)


@dataclass(frozen=True)
class TagProblem:
    """Why a tagged state machine is not monitored as its tags say; ``tag`` is the key at
    fault (None when the problem is the state machine's, such as a name taken)."""

    state_machine_arn: str
    tag: str | None
    text: str


@dataclass(frozen=True)
class Discovered:
    """A monitor its tags declare: each kind of check's expression and contract input."""

    name: str
    state_machine_arn: str
    role_arn: str | None
    timezone: str
    lookback_minutes: int
    upstream: tuple[str, ...]
    expressions: dict[str, str]
    inputs: dict[str, dict[str, Any]]

    @property
    def digest(self) -> str:
        """What the schedules hold, in 16 hex digits: a change of any tag that reaches a
        schedule changes it, and discovery updates the schedules."""
        text = json.dumps([self.timezone, self.expressions, self.inputs], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def read_tags(
    arn: str,
    tags: dict[str, str],
    settings: DiscoverySettings,
    role_arn: str | None,
    now: datetime,
) -> Discovered | TagProblem:
    """The monitor that ``arn``'s tags (those of the module's prefix) declare, or the first
    tag at fault; ``role_arn`` is the member role that reads its account (None: this one)."""
    prefix = settings.tag_prefix
    own = {key[len(prefix) :]: value for key, value in tags.items() if key.startswith(prefix)}
    try:
        return _read(arn, own, settings, role_arn, now)
    except _TagError as error:
        return TagProblem(arn, None if error.tag is None else prefix + error.tag, str(error))


class _TagError(ValueError):
    def __init__(self, tag: str | None, text: str) -> None:
        super().__init__(text)
        self.tag = tag


def _read(
    arn: str,
    tags: dict[str, str],
    settings: DiscoverySettings,
    role_arn: str | None,
    now: datetime,
) -> Discovered:
    prefix = settings.tag_prefix
    _check_values(tags, prefix)
    name = tags.get(NAME_TAG, arn.split(":")[6])
    if not MONITOR_NAME.fullmatch(name):
        raise _TagError(
            NAME_TAG if NAME_TAG in tags else None,
            f"monitor name {quoted(name)} must be 1 to 64 letters, digits, '.', '-' or '_' "
            f"(it names the schedules): set the tag {prefix}{NAME_TAG}",
        )
    timezone = tags.get(TIMEZONE_TAG, "UTC")
    if not is_time_zone(timezone):
        raise _TagError(
            TIMEZONE_TAG, f"{quoted(timezone)} is not an IANA time zone such as Asia/Tokyo"
        )
    lookback = _lookback(tags.get(LOOKBACK_TAG), settings.lookback_minutes)
    message_format = tags.get(FORMAT_TAG, settings.message_format)
    if message_format not in MESSAGE_FORMATS:
        raise _TagError(
            FORMAT_TAG, f"{quoted(message_format)} is not one of {', '.join(MESSAGE_FORMATS)}"
        )
    calendar = tags.get(CALENDAR_TAG)
    if calendar is not None and calendar not in settings.calendars:
        known = ", ".join(sorted(settings.calendars)) or "none declared"
        raise _TagError(
            CALENDAR_TAG, f"calendar {quoted(calendar)} is not one of the module's: {known}"
        )
    upstream = tuple(tags.get(UPSTREAM_TAG, "").split())
    for other in upstream:
        if not MONITOR_NAME.fullmatch(other) or other == name:
            raise _TagError(
                UPSTREAM_TAG,
                f"{quoted(other)} is not another monitor's name: list monitors, separated "
                "by spaces",
            )
    if DEADLINE_TAG not in tags:
        raise _TagError(DEADLINE_TAG, f"{prefix}{DEADLINE_TAG} is required: {_TIME_FORMS}")
    deadline, days = _cron(DEADLINE_TAG, tags[DEADLINE_TAG], None)
    expressions = {DEADLINE: deadline}
    for kind, tag in ((START, START_TAG), (AT_RISK, AT_RISK_TAG)):
        if tag in tags:
            expressions[kind] = _cron(tag, tags[tag], days)[0]
    shared: dict[str, Any] = {
        "version": CONTRACT_VERSION,
        "scheduled_time": "<aws.scheduler.scheduled-time>",
        "scheduler_execution_id": "<aws.scheduler.execution-id>",
        "attempt_number": "<aws.scheduler.attempt-number>",
        "monitor": name,
        "state_machine_arn": arn,
        "timezone": timezone,
        "message_format": message_format,
        "lookback_minutes": lookback,
        **({} if role_arn is None else {"role_arn": role_arn}),
        **({"upstream": list(upstream)} if upstream else {}),
        **(
            {"maintenance_windows": list(settings.maintenance_windows)}
            if settings.maintenance_windows
            else {}
        ),
        **({} if calendar is None else {"calendar": settings.calendars[calendar]}),
    }
    # As schedules.tf writes them; a start check names its deadline, for the calendar.
    own: dict[str, dict[str, Any]] = {
        DEADLINE: {"notify_on_success": False, "schedule_expression": deadline},
        START: {
            "check": START,
            "schedule_expression": expressions.get(START),
            "deadline_expression": deadline,
        },
        AT_RISK: {"check": AT_RISK, "deadline_expression": deadline},
    }
    inputs = {kind: {**shared, **own[kind]} for kind in expressions}
    for kind, given in inputs.items():
        try:
            parse_event(given, now)  # the check's own contract, as a last word
        except InvalidEventError as error:
            raise _TagError(None, f"its {kind} check's input is refused: {error}") from None
        if len(json.dumps(given).encode()) > SCHEDULER_INPUT_BYTES:
            raise _TagError(
                CALENDAR_TAG,
                f"its {kind} check's input, with calendar {calendar}'s dates, is over the "
                f"Scheduler's {SCHEDULER_INPUT_BYTES} bytes: keep fewer dates in the calendar",
            )
    return Discovered(name, arn, role_arn, timezone, lookback, upstream, expressions, inputs)


def _check_values(tags: dict[str, str], prefix: str) -> None:
    """Every key one discovery reads, every value a tag's: a value AWS would refuse
    (moto does not) is a forged or corrupted one."""
    for key, value in sorted(tags.items()):
        if key not in TAGS:
            raise _TagError(key, f"{prefix}{key} is not a tag discovery reads: {', '.join(TAGS)}")
        if len(value) > MAX_TAG_VALUE or any(unicodedata.category(c)[0] == "C" for c in value):
            raise _TagError(
                key,
                f"{quoted(value)} is not a tag value: at most {MAX_TAG_VALUE} printable characters",
            )


def _lookback(value: str | None, default: int) -> int:
    if value is None:
        return default
    minutes = duration_minutes(value)
    if minutes is None or not 0 < minutes <= MAX_LOOKBACK_MINUTES:
        raise _TagError(
            LOOKBACK_TAG,
            f"{quoted(value)} is not a look-back from 1m to 31d, such as 90m, 3h or 1d",
        )
    return minutes


def _cron(tag: str, value: str, default_days: str | None) -> tuple[str, str | None]:
    """The cron expression of ``HH:MM [DAYS]`` (days: ``default_days`` when absent), and
    its days."""
    parts = value.split(" ")
    time = _TIME.fullmatch(parts[0])
    if time is None or len(parts) > 2:
        raise _TagError(tag, f"{quoted(value)} is not {_TIME_FORMS}")
    days = parts[1] if len(parts) == 2 else default_days
    minute, hour = int(time["minute"]), int(time["hour"])
    if days is None:
        cron = f"cron({minute} {hour} * * ? *)"
    elif _WEEKDAYS.fullmatch(days):
        cron = f"cron({minute} {hour} ? * {days.replace('+', ',')} *)"
    elif _MONTH_DAYS.fullmatch(days):
        cron = f"cron({minute} {hour} {days.replace('+', ',')} * ? *)"
    else:
        raise _TagError(tag, f"days {quoted(days)} are not MON-FRI, MON+WED+FRI, 1, 1+15 or L")
    try:
        parse(cron)  # the Scheduler's rules: a day 32, a range 5-40
    except ScheduleExpressionError as error:
        raise _TagError(
            tag, f"{quoted(value)} makes {cron}, which the Scheduler refuses: {error}"
        ) from None
    return cron, days
