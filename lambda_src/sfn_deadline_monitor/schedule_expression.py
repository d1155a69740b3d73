"""Parse, validate and evaluate EventBridge Scheduler schedule expressions.

Why: the deadline monitor has to know when a schedule last fired and when it fires next, in the
schedule's own time zone, without calling AWS. The rules come from AWS's documentation, quoted
beside each case in tests/test_schedule_expression.py:
https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html,
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html and
https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html.

Daylight saving time is documented: "When time shifts forward in the Spring, if a cron expression
falls on a non-existent date and time, your schedule invocation is skipped. When time shifts
backwards in the Fall, your schedule runs only once and does not repeat its invocation." So a wall
time the zone skips never fires, and a repeated one fires once, at its first occurrence (fold=0).
Rates count fixed durations ("days represents a 24-hour duration"). One-time schedules ignore
start and end ("EventBridge Scheduler ignores StartDate for one-time schedules", and likewise
EndDate), so `start`/`end` bound cron and rate schedules only.

Choices where the documentation is silent:
- an at() time the zone skips never fires; a repeated one fires at its first occurrence;
- nW follows Quartz: the nearest Monday-Friday without leaving the month (1W on a Saturday is
  Monday the 3rd, 31W on a Sunday is Friday the 29th); a month shorter than n has no fire;
- L, nW, dL and d#n stand alone in their field (AWS, of '#': "you can define only one
  expression"); LW, L-n and mixes with lists or ranges are rejected; n in d#n is 1-5;
- both day fields '?' is rejected; a step is a whole number above 0; `*/n` starts at the field's
  lowest value; a range whose start is above its end wraps (AWS's example uses hours 20-2);
- names (JAN, mon) are case-insensitive; rate() takes singular or plural units for any value
  (the Scheduler guide itself writes `rate(1 days)`; only legacy EventBridge rules pair them).
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ScheduleExpressionError(ValueError):
    """The expression is not one the Scheduler accepts; the message names the part and what is
    accepted."""


@dataclass(frozen=True)
class Cron:
    """A parsed cron(...) expression; value tuples are sorted. Only one day field may name days
    (the other is '?'), so one rule is kept: `day_rule` is "day-of-month" (day_values are the
    days), "L" (the month's last day), "W" (the weekday nearest day n), "day-of-week" (weekdays,
    1 = SUN ... 7 = SAT, so L alone is (7,)), "dL" (the month's last weekday d) or "#"
    (day_values (d, n): the n-th weekday d of the month)."""

    text: str
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    months: tuple[int, ...]
    years: tuple[int, ...]
    day_rule: str
    day_values: tuple[int, ...]


@dataclass(frozen=True)
class Rate:
    """A parsed rate(value unit): a fixed interval counted from the schedule's anchor."""

    text: str
    interval: timedelta


@dataclass(frozen=True)
class At:
    """A parsed at(yyyy-mm-ddThh:mm:ss): one wall time, naive, in the schedule's time zone."""

    text: str
    local_time: datetime


Expression = Cron | Rate | At


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    wildcards: str  # as in AWS's table of fields
    names: tuple[str, ...] = ()

    @property
    def accepted(self) -> str:
        span = f"{self.low}-{self.high}"
        return f"{span} or {self.names[0]}-{self.names[-1]}" if self.names else span


_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_FIELDS = (
    _Field("minutes", 0, 59, ",-*/"),
    _Field("hours", 0, 23, ",-*/"),
    _Field("day-of-month", 1, 31, ",-*?/LW"),
    _Field("month", 1, 12, ",-*/", _MONTHS),
    _Field("day-of-week", 1, 7, ",-*?L#", _DAYS),
    _Field("year", 1970, 2199, ",-*/"),
)
_MINUTES_IN = {"minute": 1, "hour": 60, "day": 1440}
_UNITS = {unit + s: timedelta(minutes=n) for unit, n in _MINUTES_IN.items() for s in ("", "s")}
_WHOLE = re.compile(r"[0-9]+")
# Clamping a search to these keeps datetime arithmetic in range and changes no answer: every
# cron fire lies between them, whatever the zone's offset.
_EARLIEST, _LATEST = datetime(1969, 12, 30, tzinfo=UTC), datetime(2200, 1, 2, tzinfo=UTC)


def _error(text: str, detail: str) -> ScheduleExpressionError:
    return ScheduleExpressionError(f"{text}: {detail}")


def parse(expression: str) -> Expression:
    """Read a ScheduleExpression, rejecting anything the documentation does not describe, so a
    typo fails here rather than as a schedule that silently never fires."""
    if expression.startswith("cron(") and expression.endswith(")"):
        return _parse_cron(expression, expression[5:-1].split(" "))
    if expression.startswith("rate(") and expression.endswith(")"):
        value, _, unit = expression[5:-1].partition(" ")
        if not _WHOLE.fullmatch(value) or int(value) == 0:
            raise _error(expression, f"the value must be a whole number above 0, got {value}")
        if unit not in _UNITS:
            units = ", ".join(_UNITS)
            raise _error(expression, f"the unit must be one of {units}, got {unit or 'nothing'}")
        return Rate(expression, int(value) * _UNITS[unit])
    if expression.startswith("at(") and expression.endswith(")"):
        body = expression[3:-1]
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", body):
            raise _error(expression, "expected at(yyyy-mm-ddThh:mm:ss)")
        try:
            return At(expression, datetime.strptime(body, "%Y-%m-%dT%H:%M:%S"))
        except ValueError:
            raise _error(expression, "not a valid date and time") from None
    raise _error(expression, "expected cron(...), rate(value unit) or at(yyyy-mm-ddThh:mm:ss)")


def _parse_cron(text: str, parts: list[str]) -> Cron:
    if len(parts) != len(_FIELDS) or "" in parts:
        names = " ".join(spec.name for spec in _FIELDS)
        raise _error(text, f"expected 6 fields ({names}) separated by single spaces")
    for part, spec in zip(parts, _FIELDS, strict=True):
        for char in "/?#":
            if char in part and char not in spec.wildcards:
                accepted = " ".join(spec.wildcards)
                raise _error(text, f"{spec.name} does not accept '{char}' (accepted: {accepted})")
    minutes, hours = _values(text, parts[0], _FIELDS[0]), _values(text, parts[1], _FIELDS[1])
    by_month_day = _day_rule(text, parts[2], _FIELDS[2])
    months = _values(text, parts[3], _FIELDS[3])
    by_weekday = _day_rule(text, parts[4], _FIELDS[4])
    years = _values(text, parts[5], _FIELDS[5])
    if (by_month_day[0] == "?") == (by_weekday[0] == "?"):
        raise _error(text, "exactly one of day-of-month and day-of-week must be '?'")
    rule, days = by_weekday if by_month_day[0] == "?" else by_month_day
    return Cron(text, minutes, hours, months, years, rule, days)


def _number(text: str, token: str, spec: _Field) -> int:
    if token.upper() in spec.names:
        return spec.names.index(token.upper()) + spec.low
    if _WHOLE.fullmatch(token) and spec.low <= int(token) <= spec.high:
        return int(token)
    raise _error(text, f"{spec.name} must be {spec.accepted}, got {token or 'nothing'}")


def _values(text: str, part: str, spec: _Field) -> tuple[int, ...]:
    """The values named by a list of `*`, `a` or `a-b` items, each with an optional `/step`."""
    chosen: set[int] = set()
    for item in part.split(","):
        base, slash, step = item.partition("/")
        if slash and (not _WHOLE.fullmatch(step) or int(step) == 0):
            raise _error(text, f"{spec.name} step must be a whole number above 0, got {step}")
        if base == "*":
            first, last = spec.low, spec.high
        else:  # `a/step` runs from a to the highest value
            first_text, dash, last_text = base.partition("-")
            first = _number(text, first_text, spec)
            last = _number(text, last_text, spec) if dash else spec.high if slash else first
        span = spec.high - spec.low + 1  # a range such as 20-2 wraps past the highest value
        run = [spec.low + (first - spec.low + i) % span for i in range((last - first) % span + 1)]
        chosen.update(run[:: int(step) if slash else 1])
    return tuple(sorted(chosen))


def _day_rule(text: str, part: str, spec: _Field) -> tuple[str, tuple[int, ...]]:
    """Read day-of-month or day-of-week (spec says which) into a Cron day rule."""
    upper, by_month = part.upper(), spec.name == "day-of-month"
    if upper == "?" or (upper == "L" and by_month):
        return upper, ()
    if upper == "L":  # the last day of the week: Saturday
        return spec.name, (7,)
    if by_month and (match := re.fullmatch(r"([0-9]+)W", upper)):
        return "W", (_number(text, match[1], spec),)
    if "#" in upper:
        day, _, nth = part.partition("#")
        if "," in upper:
            raise _error(text, f"{spec.name} with '#' takes only one expression, got {part}")
        if not re.fullmatch(r"[1-5]", nth):
            raise _error(text, f"{spec.name} '#' must be followed by 1-5, got {nth or 'nothing'}")
        return "#", (_number(text, day, spec), int(nth))
    if "L" in upper or (by_month and "W" in upper):
        if by_month or not re.fullmatch(r"[^,*-]+L", upper):
            forms = "L or nW" if by_month else "L or dL (e.g. 6L)"
            raise _error(text, f"{spec.name} takes {forms} only on their own, got {part}")
        return "dL", (_number(text, part[:-1], spec),)
    return spec.name, _values(text, part, spec)


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
