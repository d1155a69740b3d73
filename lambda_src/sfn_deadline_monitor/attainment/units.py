"""How the report's numbers read, the same in every format: shares, margins, seconds, the
period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ..formatting import format_duration

NOT_AVAILABLE = "n/a"
# How every format defines the share met (figures.py): what counts as judged, and met.
SHARE_MET = "Share met = met / (deadlines - unknown - skipped); too_fast counts as not met"


def seconds(value: timedelta | None) -> int | float | None:
    """Seconds as a json or csv number: whole seconds as an integer (margins are stored in
    whole seconds; durations come from milliseconds, so they keep three decimals)."""
    if value is None:
        return None
    total = value.total_seconds()
    return int(total) if total.is_integer() else round(total, 3)


def share(value: float | None) -> float | None:
    """A share met as a fraction, to four decimals: enough for 0.01 % and stable to compare."""
    return None if value is None else round(value, 4)


def percent(value: float | None) -> str:
    """``55.6%``, or n/a when no deadline was judged."""
    return NOT_AVAILABLE if value is None else f"{value:.1%}"


def duration(value: timedelta | None) -> str:
    """A duration for people, or n/a when no run ended."""
    return NOT_AVAILABLE if value is None else format_duration(value.total_seconds())


def signed(margin: timedelta) -> str:
    """``+35m 00s`` before the deadline, ``-35m 00s`` after it."""
    sign = "-" if margin < timedelta(0) else "+"
    return sign + format_duration(abs(margin.total_seconds()))


def margin_words(margin: timedelta | None, *, still_running: bool = False) -> str:
    """How a run finished against its deadline, in words; a run still going at the check
    is that far past it so far."""
    if margin is None:
        return "no finish time"
    if margin == timedelta(0):
        return "on the deadline"
    side = "after" if margin < timedelta(0) else "before"
    verb = "still running " if still_running else ""
    return f"{verb}{format_duration(abs(margin.total_seconds()))} {side} the deadline"


def period(start: datetime, end: datetime) -> str:
    """``2026-03-01 00:00 to 2026-03-11 00:00 UTC``."""
    return f"{_utc(start)} to {_utc(end)} UTC"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
