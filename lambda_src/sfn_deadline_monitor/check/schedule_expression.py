"""EventBridge Scheduler schedule expressions: parsed and checked as the Scheduler does.

Why: a monitor's schedules are evaluated by the function (check/fire_times.py) and checked by
the CLI, and the module checks the same rules at plan (a test keeps the two equal). The
rules come from AWS's documentation, quoted beside each case in
tests/test_schedule_expression.py: docs.aws.amazon.com/scheduler/latest/UserGuide/
schedule-types.html, docs.aws.amazon.com/eventbridge/latest/userguide/
eb-cron-expressions.html and docs.aws.amazon.com/scheduler/latest/APIReference/
API_CreateSchedule.html.

Choices where the documentation is silent:
- nW follows Quartz: the nearest Monday-Friday without leaving the month (1W on a Saturday is
  Monday the 3rd, 31W on a Sunday is Friday the 29th); a month shorter than n has no fire;
- L, nW, dL and d#n stand alone in their field (AWS, of '#': "you can define only one
  expression"); LW, L-n and mixes with lists or ranges are rejected; n in d#n is 1-5;
- both day fields '?' is rejected; a step is a whole number above 0; `*/n` starts at the field's
  lowest value; a range whose start is above its end wraps (AWS's example uses hours 20-2);
- fields are separated by single spaces; names (JAN, mon) are case-insensitive; rate() takes
  singular or plural units for any value (the Scheduler guide itself writes `rate(1 days)`);
- an expression is ASCII: case-insensitive matching would otherwise read "sun" spelt with
  U+017F (long s) as SUN, which the Scheduler refuses;
- a rate's interval is at most 100 years (AWS states no maximum; a larger one overflows the
  dates the function counts with); at() lies in the Scheduler's years, 1970-2199, as cron's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta


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
_LONGEST_RATE_DAYS = 36500
_AT_YEARS = range(1970, 2200)
_UNITS = {unit + s: timedelta(minutes=n) for unit, n in _MINUTES_IN.items() for s in ("", "s")}
_WHOLE = re.compile(r"[0-9]+")


def _error(text: str, detail: str) -> ScheduleExpressionError:
    return ScheduleExpressionError(f"{text}: {detail}")


def parse(expression: str) -> Expression:
    """Read a ScheduleExpression, rejecting anything the documentation does not describe, so a
    typo fails here rather than as a schedule that silently never fires."""
    if not expression.isascii():
        raise _error(expression, "an expression holds ASCII characters only")
    if expression.startswith("cron(") and expression.endswith(")"):
        return _parse_cron(expression, expression[5:-1].split(" "))
    if expression.startswith("rate(") and expression.endswith(")"):
        value, _, unit = expression[5:-1].partition(" ")
        if not _WHOLE.fullmatch(value) or int(value) == 0:
            raise _error(expression, f"the value must be a whole number above 0, got {value}")
        if unit not in _UNITS:
            units = ", ".join(_UNITS)
            raise _error(expression, f"the unit must be one of {units}, got {unit or 'nothing'}")
        if int(value) * _MINUTES_IN[unit.rstrip("s")] > _LONGEST_RATE_DAYS * _MINUTES_IN["day"]:
            raise _error(expression, f"the interval must be at most {_LONGEST_RATE_DAYS} days")
        return Rate(expression, int(value) * _UNITS[unit])
    if expression.startswith("at(") and expression.endswith(")"):
        body = expression[3:-1]
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", body):
            raise _error(expression, "expected at(yyyy-mm-ddThh:mm:ss)")
        try:
            local_time = datetime.strptime(body, "%Y-%m-%dT%H:%M:%S")
        except ValueError:
            raise _error(expression, "not a valid date and time") from None
        if local_time.year not in _AT_YEARS:
            raise _error(expression, "the year must be 1970-2199, the Scheduler's years")
        return At(expression, local_time)
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
