"""When a schedule fires: the Scheduler's expressions evaluated in the schedule's zone.

Daylight saving time is documented: "When time shifts forward in the Spring, if a cron
expression falls on a non-existent date and time, your schedule invocation is skipped. When
time shifts backwards in the Fall, your schedule runs only once and does not repeat its
invocation." So a wall time the zone skips never fires, and a repeated one fires once, at its
first occurrence (fold=0); an at() time likewise. Rates count fixed durations ("days
represents a 24-hour duration"). One-time schedules ignore start and end ("EventBridge
Scheduler ignores StartDate for one-time schedules", and likewise EndDate), so `start`/`end`
bound cron and rate schedules only.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .schedule_expression import At, Cron, Expression, Rate, ScheduleExpressionError

# Clamping a search to these keeps datetime arithmetic in range and changes no answer: every
# cron fire lies between them, whatever the zone's offset.
_EARLIEST, _LATEST = datetime(1969, 12, 30, tzinfo=UTC), datetime(2200, 1, 2, tzinfo=UTC)


def _days(cron: Cron, year: int, month: int) -> list[int]:
    """The days of one month that the day rule names, ascending."""
    last = calendar.monthrange(year, month)[1]
    first = (calendar.weekday(year, month, 1) + 1) % 7 + 1  # Monday = 0 becomes SUN = 1

    def weekday(day: int) -> int:
        return (first + day - 2) % 7 + 1

    rule, values = cron.day_rule, cron.day_values
    if rule == "day-of-month":
        days = list(values)
    elif rule == "day-of-week":
        days = [day for day in range(1, last + 1) if weekday(day) in values]
    elif rule == "L":
        days = [last]
    elif rule == "dL":
        days = [last - (weekday(last) - values[0]) % 7]
    elif rule == "#":
        days = [1 + (values[0] - first) % 7 + 7 * (values[1] - 1)]
    else:  # "W": from a Saturday go back to Friday, from a Sunday on to Monday, inside the month
        day = values[0]
        if day <= last and weekday(day) == 7:
            day = day + 2 if day == 1 else day - 1
        elif day <= last and weekday(day) == 1:
            day = day - 2 if day == last else day + 1
        days = [day]
    return [day for day in days if day <= last]


def _ordered(values: Sequence[int], bound: int | None, forward: bool) -> Sequence[int]:
    """Sorted values from bound on, in walking order; all of them when bound is None."""
    if bound is None:
        return values if forward else values[::-1]
    if forward:
        return values[bisect_left(values, bound) :]
    return values[: bisect_right(values, bound)][::-1]


def _walls(cron: Cron, bound: datetime, forward: bool) -> Iterator[datetime]:
    """Every wall time the expression names, from bound on, in walking order. A month or year
    that cannot match costs one step, and years stop at 1970-2199, so every walk ends."""
    for year in _ordered(cron.years, bound.year, forward):
        in_year = year == bound.year
        for month in _ordered(cron.months, bound.month if in_year else None, forward):
            in_month = in_year and month == bound.month
            for day in _ordered(_days(cron, year, month), bound.day if in_month else None, forward):
                in_day = in_month and day == bound.day
                for hour in _ordered(cron.hours, bound.hour if in_day else None, forward):
                    at_bound = in_day and hour == bound.hour
                    for minute in _ordered(
                        cron.minutes, bound.minute if at_bound else None, forward
                    ):
                        yield datetime(year, month, day, hour, minute)


def _first_instant(wall: datetime, zone: ZoneInfo) -> datetime | None:
    """When a wall time happens: None if the zone skips it, the first of two if it repeats."""
    instant = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0 is the earlier occurrence
    return instant if instant.astimezone(zone).replace(tzinfo=None) == wall else None


def _search(cron: Cron, zone: ZoneInfo, instant: datetime, forward: bool) -> datetime | None:
    """Forward: the first fire after instant; backward: the last fire at or before it.

    First instants grow with wall time, so the walk stops at the first fire past instant. Forward
    it starts at instant's wall reading: any earlier wall time first happened before instant.
    Backward it starts at the latest wall reading of the 26 hours before, carried forward to
    instant, because in a repeated hour the first pass reads later than the second (and 26 hours
    exceeds the widest gap between two offsets, +14h and -12h)."""
    instant = min(max(instant, _EARLIEST), _LATEST)
    hours = range(1) if forward else range(27)
    bound = max(
        (instant - timedelta(hours=hour)).astimezone(zone).replace(tzinfo=None)
        + timedelta(hours=hour)
        for hour in hours
    )
    for wall in _walls(cron, bound, forward):
        fire = _first_instant(wall, zone)
        if fire is not None and (fire > instant) == forward:
            return fire
    return None


def _aware(moment: datetime, name: str) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment.isoformat()}")
    return moment.astimezone(UTC)


def _evaluate(
    expression: Expression,
    timezone: str,
    moment: datetime,
    bounds: tuple[datetime | None, datetime | None, datetime | None],
    forward: bool,
) -> datetime | None:
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        detail = f"unknown time zone {timezone!r}: expected an IANA name such as Europe/Berlin"
        raise ScheduleExpressionError(detail) from error
    instant = _aware(moment, "the reference time")
    anchor, start, end = (
        None if value is None else _aware(value, name)
        for value, name in zip(bounds, ("anchor", "start", "end"), strict=True)
    )
    if isinstance(expression, At):  # start and end do not apply, as documented
        fire = _first_instant(expression.local_time, zone)
        return fire if fire is not None and (fire > instant) == forward else None
    if forward and start is not None and start > instant:
        instant = start - timedelta(microseconds=1)  # fires are whole microseconds: >= start
    if not forward and end is not None:
        instant = min(instant, end)
    if isinstance(expression, Rate):
        if anchor is None:
            raise ValueError(f"{expression.text}: a rate needs an anchor (start or creation time)")
        steps = (instant - anchor) // expression.interval + (1 if forward else 0)
        found = anchor + max(steps, 0) * expression.interval if forward or steps >= 0 else None
    else:
        found = _search(expression, zone, instant, forward)
    if found is None or (start is not None and found < start) or (end is not None and found > end):
        return None
    return found


def previous_fire(
    expression: Expression,
    timezone: str,
    at_or_before: datetime,
    *,
    anchor: datetime | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> datetime | None:
    """The latest fire at or before `at_or_before`, in UTC; None if there is none."""
    return _evaluate(expression, timezone, at_or_before, (anchor, start, end), forward=False)


def next_fire(
    expression: Expression,
    timezone: str,
    after: datetime,
    *,
    anchor: datetime | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> datetime | None:
    """The earliest fire strictly after `after`, in UTC; None if there is none."""
    return _evaluate(expression, timezone, after, (anchor, start, end), forward=True)


def skipped_fire(
    expression: Expression, timezone: str, after: datetime, at_or_before: datetime
) -> datetime | None:
    """The latest wall time a cron expression names in (after, at_or_before] that the zone
    skips on a daylight saving change: the Scheduler does not fire then, so the check it
    meant never runs. Returned as the instant the wall reading has with the offset in force
    before the change (02:30 on a night that jumps from 02:00 to 03:00 reads 03:30)."""
    if not isinstance(expression, Cron):
        return None
    zone = ZoneInfo(timezone)
    low, high = _aware(after, "after"), _aware(at_or_before, "at_or_before")
    bound = high.astimezone(zone).replace(tzinfo=None)
    for wall in _walls(expression, bound, forward=False):
        instant = wall.replace(tzinfo=zone).astimezone(UTC)
        if instant <= low:
            return None
        if instant <= high and _first_instant(wall, zone) is None:
            return instant
    return None
