"""Calendars, pure: the contract's ``calendar`` read strictly, a deadline excluded by its
local date, and what each verdict becomes on a day off (table-tested)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from sfn_deadline_monitor.check.calendar import Calendar, judge_day, parse_calendar
from sfn_deadline_monitor.check.contract import CheckRequest, parse_event
from sfn_deadline_monitor.check.monitor_settings import InvalidEventError
from sfn_deadline_monitor.check.risk import NO_HISTORY, NO_START, ON_TRACK, SLOW_RUN, Prediction
from sfn_deadline_monitor.check.verdict import Execution, Finding, Status, Verdict
from testkit.events import at, event

SM = "arn:aws:states:us-east-1:123456789012:stateMachine:nightly-etl"
# 02:00 in Tokyo on Friday 2026-12-25 is 17:00 UTC on Thursday 2026-12-24.
CHRISTMAS_2AM_TOKYO = at("2026-12-24T17:00")
JP = Calendar("jp-business", frozenset({date(2026, 12, 25)}), frozenset({5, 6}))
GIVEN = {"name": "jp-business", "exclude_dates": ["2026-12-25"], "exclude_weekdays": ["SAT", "SUN"]}


def test_the_contracts_calendar_is_read_into_the_request() -> None:
    given = event(SM, CHRISTMAS_2AM_TOKYO, calendar=GIVEN)
    start = {**given, "check": "start"}
    del start["notify_on_success"]
    at_risk = {**start, "check": "at_risk", "deadline_expression": "cron(0 2 * * ? *)"}
    for payload in (given, start, at_risk):
        request = parse_event(payload, CHRISTMAS_2AM_TOKYO + timedelta(minutes=1))
        assert isinstance(request, CheckRequest)
        assert request.calendar == JP
    request = parse_event(event(SM, CHRISTMAS_2AM_TOKYO), CHRISTMAS_2AM_TOKYO)
    assert isinstance(request, CheckRequest) and request.calendar is None


def test_a_start_check_is_judged_by_its_deadlines_day() -> None:
    """At 23:15 in Tokyo on the 24th, the start check of the 02:00 deadline on the 25th:
    with the deadline's schedule (the module writes it with a calendar), the 25th."""
    evening = at("2026-12-24T14:15")
    given = {**event(SM, evening, check="start", calendar=GIVEN)}
    del given["notify_on_success"]
    own = parse_event(given, evening)
    ahead = parse_event({**given, "deadline_expression": "cron(0 2 * * ? *)"}, evening)
    assert isinstance(own, CheckRequest) and isinstance(ahead, CheckRequest)
    assert (own.calendar_day, ahead.calendar_day) == (evening, CHRISTMAS_2AM_TOKYO)
    assert ahead.deadline == evening  # its window still ends when it fires
    with pytest.raises(InvalidEventError, match="deadline_expression must be cron"):
        parse_event({**given, "deadline_expression": "rate(1 day)"}, evening)


def test_duplicates_and_an_empty_calendar_are_read() -> None:
    given = {"name": "c", "exclude_dates": ["2026-12-25", "2026-12-25"], "exclude_weekdays": []}
    assert parse_calendar(given) == Calendar("c", frozenset({date(2026, 12, 25)}))
    empty = {"name": "c", "exclude_dates": [], "exclude_weekdays": []}
    assert parse_calendar(empty) == Calendar("c")


def test_a_calendar_lacking_a_field_names_the_three_it_needs() -> None:
    with pytest.raises(
        InvalidEventError, match=r"exactly name, exclude_dates and exclude_weekdays$"
    ):
        parse_calendar({"name": "c", "exclude_dates": []})


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ("jp-business", "calendar 'jp-business' must be an object of exactly name"),
        ({"name": "c", "exclude_dates": []}, "must be an object of exactly name"),
        ({**GIVEN, "timezone": "Asia/Tokyo"}, "must be an object of exactly name"),
        ({**GIVEN, "name": ""}, "calendar.name '' must be a non-empty string"),
        ({**GIVEN, "name": 7}, "calendar.name 7 must be"),
        ({**GIVEN, "exclude_dates": "2026-12-25"}, "calendar.exclude_dates '2026-12-25' must"),
        ({**GIVEN, "exclude_dates": ["2026-02-30"]}, "calendar.exclude_dates ['2026-02-30']"),
        ({**GIVEN, "exclude_dates": ["20261225"]}, "calendar.exclude_dates ['20261225']"),
        ({**GIVEN, "exclude_dates": ["2026-W52-5"]}, "calendar.exclude_dates"),
        ({**GIVEN, "exclude_dates": ["2026-12-25T00:00"]}, "calendar.exclude_dates"),
        ({**GIVEN, "exclude_dates": [None]}, "a list of dates such as 2026-12-31"),
        ({**GIVEN, "exclude_weekdays": ["sat"]}, "calendar.exclude_weekdays ['sat'] must be"),
        ({**GIVEN, "exclude_weekdays": [6]}, "a list of MON, TUE, WED, THU, FRI, SAT, SUN"),
        ({**GIVEN, "exclude_weekdays": "SAT"}, "calendar.exclude_weekdays 'SAT'"),
    ],
)
def test_a_malformed_calendar_is_an_error_naming_its_field(given: Any, field: str) -> None:
    with pytest.raises(InvalidEventError) as raised:
        parse_calendar(given)
    assert field in str(raised.value)
    with pytest.raises(InvalidEventError) as through_the_contract:
        parse_event(event(SM, CHRISTMAS_2AM_TOKYO, calendar=given), CHRISTMAS_2AM_TOKYO)
    assert field in str(through_the_contract.value)


def test_a_failure_events_monitors_carry_no_calendar() -> None:
    """A failed run is always reported: the failure rules' input has no calendar."""
    with pytest.raises(InvalidEventError, match="unknown field"):
        parse_event(
            {
                "version": 1,
                "check": "status_change",
                "monitors": [],
                "event": {},
                "calendar": GIVEN,
            },
            CHRISTMAS_2AM_TOKYO,
        )


@pytest.mark.parametrize(
    ("day", "excluded"),
    [
        (date(2026, 12, 25), True),  # a listed date (a Friday)
        (date(2026, 12, 26), True),  # Saturday
        (date(2026, 12, 27), True),  # Sunday
        (date(2026, 12, 24), False),  # Thursday
        (date(2026, 12, 28), False),  # Monday
    ],
)
def test_a_date_or_a_weekday_excludes_a_day(day: date, excluded: bool) -> None:
    assert JP.excludes(day) is excluded


def run(status: str) -> Execution:
    start = CHRISTMAS_2AM_TOKYO - timedelta(hours=1)
    stop = None if status == "RUNNING" else start + timedelta(minutes=20)
    return Execution(f"arn:{status}", status.lower(), status, start, stop)


def verdict(status: Status, *runs: str) -> Verdict:
    return Verdict(status, tuple(Finding(run(s), status) for s in runs))


def prediction(kind: str) -> Prediction:
    return Prediction(kind, CHRISTMAS_2AM_TOKYO)


# What each verdict becomes when its deadline falls on a day off: nothing that ran is
# forgiven, and nothing is expected.
ON_A_DAY_OFF = [
    (verdict(Status.MISSING), None, Verdict(Status.SKIPPED)),
    (verdict(Status.FAILED, "FAILED"), None, verdict(Status.FAILED, "FAILED")),
    (verdict(Status.LATE, "RUNNING"), None, verdict(Status.LATE, "RUNNING")),
    (verdict(Status.OK, "SUCCEEDED"), None, verdict(Status.OK, "SUCCEEDED")),
    (verdict(Status.TOO_FAST, "SUCCEEDED"), None, verdict(Status.TOO_FAST, "SUCCEEDED")),
    (Verdict(Status.ERROR, reason="denied"), None, Verdict(Status.ERROR, reason="denied")),
    # An at-risk check: no run has started by its usual time, and none is expected.
    (verdict(Status.AT_RISK), prediction(NO_START), Verdict(Status.OK)),
    # ... a failed run in the window is no run going: still nothing expected.
    (verdict(Status.AT_RISK, "FAILED"), prediction(NO_START), verdict(Status.OK, "FAILED")),
    # A run going slower than usual is at risk whatever the day.
    (verdict(Status.AT_RISK, "RUNNING"), prediction(SLOW_RUN), verdict(Status.AT_RISK, "RUNNING")),
    (verdict(Status.OK), prediction(ON_TRACK), verdict(Status.OK)),
    (verdict(Status.OK), prediction(NO_HISTORY), verdict(Status.OK)),
]  # fmt: skip


@pytest.mark.parametrize(("judged", "predicted", "expected"), ON_A_DAY_OFF)
def test_a_day_off_skips_only_what_was_not_expected(
    judged: Verdict, predicted: Prediction | None, expected: Verdict
) -> None:
    assert judge_day(judged, JP, CHRISTMAS_2AM_TOKYO, "Asia/Tokyo", predicted) == expected


@pytest.mark.parametrize(("judged", "predicted", "_"), ON_A_DAY_OFF)
def test_a_working_day_or_no_calendar_changes_nothing(
    judged: Verdict, predicted: Prediction | None, _: Verdict
) -> None:
    thursday = CHRISTMAS_2AM_TOKYO - timedelta(days=1)
    assert judge_day(judged, JP, thursday, "Asia/Tokyo", predicted) == judged
    assert judge_day(judged, None, CHRISTMAS_2AM_TOKYO, "Asia/Tokyo", predicted) == judged


@pytest.mark.parametrize(
    ("deadline", "timezone", "skipped"),
    [
        # 02:00 on the 25th in Tokyo is still the 24th in UTC: the local date decides.
        (CHRISTMAS_2AM_TOKYO, "Asia/Tokyo", True),
        (CHRISTMAS_2AM_TOKYO, "UTC", False),
        # 23:30 on the 24th in Tokyo, 14:30 UTC: the day before the holiday.
        (at("2026-12-24T14:30"), "Asia/Tokyo", False),
        # 00:00 on the 25th in Tokyo is its first moment: excluded.
        (at("2026-12-24T15:00"), "Asia/Tokyo", True),
        # 17:00 on the 24th in New York is 22:00 UTC: the 24th there, excluded nowhere.
        (at("2026-12-24T22:00"), "America/New_York", False),
        # 19:00 on the 25th in New York is 00:00 UTC on the 26th (a Saturday in UTC too).
        (at("2026-12-26T00:00"), "America/New_York", True),
        # A zone this runtime does not know: UTC, as the alerts show.
        (at("2026-12-25T01:00"), "Mars/Olympus_Mons", True),
    ],
)
def test_the_deadlines_local_date_decides(deadline: datetime, timezone: str, skipped: bool) -> None:
    judged = judge_day(Verdict(Status.MISSING), JP, deadline, timezone)
    assert (judged.status is Status.SKIPPED) is skipped
