"""Calendars: the days a monitor's job does not run (weekends, public holidays), and what a
check concludes on one. Pure, so every case is tested without AWS.

A calendar excludes a deadline by the deadline's date in the monitor's time zone: a job due
at 02:00 on 2026-12-25 is off by "2026-12-25". On such a day nothing is expected, so a
window without a run is SKIPPED, not MISSING, and an at-risk check does not warn that no
run has started; whatever did run is judged as on any other day (a run that failed is
still reported: something ran and broke, and a slow run is still at risk).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from ..formatting import resolve_timezone
from .monitor_settings import InvalidEventError, quoted
from .risk import NO_START, Prediction
from .verdict import Finding, Status, Verdict

# In date.weekday()'s order: Monday is 0.
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_FIELDS = {"name", "exclude_dates", "exclude_weekdays"}
# ISO 8601's calendar date alone: date.fromisoformat also reads 20261225 and 2026-W52-5.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Calendar:
    """A monitor's calendar, as the module declares it (``calendars``): the dates and the
    weekdays (date.weekday(): 0 is Monday) on which its job does not run."""

    name: str
    exclude_dates: frozenset[date] = frozenset()
    exclude_weekdays: frozenset[int] = frozenset()

    def excludes(self, deadline_local_date: date) -> bool:
        """Whether a deadline on this date, in the monitor's time zone, is a day off."""
        return (
            deadline_local_date in self.exclude_dates
            or deadline_local_date.weekday() in self.exclude_weekdays
        )


def parse_calendar(given: object) -> Calendar | None:
    """The contract's ``calendar`` (absent: none), as plan checks it (calendars.tf):
    ``{"name", "exclude_dates": ["YYYY-MM-DD", ...], "exclude_weekdays": ["SAT", ...]}``.
    Anything else is an error that names the field: a calendar misread would silence a
    real MISSING, or alert on a day off."""
    if given is None:
        return None
    if not isinstance(given, dict) or set(given) != _FIELDS:
        raise InvalidEventError(
            f"calendar {quoted(given)} must be an object of exactly name, exclude_dates and "
            "exclude_weekdays"
        )
    name, dates, weekdays = given["name"], given["exclude_dates"], given["exclude_weekdays"]
    if not isinstance(name, str) or not name:
        raise InvalidEventError(f"calendar.name {quoted(name)} must be a non-empty string")
    if not isinstance(dates, list) or not all(map(_is_date, dates)):
        raise InvalidEventError(
            f"calendar.exclude_dates {quoted(dates)} must be a list of dates such as 2026-12-31"
        )
    if not isinstance(weekdays, list) or not all(day in WEEKDAYS for day in weekdays):
        raise InvalidEventError(
            f"calendar.exclude_weekdays {quoted(weekdays)} must be a list of {', '.join(WEEKDAYS)}"
        )
    return Calendar(
        name,
        frozenset(map(date.fromisoformat, dates)),
        frozenset(WEEKDAYS.index(day) for day in weekdays),
    )


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:  # 2026-02-30
        return False
    return True


def judge_day(
    verdict: Verdict,
    calendar: Calendar | None,
    deadline: datetime,
    timezone: str,
    prediction: Prediction | None = None,
) -> Verdict:
    """The verdict on a check whose deadline falls on ``calendar``'s day off (in the
    monitor's ``timezone``): MISSING is SKIPPED, and an at-risk check's AT_RISK that no run
    has started by its usual time (``prediction``) is OK. Any other verdict, and every
    verdict on a working day, stands."""
    zone, _ = resolve_timezone(timezone)
    if calendar is None or not calendar.excludes(deadline.astimezone(zone).date()):
        return verdict
    if verdict.status is Status.MISSING:  # no run, so no finding
        return Verdict(Status.SKIPPED)
    if verdict.status is Status.AT_RISK and prediction is not None and prediction.kind == NO_START:
        return Verdict(Status.OK, tuple(Finding(f.execution, Status.OK) for f in verdict.findings))
    return verdict
