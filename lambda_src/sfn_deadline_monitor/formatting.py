"""How times, durations and console links read in every alert format."""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from typing import overload
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_CONSOLE_DOMAINS = {
    "aws": "https://{region}.console.aws.amazon.com",
    "aws-cn": "https://console.amazonaws.cn",
    "aws-us-gov": "https://console.amazonaws-us-gov.com",
}


def console_url(arn: str) -> str | None:
    """Link to an execution or state machine in the console of the ARN's partition."""
    parts = arn.split(":")
    if len(parts) < 7 or parts[0] != "arn":
        return None
    partition, region, resource = parts[1], parts[3], parts[5]
    domain = _CONSOLE_DOMAINS.get(partition)
    if domain is None:
        return None
    page = "v2/executions/details" if resource == "execution" else "statemachines/view"
    return (
        f"{domain.format(region=region)}/states/home?region={region}#/{page}/{quote(arn, safe=':')}"
    )


def clip(text: str | None, limit: int) -> str | None:
    """At most ``limit`` characters, saying how long the text was: every value an alert
    quotes from outside (a run's cause, an event's field) is bounded, so that the alert
    stays within SNS's 262,144 bytes whatever it quotes."""
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 20] + f"... ({len(text)} chars)"


# A duration as people write it: 3h, 90m, 1d, 1h30m (ASCII digits only).
_DURATION = re.compile(r"(?:(?P<d>[0-9]+)d)?(?:(?P<h>[0-9]+)h)?(?:(?P<m>[0-9]+)m)?")


def duration_minutes(text: str) -> int | None:
    """``3h``, ``90m``, ``1d`` or ``1h30m`` in minutes; None for anything else (a bare
    number too: it could be meant as minutes, hours or days)."""
    match = _DURATION.fullmatch(text)
    if not text or match is None:
        return None
    days, hours, minutes = (int(match[part] or 0) for part in "dhm")
    return days * 1440 + hours * 60 + minutes


def format_duration(seconds: float) -> str:
    """``2h 05m 10s``: short, and sortable by eye."""
    total = max(int(seconds), 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m {secs:02d}s"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def resolve_timezone(name: str) -> tuple[tzinfo, str]:
    """The display time zone and its name; UTC when the zone is unknown on this runtime."""
    try:
        return ZoneInfo(name), name
    except (ZoneInfoNotFoundError, ValueError):
        return UTC, f"UTC (time zone {name!r} is unknown to this runtime)"


@overload
def iso(moment: datetime) -> str: ...
@overload
def iso(moment: None) -> None: ...
@overload
def iso(moment: datetime | None) -> str | None: ...
def iso(moment: datetime | None) -> str | None:
    """A moment in UTC as ISO 8601 with a Z, as the JSON format carries it (None stays
    None, and mypy knows which)."""
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
