"""EventBridge Scheduler schedule expressions, checked against AWS's documentation.

Sources (quotes beside each row are from these pages):
[SCHED] https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
[CRON]  https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
[API]   https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html
[RULES] https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
[KC]    https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst

Expected times were worked out by hand from the 2026 calendar and the IANA transitions
(Europe/Berlin 2026-03-29 01:00Z and 2026-10-25 01:00Z; America/New_York 2026-03-08 07:00Z and
2026-11-01 06:00Z; America/Los_Angeles 2026-03-08 10:00Z and 2026-11-01 09:00Z;
Australia/Lord_Howe 2026-04-04 15:00Z (+11:00 -> +10:30) and 2026-10-03 15:30Z (+10:30 -> +11:00)).
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sfn_deadline_monitor.check.fire_times import next_fire, previous_fire, skipped_fire
from sfn_deadline_monitor.check.schedule_expression import (
    At,
    Cron,
    Rate,
    ScheduleExpressionError,
    parse,
)


def utc(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).astimezone(UTC)


def row(expression, zone, reference, previous, following, *, anchor=None):
    """One documented case: the previous and next fire seen from `reference` (None: none)."""
    case = (expression, zone, reference, previous, following, anchor)
    return pytest.param(case, id=f"{expression}@{zone}@{reference}")


FIRES = [
    # [CRON] examples table: "Run at 10:00 am (UTC+0) every day"
    row("cron(0 10 * * ? *)", "UTC", "2026-03-04T12:00Z", "2026-03-04T10:00Z", "2026-03-05T10:00Z"),
    # [CRON] "Run at 12:15 pm (UTC+0) every day" (a fire exactly at the reference is "previous")
    row(
        "cron(15 12 * * ? *)", "UTC", "2026-03-04T12:15Z", "2026-03-04T12:15Z", "2026-03-05T12:15Z"
    ),
    # [CRON] "Run at 6:00 pm (UTC+0) every Monday through Friday" (reference: Friday evening)
    row(
        "cron(0 18 ? * MON-FRI *)",
        "UTC",
        "2026-03-06T19:00Z",
        "2026-03-06T18:00Z",
        "2026-03-09T18:00Z",
    ),
    # [CRON] "Run at 8:00 am (UTC+0) every 1st day of the month"
    row("cron(0 8 1 * ? *)", "UTC", "2026-03-15T00:00Z", "2026-03-01T08:00Z", "2026-04-01T08:00Z"),
    # [CRON] "Run every 15 minutes"
    row(
        "cron(0/15 * * * ? *)",
        "UTC",
        "2026-03-04T12:07:30Z",
        "2026-03-04T12:00Z",
        "2026-03-04T12:15Z",
    ),
    # [CRON] "Run every 10 minutes Monday through Friday" (reference: Saturday)
    row(
        "cron(0/10 * ? * MON-FRI *)",
        "UTC",
        "2026-03-07T12:00Z",
        "2026-03-06T23:50Z",
        "2026-03-09T00:00Z",
    ),
    # [CRON] "Run every 5 minutes Monday through Friday between 8:00 am and 5:55 pm (UTC+0)"
    row(
        "cron(0/5 8-17 ? * MON-FRI *)",
        "UTC",
        "2026-03-06T17:57Z",
        "2026-03-06T17:55Z",
        "2026-03-09T08:00Z",
    ),
    # [CRON] "Run every 30 minutes Monday through Friday between 10:00 pm on the starting day to
    # 2:00 am on the following day (UTC)" -- hours 20-2 wrap; 20 is 8:00 pm whatever the wording.
    row(
        "cron(0/30 20-2 ? * MON-FRI *)",
        "UTC",
        "2026-03-03T02:40Z",
        "2026-03-03T02:30Z",
        "2026-03-03T20:00Z",
    ),
    # [RULES] "a rule that runs every day, at 2:05pm and 2:35pm UTC+0": cron(5,35 14 * * ? *)
    row(
        "cron(5,35 14 * * ? *)",
        "UTC",
        "2026-03-04T14:20Z",
        "2026-03-04T14:05Z",
        "2026-03-04T14:35Z",
    ),
    # [SCHED] "runs at 10:15am UTC+0 on the last Friday of each month during the years 2022 to 2023"
    row(
        "cron(15 10 ? * 6L 2022-2023)",
        "UTC",
        "2023-01-15T00:00Z",
        "2022-12-30T10:15Z",
        "2023-01-27T10:15Z",
    ),
    # [SCHED] same schedule once its year range is over, and before it begins
    row("cron(15 10 ? * 6L 2022-2023)", "UTC", "2026-03-04T00:00Z", "2023-12-29T10:15Z", None),
    row("cron(15 10 ? * 6L 2022-2023)", "UTC", "2021-06-01T00:00Z", None, "2022-01-28T10:15Z"),
    # [SCHED] "a cron-based schedule that runs at 8:00 a.m. PST on the first Monday of every month"
    # with [CRON] "The # wildcard in the Day-of-week field specifies a certain instance of the
    # specified day of the week within a month" (2 = MON; March 2 is PST, April 6 is PDT)
    row(
        "cron(0 8 ? * 2#1 *)",
        "America/Los_Angeles",
        "2026-03-10T00:00Z",
        "2026-03-02T16:00Z",
        "2026-04-06T15:00Z",
    ),
    row(
        "cron(0 9 ? * 2#1 *)", "UTC", "2026-03-10T00:00Z", "2026-03-02T09:00Z", "2026-04-06T09:00Z"
    ),
    # [CRON] "3#2 would be the second Tuesday of the month"
    row(
        "cron(0 9 ? * 3#2 *)", "UTC", "2026-03-20T00:00Z", "2026-03-10T09:00Z", "2026-04-14T09:00Z"
    ),
    # [CRON] "The L wildcard in the Day-of-month or Day-of-week fields specifies the last day of
    # the month or week." (2028 is a leap year)
    row("cron(0 0 L * ? *)", "UTC", "2026-02-15T00:00Z", "2026-01-31T00:00Z", "2026-02-28T00:00Z"),
    row("cron(0 0 L * ? *)", "UTC", "2028-02-15T00:00Z", "2028-01-31T00:00Z", "2028-02-29T00:00Z"),
    # [CRON] same sentence: L alone in day-of-week is the week's last day, 7 = SAT
    row("cron(0 9 ? * L *)", "UTC", "2026-03-04T00:00Z", "2026-02-28T09:00Z", "2026-03-07T09:00Z"),
    # [CRON] as [SCHED]'s 6L is "the last Friday of each month", 5L is the last Thursday
    row(
        "cron(0 12 ? * 5L *)", "UTC", "2026-03-27T00:00Z", "2026-03-26T12:00Z", "2026-04-30T12:00Z"
    ),
    # [CRON] "3W specifies the weekday closest to the third day of the month":
    # 2026-01-03 is a Saturday (-> Fri 2nd); 2025-12-03 is a Wednesday
    row("cron(0 9 3W * ? *)", "UTC", "2026-01-01T00:00Z", "2025-12-03T09:00Z", "2026-01-02T09:00Z"),
    # 2026-05-03 is a Sunday (-> Mon 4th); 2026-04-03 is a Friday
    row("cron(0 9 3W * ? *)", "UTC", "2026-04-10T00:00Z", "2026-04-03T09:00Z", "2026-05-04T09:00Z"),
    # Not documented by AWS, chosen per Quartz: no jump across the month. 2026-08-01 is a
    # Saturday -> Monday the 3rd, not Friday 31 July.
    row("cron(0 9 1W * ? *)", "UTC", "2026-07-15T00:00Z", "2026-07-01T09:00Z", "2026-08-03T09:00Z"),
    # Chosen: 2026-05-31 is a Sunday -> Friday the 29th; April (30 days) has no fire.
    row(
        "cron(0 9 31W * ? *)", "UTC", "2026-05-15T00:00Z", "2026-03-31T09:00Z", "2026-05-29T09:00Z"
    ),
    # [CRON] field table: "Year | 1970-2199 | , - * /"
    row("cron(0 0 1 1 ? 2027)", "UTC", "2026-06-01T00:00Z", None, "2027-01-01T00:00Z"),
    # [SCHED] "rate(5 minutes)" example; "If you do not provide a StartDate for a rate-based
    # schedule, your schedule starts invoking the target immediately." (anchor = creation)
    row(
        "rate(5 minutes)",
        "UTC",
        "2026-03-04T12:20Z",
        "2026-03-04T12:17:30Z",
        "2026-03-04T12:22:30Z",
        anchor="2026-03-04T12:02:30Z",
    ),
    # [SCHED] "For rate-based schedules that use days as the unit, such as rate(1 days), days
    # represents a 24-hour duration on the clock." Anchor 09:00 EST; from 03-08 that is 10:00 EDT.
    row(
        "rate(1 day)",
        "America/New_York",
        "2026-03-09T12:00Z",
        "2026-03-08T14:00Z",
        "2026-03-09T14:00Z",
        anchor="2026-03-07T14:00Z",
    ),
    # [SCHED] "you use the StartDate property to set the first occurrence of the schedule"
    row(
        "rate(1 hour)",
        "UTC",
        "2026-03-04T10:00Z",
        None,
        "2026-03-04T10:30Z",
        anchor="2026-03-04T10:30Z",
    ),
    # [SCHED] "a schedule that runs once at 1pm UTC-8 on November 20, 2022":
    # at(2022-11-20T13:00:00) with --schedule-expression-timezone "America/Los_Angeles"
    row(
        "at(2022-11-20T13:00:00)",
        "America/Los_Angeles",
        "2026-01-01T00:00Z",
        "2022-11-20T21:00Z",
        None,
    ),
    row(
        "at(2022-11-20T13:00:00)",
        "America/Los_Angeles",
        "2022-11-20T20:59Z",
        None,
        "2022-11-20T21:00Z",
    ),
    # [SCHED] cron(30 8 * * ? *) in America/New_York "every day at 8:30 a.m." (EST, then EDT)
    row(
        "cron(30 8 * * ? *)",
        "America/New_York",
        "2026-03-08T12:00Z",
        "2026-03-07T13:30Z",
        "2026-03-08T12:30Z",
    ),
    # [SCHED] "supports configuring cron-based and one-time schedules in any time zone": 09:00 JST
    row(
        "cron(0 9 ? * MON-FRI *)",
        "Asia/Tokyo",
        "2026-03-06T01:00Z",
        "2026-03-06T00:00Z",
        "2026-03-09T00:00Z",
    ),
    # [SCHED] DST: "When time shifts forward in the Spring, if a cron expression falls on a
    # non-existent date and time, your schedule invocation is skipped." / "Spring-forward - ...
    # EventBridge Scheduler skips the schedule invocation on that day, and resumes running the
    # schedule normally the following day." (its example: cron(30 2 * * ? *) in Los Angeles)
    row(
        "cron(30 2 * * ? *)",
        "America/Los_Angeles",
        "2026-03-08T12:00Z",
        "2026-03-07T10:30Z",
        "2026-03-09T09:30Z",
    ),
    row(
        "cron(30 2 * * ? *)",
        "America/New_York",
        "2026-03-08T12:00Z",
        "2026-03-07T07:30Z",
        "2026-03-09T06:30Z",
    ),
    row(
        "cron(30 2 * * ? *)",
        "Europe/Berlin",
        "2026-03-29T06:00Z",
        "2026-03-28T01:30Z",
        "2026-03-30T00:30Z",
    ),
    # Hourly across Berlin's spring gap: 01:00 CET then 03:00 CEST, one hour apart in UTC
    row(
        "cron(0 * * * ? *)",
        "Europe/Berlin",
        "2026-03-29T00:30Z",
        "2026-03-29T00:00Z",
        "2026-03-29T01:00Z",
    ),
    # Lord Howe skips 02:00-02:29 on 2026-10-04 (a 30-minute shift)
    row(
        "cron(15 2 * * ? *)",
        "Australia/Lord_Howe",
        "2026-10-04T00:00Z",
        "2026-10-02T15:45Z",
        "2026-10-04T15:15Z",
    ),
    # [SCHED] "When time shifts backwards in the Fall, your schedule runs only once and does not
    # repeat its invocation." / "Fall-back - ... runs the schedule only once at 2:30 a.m. before
    # the shift occurs, but does not repeat the schedule invocation again at 2:30 a.m. after the
    # time shift." ([KC]: "your schedule runs only once and doesn't repeat its invocation")
    # Los Angeles and New York repeat 01:00-01:59 on 2026-11-01: only the first 01:30 fires.
    row(
        "cron(30 1 * * ? *)",
        "America/Los_Angeles",
        "2026-11-01T09:45Z",
        "2026-11-01T08:30Z",
        "2026-11-02T09:30Z",
    ),
    row(
        "cron(30 1 * * ? *)",
        "America/New_York",
        "2026-11-01T06:45Z",
        "2026-11-01T05:30Z",
        "2026-11-02T06:30Z",
    ),
    # Berlin repeats 02:00-02:59 on 2026-10-25: 02:30 CEST (00:30Z) fires, 02:30 CET (01:30Z) not
    row(
        "cron(30 2 * * ? *)",
        "Europe/Berlin",
        "2026-10-25T01:45Z",
        "2026-10-25T00:30Z",
        "2026-10-26T01:30Z",
    ),
    # Hourly across Berlin's repeated hour: 02:00 CEST, (02:00 CET skipped), 03:00 CET
    row(
        "cron(0 * * * ? *)",
        "Europe/Berlin",
        "2026-10-25T01:30Z",
        "2026-10-25T00:00Z",
        "2026-10-25T02:00Z",
    ),
    # Every 15 minutes across it: 02:00-02:45 CEST fire, the CET repeat does not, then 03:00 CET;
    # seen from 02:30 CET (01:30Z), the last fire is 02:45 CEST, a wall time "later" than now
    row(
        "cron(0/15 * * * ? *)",
        "Europe/Berlin",
        "2026-10-25T01:30Z",
        "2026-10-25T00:45Z",
        "2026-10-25T02:00Z",
    ),
    # Lord Howe repeats 01:30-01:59 on 2026-04-05: 01:45 at +11:00 fires, 01:45 at +10:30 not
    row(
        "cron(45 1 * * ? *)",
        "Australia/Lord_Howe",
        "2026-04-04T15:20Z",
        "2026-04-04T14:45Z",
        "2026-04-05T15:15Z",
    ),
]


@pytest.mark.parametrize("case", FIRES)
def test_documented_fire_times(case):
    expression, zone, reference, previous, following, anchor = case
    parsed = parse(expression)
    assert previous_fire(parsed, zone, utc(reference), anchor=utc(anchor)) == utc(previous)
    assert next_fire(parsed, zone, utc(reference), anchor=utc(anchor)) == utc(following)


INVALID = [
    # [CRON] "Hours | 0-23"
    ("cron(0 25 * * ? *)", "hours must be 0-23, got 25"),
    # [CRON] "You can't use * in both the Day-of-month and Day-of-week fields. If you use it in
    # one, you must use ? in the other."
    ("cron(0 2 * * * *)", "one of day-of-month and day-of-week must be '?'"),
    # [CRON] "If you specify a value or a * (asterisk) in one of the fields, you must use a ?
    # (question mark) in the other."
    ("cron(0 2 1 * MON *)", "one of day-of-month and day-of-week must be '?'"),
    # Not documented: both '?' is rejected too (chosen)
    ("cron(0 0 ? * ? *)", "exactly one of day-of-month and day-of-week must be '?'"),
    # [CRON] "Minutes | 0-59"
    ("cron(a b c d e f)", "minutes must be 0-59"),
    ("cron(60 * * * ? *)", "minutes must be 0-59, got 60"),
    # [CRON] "Cron expressions have six required fields, which are separated by white space."
    # [API] "A cron expression consists of six fields separated by white spaces"
    ("cron(0 2 * * ?)", "expected 6 fields"),
    # [CRON] "Day-of-month | 1-31"
    ("cron(0 0 32 * ? *)", "day-of-month must be 1-31, got 32"),
    # [CRON] "Month | 1-12 or JAN-DEC" (the '?'/'*' day pair itself is valid here)
    ("cron(0 0 ? 13 * *)", "month must be 1-12 or JAN-DEC, got 13"),
    # [CRON] "Day-of-week | 1-7 or SUN-SAT"
    ("cron(0 0 ? * 8 *)", "day-of-week must be 1-7 or SUN-SAT, got 8"),
    ("cron(0 0 ? * 0 *)", "day-of-week must be 1-7 or SUN-SAT, got 0"),
    # [CRON] '#' names an instance within a month; a month has at most five (chosen bound 1-5)
    ("cron(0 0 ? * 2#6 *)", "'#' must be followed by 1-5, got 6"),
    # [CRON] "For example, "3#1,6#3" is not valid because it is interpreted as two expressions."
    ("cron(0 0 ? * 3#1,6#3 *)", "with '#' takes only one expression"),
    # [CRON] "Year | 1970-2199"
    ("cron(0 0 ? * MON-FRI 1969)", "year must be 1970-2199, got 1969"),
    ("cron(0 0 ? * MON-FRI 2200)", "year must be 1970-2199, got 2200"),
    # [CRON] "Day-of-week | ... | , - * ? L #": no '/'
    ("cron(0 0 ? * MON/2 *)", "day-of-week does not accept '/'"),
    # [CRON] "Minutes | 0-59 | , - * /": no '?'; "Month | ... | , - * /": no L
    ("cron(? 0 * * ? *)", "minutes does not accept '?'"),
    ("cron(0 0 ? L * *)", "month must be 1-12 or JAN-DEC, got L"),
    # [CRON] '#' is a day-of-week wildcard only
    ("cron(0 0 1#2 * ? *)", "day-of-month does not accept '#'"),
    # Not documented by AWS (Quartz forms): LW, L in a list, nW in a list, L-3 -- rejected
    ("cron(0 0 LW * ? *)", "day-of-month takes L or nW only on their own"),
    ("cron(0 0 1,15,L * ? *)", "day-of-month takes L or nW only on their own"),
    ("cron(0 0 1W,15W * ? *)", "day-of-month takes L or nW only on their own"),
    ("cron(0 0 L-3 * ? *)", "day-of-month takes L or nW only on their own"),
    ("cron(0 0 ? * 2,6L *)", "day-of-week takes L or dL (e.g. 6L) only on their own"),
    ("cron(0 0 32W * ? *)", "day-of-month must be 1-31, got 32"),
    ("cron(0/0 * * * ? *)", "minutes step must be a whole number above 0, got 0"),
    # [SCHED] "value: A positive number."; [API] "a value as a positive integer"
    ("rate(0 minutes)", "the value must be a whole number above 0"),
    ("rate(1.5 hours)", "the value must be a whole number above 0, got 1.5"),
    ("rate(-5 minutes)", "the value must be a whole number above 0, got -5"),
    # [API] "a unit with the following options: minute | minutes | hour | hours | day | days"
    ("rate(5 weeks)", "the unit must be one of minute, minutes, hour, hours, day, days, got weeks"),
    ("rate(5)", "the unit must be one of"),
    # [SCHED] "at(yyyy-mm-ddThh:mm:ss)"
    ("at(2026-02-30T00:00:00)", "not a valid date and time"),
    ("at(2026-13-01T00:00:00)", "not a valid date and time"),
    ("at(2026-03-01 10:00:00)", "expected at(yyyy-mm-ddThh:mm:ss)"),
    ("every 5 minutes", "expected cron(...), rate(value unit) or at(yyyy-mm-ddThh:mm:ss)"),
]


@pytest.mark.parametrize(("expression", "fragment"), INVALID, ids=[i[0] for i in INVALID])
def test_invalid_expressions_name_the_part_and_what_is_accepted(expression, fragment):
    with pytest.raises(ScheduleExpressionError) as caught:
        parse(expression)
    assert str(caught.value).startswith(f"{expression}: ")
    assert fragment in str(caught.value)


def test_the_brief_s_example_messages_word_for_word():
    for expression, message in [
        ("cron(0 25 * * ? *)", "cron(0 25 * * ? *): hours must be 0-23, got 25"),
        ("rate(0 minutes)", "rate(0 minutes): the value must be a whole number above 0, got 0"),
        ("at(2026-13-01T00:00:00)", "at(2026-13-01T00:00:00): not a valid date and time"),
    ]:
        with pytest.raises(ScheduleExpressionError) as caught:
            parse(expression)
        assert str(caught.value) == message


def test_parsed_values():
    cron = parse("cron(10-50/20 */6 ? jan,Jul mon-fri 2026-2027)")
    assert isinstance(cron, Cron)
    assert cron.text == "cron(10-50/20 */6 ? jan,Jul mon-fri 2026-2027)"
    assert (cron.minutes, cron.hours, cron.months, cron.years) == (
        (10, 30, 50), (0, 6, 12, 18), (1, 7), (2026, 2027),
    )  # fmt: skip
    assert (cron.day_rule, cron.day_values) == ("day-of-week", (2, 3, 4, 5, 6))
    # [CRON] "you could enter 1/10 to specify every tenth minute, starting from the first minute
    # of the hour (for example, the 11th, 21st, and 31st minute, and so on)"
    assert parse("cron(1/10 * * * ? *)").minutes == (1, 11, 21, 31, 41, 51)
    # [CRON] "In the Day field, 1-15 includes days 1 through 15 of the specified month."
    assert parse("cron(0 0 1-15 * ? *)").day_values == tuple(range(1, 16))
    # [CRON] "In the Month field, JAN,FEB,MAR includes January, February, and March."
    assert parse("cron(0 0 1 JAN,FEB,MAR ? *)").months == (1, 2, 3)
    assert parse("rate(5 minutes)") == Rate("rate(5 minutes)", timedelta(minutes=5))
    # [SCHED] writes "rate(1 days)"; [RULES] (legacy rules only) says "If the value is equal to 1,
    # then the unit must be singular." -- the Scheduler forms are all accepted.
    assert parse("rate(1 days)") == Rate("rate(1 days)", timedelta(days=1))
    assert parse("rate(1 minute)") == Rate("rate(1 minute)", timedelta(minutes=1))
    at = parse("at(2022-11-20T13:00:00)")
    assert at == At("at(2022-11-20T13:00:00)", datetime(2022, 11, 20, 13))
    assert at.local_time.tzinfo is None


def test_start_and_end_are_inclusive_bounds_for_cron_and_rate():
    daily = parse("cron(0 10 * * ? *)")
    start, end = utc("2026-03-10T10:00Z"), utc("2026-03-12T10:00Z")
    bounds = {"start": start, "end": end}
    assert next_fire(daily, "UTC", utc("2026-03-01T00:00Z"), **bounds) == start
    assert previous_fire(daily, "UTC", utc("2026-03-20T00:00Z"), **bounds) == end
    assert next_fire(daily, "UTC", end, **bounds) is None
    assert previous_fire(daily, "UTC", utc("2026-03-10T09:59Z"), **bounds) is None
    hourly, anchor = parse("rate(1 hour)"), utc("2026-03-01T00:15Z")
    assert next_fire(hourly, "UTC", utc("2026-03-01T00:00Z"), anchor=anchor, start=start) == utc(
        "2026-03-10T10:15Z"
    )
    assert previous_fire(hourly, "UTC", utc("2026-04-01T00:00Z"), anchor=anchor, end=end) == utc(
        "2026-03-12T09:15Z"
    )


def test_one_time_schedules_ignore_start_and_end():
    # [SCHED] "When you configure a one-time schedule, EventBridge Scheduler ignores the
    # StartDate and EndDate you specify for the schedule."
    once = parse("at(2026-06-01T09:00:00)")
    early = {"start": utc("2026-01-01T00:00Z"), "end": utc("2026-01-02T00:00Z")}
    fire = utc("2026-06-01T07:00Z")  # 09:00 CEST
    assert next_fire(once, "Europe/Berlin", utc("2026-05-01T00:00Z"), **early) == fire
    assert previous_fire(once, "Europe/Berlin", utc("2026-07-01T00:00Z"), **early) == fire


def test_one_time_schedules_in_a_gap_or_a_repeated_hour():
    # Not documented for at(): the cron rule is applied (skip a gap, first of a repeated time).
    gap, repeated = parse("at(2026-03-29T02:30:00)"), parse("at(2026-10-25T02:30:00)")
    assert next_fire(gap, "Europe/Berlin", utc("2026-03-01T00:00Z")) is None
    assert next_fire(repeated, "Europe/Berlin", utc("2026-10-01T00:00Z")) == utc(
        "2026-10-25T00:30Z"
    )


def test_argument_errors():
    daily = parse("cron(0 10 * * ? *)")
    with pytest.raises(ScheduleExpressionError, match="unknown time zone 'Mars/Olympus'"):
        next_fire(daily, "Mars/Olympus", utc("2026-03-01T00:00Z"))
    with pytest.raises(ScheduleExpressionError, match="unknown time zone"):
        previous_fire(parse("rate(5 minutes)"), "", utc("2026-03-01T00:00Z"))
    with pytest.raises(ValueError, match="needs an anchor"):
        next_fire(parse("rate(5 minutes)"), "UTC", utc("2026-03-01T00:00Z"))
    with pytest.raises(ValueError, match="must be timezone-aware"):
        next_fire(daily, "UTC", datetime(2026, 3, 1))


@pytest.mark.parametrize(
    "expression", ["cron(0 0 31 2 ? *)", "cron(* * 30 2 ? *)", "cron(0 0 31 4,6,9,11 ? *)"]
)
def test_expressions_that_never_fire_return_none_quickly(expression):
    never = parse(expression)
    started = time.perf_counter()
    assert next_fire(never, "Europe/Berlin", utc("1970-01-01T00:00Z")) is None
    assert previous_fire(never, "Europe/Berlin", utc("2199-12-31T00:00Z")) is None
    assert time.perf_counter() - started < 0.5


def test_the_year_range_bounds_every_search():
    daily = parse("cron(0 10 * * ? *)")
    assert next_fire(daily, "UTC", utc("2199-12-31T10:00Z")) is None
    assert previous_fire(daily, "UTC", utc("1970-01-01T09:59Z")) is None
    assert next_fire(daily, "UTC", datetime(1, 1, 1, tzinfo=UTC)) == utc("1970-01-01T10:00Z")
    assert previous_fire(daily, "UTC", datetime(9999, 1, 1, tzinfo=UTC)) == utc("2199-12-31T10:00Z")


PROPERTY_CASES = [
    ("cron(0 10 * * ? *)", "UTC"),
    ("cron(0/5 8-17 ? * MON-FRI *)", "America/New_York"),
    ("cron(30 2 * * ? *)", "Europe/Berlin"),
    ("cron(0 * * * ? *)", "Australia/Lord_Howe"),
    ("cron(15 10 ? * 6L *)", "Asia/Tokyo"),
    ("cron(0 9 1W * ? *)", "America/Los_Angeles"),
    ("cron(0 9 ? * 3#2 *)", "Europe/Berlin"),
    ("cron(0/30 20-2 ? * MON-FRI *)", "America/Los_Angeles"),
    ("rate(7 minutes)", "UTC"),
    ("rate(3 days)", "Europe/Berlin"),
]


def test_previous_and_next_agree_at_random_times():
    rng = random.Random(20260329)
    anchor = utc("2024-12-31T23:59:30Z")
    low, high = utc("2025-01-01T00:00Z").timestamp(), utc("2028-01-01T00:00Z").timestamp()
    for _ in range(400):
        expression, zone = rng.choice(PROPERTY_CASES)
        parsed = parse(expression)
        moment = datetime.fromtimestamp(rng.uniform(low, high), UTC)
        before = previous_fire(parsed, zone, moment, anchor=anchor)
        after = next_fire(parsed, zone, moment, anchor=anchor)
        assert before is not None and after is not None, (expression, zone, moment)
        assert before <= moment < after, (expression, zone, moment)
        assert next_fire(parsed, zone, before, anchor=anchor) == after, (expression, zone, moment)
        assert (
            previous_fire(parsed, zone, after - timedelta(microseconds=1), anchor=anchor) == before
        )
        assert before.second == after.second == (30 if expression.startswith("rate") else 0)


ORACLE_CASES = [
    # zone, day of a transition, minutes, hours
    ("Europe/Berlin", "2026-03-29", {0}, set(range(24))),
    ("Europe/Berlin", "2026-10-25", {0, 30}, {1, 2, 3}),
    ("America/New_York", "2026-03-08", {0, 15, 30, 45}, {1, 2, 3}),
    ("America/New_York", "2026-11-01", {30}, {1}),
    ("Australia/Lord_Howe", "2026-04-05", set(range(0, 60, 5)), {1, 2}),
    ("Australia/Lord_Howe", "2026-10-04", set(range(0, 60, 5)), {1, 2, 3}),
]


@pytest.mark.parametrize(("zone", "day", "minutes", "hours"), ORACLE_CASES)
def test_matches_a_minute_by_minute_oracle_around_transitions(zone, day, minutes, hours):
    """Every UTC minute whose local reading matches and is the first reading of that wall time
    (fold 0) is a fire; nothing else is. Independent of the module's search."""
    minute_list = ",".join(str(m) for m in sorted(minutes))
    hour_list = ",".join(str(h) for h in sorted(hours))
    parsed = parse(f"cron({minute_list} {hour_list} * * ? *)")
    tz, first = ZoneInfo(zone), datetime.fromisoformat(day).replace(tzinfo=UTC)
    start, stop = first - timedelta(days=1), first + timedelta(days=2)
    expected, moment = [], start
    while moment < stop:
        local = moment.astimezone(tz)
        if local.fold == 0 and local.minute in minutes and local.hour in hours:
            expected.append(moment)
        moment += timedelta(minutes=1)
    got, cursor = [], start - timedelta(seconds=1)
    while (cursor := next_fire(parsed, zone, cursor)) is not None and cursor < stop:
        got.append(cursor)
    assert got == expected
    backwards, cursor = [], stop - timedelta(seconds=1)
    while (cursor := previous_fire(parsed, zone, cursor)) is not None and cursor >= start:
        backwards.append(cursor)
        cursor -= timedelta(seconds=1)
    assert backwards[::-1] == expected
    # from every minute of the window, previous and next bracket it as the oracle says
    for minute in range(0, int((stop - start).total_seconds() // 60), 7):
        moment = start + timedelta(minutes=minute, seconds=20)
        earlier = [fire for fire in expected if fire <= moment]
        later = [fire for fire in expected if fire > moment]
        if earlier:
            assert previous_fire(parsed, zone, moment) == earlier[-1], moment
        if later:
            assert next_fire(parsed, zone, moment) == later[0], moment


def test_evaluation_is_fast():
    cases = [(parse(expression), zone) for expression, zone in PROPERTY_CASES]
    rng = random.Random(7)
    started, calls = time.perf_counter(), 0
    for _ in range(100):
        for parsed, zone in cases:
            moment = datetime.fromtimestamp(rng.uniform(1.7e9, 1.9e9), UTC)
            previous_fire(parsed, zone, moment, anchor=moment - timedelta(days=9))
            next_fire(parsed, zone, moment, anchor=moment - timedelta(days=9))
            calls += 2
    assert (time.perf_counter() - started) / calls < 0.005


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda naive: next_fire(parse("cron(0 10 * * ? *)"), "UTC", naive), "the reference time"),
        (
            lambda naive: next_fire(
                parse("rate(5 minutes)"), "UTC", utc("2026-03-01T00:00Z"), anchor=naive
            ),
            "anchor",
        ),
        (
            lambda naive: previous_fire(
                parse("cron(0 10 * * ? *)"), "UTC", utc("2026-03-01T00:00Z"), start=naive
            ),
            "start",
        ),
        (
            lambda naive: previous_fire(
                parse("cron(0 10 * * ? *)"), "UTC", utc("2026-03-01T00:00Z"), end=naive
            ),
            "end",
        ),
        (
            lambda naive: skipped_fire(
                parse("cron(30 2 * * ? *)"), "UTC", naive, utc("2026-03-01T00:00Z")
            ),
            "after",
        ),
        (
            lambda naive: skipped_fire(
                parse("cron(30 2 * * ? *)"), "UTC", utc("2026-03-01T00:00Z"), naive
            ),
            "at_or_before",
        ),
    ],
)
def test_a_naive_time_is_refused_naming_the_argument(call, name: str) -> None:
    with pytest.raises(
        ValueError, match=f"^{name} must be timezone-aware, got 2026-03-01T00:00:00$"
    ):
        call(datetime(2026, 3, 1))


def test_every_time_returned_is_in_utc() -> None:
    """The check compares and prints them: an offset other than UTC would read differently."""
    daily = parse("cron(0 10 * * ? *)")
    tokyo = datetime(2026, 3, 1, 12, tzinfo=ZoneInfo("Asia/Tokyo"))
    found = next_fire(daily, "Asia/Tokyo", tokyo)
    assert found is not None and found.tzinfo is UTC
    assert str(found) == "2026-03-02 01:00:00+00:00"
    gap = skipped_fire(
        parse("cron(30 2 * * ? *)"), "America/New_York", tokyo, tokyo + timedelta(days=9)
    )
    assert gap is not None and str(gap) == "2026-03-08 07:30:00+00:00"


def test_a_skipped_wall_time_is_found_in_the_zone_of_the_monitor_not_of_the_machine() -> None:
    """02:30 on 2026-03-08 does not exist in New York: found between the evenings around
    it, and not when the window ends just before it, nor starts at it."""
    expression = parse("cron(30 2 * * ? *)")
    before, after = utc("2026-03-08T00:00Z"), utc("2026-03-08T12:00Z")
    assert skipped_fire(expression, "America/New_York", before, after) == utc("2026-03-08T07:30Z")
    assert skipped_fire(expression, "America/New_York", before, utc("2026-03-08T07:29Z")) is None
    assert skipped_fire(expression, "America/New_York", before, utc("2026-03-08T07:30Z")) == utc(
        "2026-03-08T07:30Z"
    )
    assert skipped_fire(expression, "America/New_York", utc("2026-03-08T07:30Z"), after) is None


def test_a_month_that_starts_on_the_weekday_asked_includes_its_first_day() -> None:
    """2026-03-01 is a Sunday."""
    sundays = parse("cron(0 10 ? * SUN *)")
    assert next_fire(sundays, "UTC", utc("2026-02-28T12:00Z")) == utc("2026-03-01T10:00Z")


def test_a_nearest_weekday_that_is_the_last_day_and_a_saturday_is_the_friday() -> None:
    """2026-02-28, the last day of February, is a Saturday: 28W fires on Friday the 27th."""
    assert next_fire(parse("cron(0 10 28W * ? *)"), "UTC", utc("2026-02-01T00:00Z")) == utc(
        "2026-02-27T10:00Z"
    )


def test_a_one_time_schedule_fires_strictly_after_and_at_or_before() -> None:
    once = parse("at(2026-03-01T10:00:00)")
    assert next_fire(once, "UTC", utc("2026-03-01T10:00Z")) is None
    assert previous_fire(once, "UTC", utc("2026-03-01T10:00Z")) == utc("2026-03-01T10:00Z")


def test_the_next_fire_after_the_start_itself_is_the_one_after_it() -> None:
    daily = parse("cron(0 10 * * ? *)")
    start = utc("2026-03-01T10:00Z")
    assert next_fire(daily, "UTC", start, start=start) == utc("2026-03-02T10:00Z")


def test_a_rate_counts_from_its_anchor_to_the_microsecond() -> None:
    every_minute = parse("rate(1 minute)")
    anchor = datetime(2026, 3, 1, 9, 59, 59, 999999, tzinfo=UTC)  # one microsecond before start
    start = utc("2026-03-01T10:00Z")
    found = next_fire(every_minute, "UTC", utc("2026-03-01T09:00Z"), anchor=anchor, start=start)
    assert found == anchor + timedelta(minutes=1)
    assert found is not None and found.tzinfo is UTC
    # Backward, within the first interval the anchor itself is the latest fire.
    five = parse("rate(5 minutes)")
    assert previous_fire(five, "UTC", start + timedelta(minutes=2), anchor=start) == start


def test_fire_times_do_not_depend_on_the_machines_time_zone(monkeypatch) -> None:
    """West of New York, the machine's wall clock reads earlier than the monitor's."""
    monkeypatch.setenv("TZ", "Pacific/Honolulu")
    time.tzset()
    try:
        gap = skipped_fire(
            parse("cron(30 2 * * ? *)"),
            "America/New_York",
            utc("2026-03-08T00:00Z"),
            utc("2026-03-08T12:00Z"),
        )
        assert str(gap) == "2026-03-08 07:30:00+00:00"
        found = next_fire(parse("cron(0 10 * * ? *)"), "Asia/Tokyo", utc("2026-03-01T00:00Z"))
        assert found is not None and found.tzinfo is UTC
    finally:
        monkeypatch.undo()
        time.tzset()
