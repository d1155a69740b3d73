"""A monitor's settings as every input of the contract carries them, checked strictly.

Shared by the scheduled checks (``contract``) and the failure events (``status_change``):
a malformed value is an InvalidEventError that names the field, which the handler turns
into an ERROR alert, never a silent pass.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..formatting import clip
from .verdict import Status

MESSAGE_FORMATS = ("text", "json", "chat")
# How urgent an alert is: PagerDuty's Events API v2 severities (alerts/incident.py).
SEVERITIES = ("critical", "error", "warning", "info")

# The module checks the same pattern (data/state-machine-arn.regex); a test keeps the
# two equal on a table of ARNs. A name may hold any character but white space, brackets,
# wildcards, control characters and " # % \ ^ | ~ ` $ & , ; : /; a qualifier is a version
# number or an alias name.
_STATE_MACHINE_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):states:(?P<region>[a-z0-9-]+):(?P<account>[0-9]{12}):"
    r"stateMachine:(?P<name>[^\s<>{}\[\]?*\"#%\\^|~`$&,;:/]{1,80})"
    r"(?::(?P<qualifier>[A-Za-z0-9_.-]{1,80}))?$"
)
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@/-]{1,512}$")
# The module's rule for the monitors map's keys (validation.tf).
MONITOR_NAME = re.compile(r"[0-9A-Za-z_.-]{1,64}")
_UNKNOWN_MONITOR = "unknown-monitor"
MAX_QUOTED_CHARS = 120
SETTINGS_FIELDS = {
    "monitor",
    "state_machine_arn",
    "timezone",
    "message_format",
    "role_arn",
    "severities",
    "maintenance_windows",
}


def quoted(value: object) -> str:
    """A value as an error quotes it: repr, cut to a bounded length (an event's field may
    be 300 KB; the ERROR alert that quotes it must stay within SNS's 262,144 bytes)."""
    return clip(repr(value), MAX_QUOTED_CHARS) or ""


class InvalidEventError(ValueError):
    """The event does not follow the contract; the message says what is wrong."""


@dataclass(frozen=True)
class Settings:
    """Which state machine a monitor watches, how its alerts read, and as whom it reads.
    ``severities`` maps statuses to the monitor's own severities (the others keep the
    default)."""

    monitor: str
    state_machine_arn: str
    timezone: str = "UTC"
    message_format: str = "text"
    role_arn: str | None = None
    severities: Mapping[str, str] = field(default_factory=dict)


def parse_state_machine_arn(arn: str) -> re.Match[str]:
    """Match a state machine ARN, with or without a version or alias qualifier."""
    match = _STATE_MACHINE_ARN.fullmatch(arn)
    if match is None:
        raise InvalidEventError(
            f"state_machine_arn {quoted(arn)} is not a state machine ARN; expected "
            "arn:<partition>:states:<region>:<account>:stateMachine:<name>[:<version or alias>]"
        )
    return match


def base_state_machine_arn(arn: str) -> str:
    """The state machine's own ARN, without a version or alias qualifier."""
    match = parse_state_machine_arn(arn)
    return arn if match["qualifier"] is None else arn.rsplit(":", 1)[0]


def parse_settings(given: dict[str, Any]) -> Settings:
    """The settings in ``given`` (a check's input, or one monitor of a failure rule's)."""
    missing = sorted({"monitor", "state_machine_arn"} - given.keys())
    if missing:
        raise InvalidEventError(f"a monitor's settings lack {', '.join(missing)}")
    monitor = given["monitor"]
    if not isinstance(monitor, str) or not MONITOR_NAME.fullmatch(monitor):
        raise InvalidEventError(
            f"monitor {quoted(monitor)} is not a monitor name: 1 to 64 letters, "
            "digits, '.', '-' or '_', as the module's monitors keys are"
        )
    arn = given["state_machine_arn"]
    if not isinstance(arn, str):
        raise InvalidEventError("state_machine_arn must be a string")
    parse_state_machine_arn(arn)
    timezone = given.get("timezone", "UTC")
    if not is_time_zone(timezone):
        raise InvalidEventError(
            f"timezone {quoted(timezone)} is not an IANA time zone name such as 'Asia/Tokyo'"
        )
    message_format = given.get("message_format", "text")
    if message_format not in MESSAGE_FORMATS:
        raise InvalidEventError(
            f"message_format {quoted(message_format)} is not one of {', '.join(MESSAGE_FORMATS)}"
        )
    role_arn = given.get("role_arn")
    if role_arn is not None and not (isinstance(role_arn, str) and _ROLE_ARN.fullmatch(role_arn)):
        raise InvalidEventError(
            f"role_arn {quoted(role_arn)} is not an IAM role ARN such as "
            "arn:aws:iam::111122223333:role/sfn-deadline-member"
        )
    return Settings(
        monitor, arn, timezone, message_format, role_arn, _severities(given.get("severities", {}))
    )


def _severities(given: object) -> dict[str, str]:
    """A monitor's severities: statuses (FAILED, AT_RISK ...) to critical, error, warning
    or info, as plan checks them (validation.tf). SKIPPED is never sent, so has none."""
    statuses = [status.value for status in Status if status is not Status.SKIPPED]
    if not isinstance(given, dict) or not all(
        key in statuses and value in SEVERITIES for key, value in given.items()
    ):
        raise InvalidEventError(
            f"severities {quoted(given)} must map statuses ({', '.join(statuses)}) to "
            f"severities ({', '.join(SEVERITIES)})"
        )
    return dict(given)


def is_time_zone(name: object) -> bool:
    """Whether ``name`` is a time zone this runtime knows (plan checks the same names,
    data/timezones.json)."""
    if not isinstance(name, str) or not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _named_monitors(event: object) -> list[dict[str, Any]]:
    """The monitor objects an event names: itself, or the members of its monitors list."""
    if not isinstance(event, dict):
        return []
    listed = event.get("monitors")
    candidates = listed if isinstance(listed, list) else [event]
    return [m for m in candidates if isinstance(m, dict)]


def monitor_name_of(event: object) -> str:
    """The monitor's name for an alert about an event that may itself be malformed; the
    names of a failure rule's monitors, joined, when it names several."""
    names = [m["monitor"] for m in _named_monitors(event) if isinstance(m.get("monitor"), str)]
    return ",".join(n for n in names if n) or _UNKNOWN_MONITOR


def message_format_of(event: object) -> str:
    """The message format for an alert about an event that may be malformed: a chat-only
    topic drops what is not in its format, so the monitors' own format when they agree."""
    formats = {m.get("message_format", "text") for m in _named_monitors(event)}
    chosen = formats.pop() if len(formats) == 1 else "text"
    return chosen if isinstance(chosen, str) and chosen in MESSAGE_FORMATS else "text"
