"""The schedule input contract: what is accepted, what becomes a clear error."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sfn_deadline_monitor.check.contract import CheckRequest, parse_event
from sfn_deadline_monitor.check.failure_events import FailureEvent
from sfn_deadline_monitor.check.monitor_settings import (
    InvalidEventError,
    base_state_machine_arn,
    message_format_of,
    monitor_name_of,
)
from sfn_deadline_monitor.check.too_fast import MinDuration
from testkit.events import at, event, status_change

EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:nightly-etl:run-1"

ARN = "arn:aws:states:us-east-1:000000000000:stateMachine:nightly-etl"
NOW = at("2026-03-10T17:20")


def changed(arn: str, *, event: object = None, source: str | None = None, **detail: object) -> dict:
    """A status_change input whose event (or its source, or detail fields) is changed;
    a detail field set to None is removed."""
    payload = status_change(EXECUTION, "FAILED", at("2026-03-10T15:00"), at("2026-03-10T15:05"))
    payload["monitors"][0]["state_machine_arn"] = arn
    if event is not None:
        payload["event"] = event
    if source is not None:
        payload["event"]["source"] = source
    for field, value in detail.items():
        if value is None:
            del payload["event"]["detail"][field]
        else:
            payload["event"]["detail"][field] = value
    return payload


def test_status_change_event_becomes_the_failed_execution() -> None:
    payload = status_change(
        EXECUTION, "TIMED_OUT", at("2026-03-10T15:00"), at("2026-03-10T15:05"), redrive_count=2
    )
    request = parse_event(payload, NOW)
    assert isinstance(request, FailureEvent)
    ((change),) = request.changes
    assert (change.check, change.monitor, change.timezone) == (
        "status_change",
        "nightly-etl",
        "Asia/Tokyo",
    )
    execution = request.execution
    assert change.execution == execution
    assert (execution.arn, execution.name, execution.status) == (EXECUTION, "run-1", "TIMED_OUT")
    assert (execution.start, execution.stop) == (at("2026-03-10T15:00"), at("2026-03-10T15:05"))
    assert (execution.error, execution.redrive_count) == ("Etl.LoadFailed", 2)


def test_start_check_and_role_are_read() -> None:
    payload = event(
        ARN, "2026-03-10T17:00:00Z", check="start", role_arn="arn:aws:iam::000000000000:role/r"
    )
    payload.pop("notify_on_success")
    request = parse_event(payload, NOW)
    assert (request.check, request.role_arn) == ("start", "arn:aws:iam::000000000000:role/r")


def test_scheduled_time_is_the_deadline_even_when_the_check_runs_late() -> None:
    request = parse_event(event(ARN, "2026-03-10T17:00:00Z", attempt_number="3"), NOW)
    assert request.deadline == at("2026-03-10T17:00")
    assert not request.deadline_from_invocation_time
    assert request.lookback == timedelta(minutes=180)
    assert request.attempt_number == 3
    assert request.timezone == "Asia/Tokyo"


@pytest.mark.parametrize("scheduled", ["<aws.scheduler.scheduled-time>", "", None])
def test_unsubstituted_scheduled_time_falls_back_to_now(scheduled: str | None) -> None:
    payload = event(ARN, "2026-03-10T17:00:00Z", scheduled_time=scheduled)
    request = parse_event(payload, NOW)
    assert request.deadline == NOW
    assert request.deadline_from_invocation_time


def test_placeholders_are_not_taken_for_ids() -> None:
    payload = event(
        ARN,
        "2026-03-10T17:00:00Z",
        scheduler_execution_id="<aws.scheduler.execution-id>",
        attempt_number="<aws.scheduler.attempt-number>",
    )
    request = parse_event(payload, NOW)
    assert request.scheduler_execution_id is None
    assert request.attempt_number is None


def test_defaults_apply_to_optional_fields() -> None:
    payload = {
        "version": 1,
        "monitor": "m",
        "state_machine_arn": ARN,
        "lookback_minutes": 60,
    }
    request = parse_event(payload, NOW)
    assert (request.timezone, request.notify_on_success, request.message_format) == (
        "UTC",
        False,
        "text",
    )


@pytest.mark.parametrize(
    "arn",
    [
        ARN,
        f"{ARN}:7",
        f"{ARN}:prod",
        "arn:aws-us-gov:states:us-gov-west-1:000000000000:stateMachine:x",
    ],
)
def test_accepted_state_machine_arns(arn: str) -> None:
    assert parse_event(event(arn, "2026-03-10T17:00:00Z"), NOW).state_machine_arn == arn


def test_base_arn_drops_version_or_alias() -> None:
    assert base_state_machine_arn(f"{ARN}:prod") == ARN
    assert base_state_machine_arn(ARN) == ARN


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (["not", "an", "object"], "must be a JSON object"),
        ({"monitor": "m"}, "lacks required field(s): lookback_minutes, state_machine_arn, version"),
        ({"check": "status_change", "version": 1}, "lacks required field(s): event, monitors"),
        (
            event(ARN, "2026-03-10T17:00:00Z", extra=1),
            "unknown field(s) for a deadline check: extra",
        ),
        (event(ARN, "2026-03-10T17:00:00Z", version=2), "version 2 is not supported"),
        (event(ARN, "2026-03-10T17:00:00Z", monitor=""), "monitor '' is not a monitor name"),
        (
            event(ARN, "2026-03-10T17:00:00Z", monitor="etl/nightly"),
            "'etl/nightly' is not a monitor",
        ),
        (event(ARN, "2026-03-10T17:00:00Z", monitor="x" * 65), "is not a monitor name: 1 to 64"),
        (
            event(ARN, "2026-03-10T17:00:00Z", timezone="Mars/Olympus"),
            "'Mars/Olympus' is not an IANA",
        ),
        (event(ARN, "2026-03-10T17:00:00Z", timezone=9), "timezone 9 is not an IANA"),
        (
            event("arn:aws:lambda:us-east-1:000000000000:function:f", "2026-03-10T17:00:00Z"),
            "is not a state machine ARN",
        ),
        (event(ARN, "2026-03-10T17:00:00Z", lookback_minutes=0), "whole number from 1 to 44640"),
        (event(ARN, "2026-03-10T17:00:00Z", lookback_minutes="60"), "whole number from 1 to 44640"),
        (event(ARN, "2026-03-10T17:00:00Z", lookback_minutes=True), "whole number from 1 to 44640"),
        (event(ARN, "2026-03-10T17:00:00Z", lookback_minutes=10**12), "whole number from 1 to"),
        (event(ARN, "2026-03-10T17:00:00Z", version=True), "version True is not supported"),
        (event(ARN, "2026-03-10T17:00:00Z", version=1.0), "version 1.0 is not supported"),
        (event(ARN, "2026-03-10T17:00:00Z", notify_on_success="yes"), "true or false"),
        (event(ARN, "2026-03-10T17:00:00Z", message_format="xml"), "not one of text, json"),
        (event(ARN, "2026-03-10T17:00:00Z", timezone=""), "IANA time zone"),
        (event(ARN, "yesterday at two"), "is not an ISO 8601 time"),
        (event(ARN, "2026-03-10T17:00:00"), "has no UTC offset"),
        (event(ARN, "2026-03-10T18:00:00Z"), "lies in the future"),
        (event(ARN, "2026-03-10T17:00:00Z", scheduled_time=1700000000), "ISO 8601 string"),
        (event(ARN, "2026-03-10T17:00:00Z", check="hourly"), "not one of deadline, start"),
        (event(ARN, "2026-03-10T17:00:00Z", check="start"), "for a start check: notify_on"),
        (event(ARN, "2026-03-10T17:00:00Z", role_arn="arn:aws:iam::1:role/x"), "not an IAM role"),
        (event(ARN, "2026-03-10T17:00:00Z", schedule_expression=5), "must be a string"),
        (
            event(ARN, "2026-03-10T17:00:00Z", schedule_expression="cron(0 2 * * *)"),
            "schedule_expression: .* expected 6 fields",
        ),
        (changed(ARN, event="not an event"), "an EventBridge event with a detail object"),
        (changed(ARN, source="aws.ec2"), "from aws.states"),
        (changed(ARN, startDate="2026-03-10T15:00:00Z"), "startDate must be epoch milliseconds"),
        (changed(ARN, executionArn=None), "detail lacks executionArn"),
        (changed(ARN, status="RUNNING"), "is not a failure"),
        (changed(ARN, stateMachineArn=ARN + "-other"), "the rule routed it wrongly"),
        ({**changed(ARN), "lookback_minutes": 60}, "for a status_change check: lookback_minutes"),
        ({**changed(ARN), "monitors": []}, "non-empty list of monitor settings"),
        ({**changed(ARN), "monitors": [{"monitor": "x"}]}, "settings lack state_machine_arn"),
        (
            {**changed(ARN), "monitors": [{"monitor": "x", "state_machine_arn": ARN, "y": 1}]},
            "settings have unknown field(s): y",
        ),
    ],
)
def test_malformed_events_are_rejected_with_a_clear_message(payload: object, message: str) -> None:
    with pytest.raises(InvalidEventError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_event(payload, NOW)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"fraction_of_median": 0.1}, MinDuration(fraction_of_median=0.1)),
        ({"seconds": 60}, MinDuration(seconds=60)),
        ({"seconds": 1}, MinDuration(seconds=1)),
        ({"seconds": 31_536_000}, MinDuration(seconds=31_536_000)),
        (None, None),
    ],
)
def test_a_deadline_check_reads_its_min_duration(
    given: dict[str, float] | None, expected: MinDuration | None
) -> None:
    request = parse_event(event(ARN, "2026-03-10T17:00:00Z", min_duration=given), NOW)
    assert isinstance(request, CheckRequest)
    assert request.min_duration == expected


@pytest.mark.parametrize(
    "given",
    [
        {},
        {"fraction_of_median": 0.1, "seconds": 60},
        {"fraction_of_median": 1},
        {"fraction_of_median": 0},
        {"fraction_of_median": -0.1},
        {"fraction_of_median": "0.1"},
        {"fraction_of_median": True},
        {"fraction_of_median": float("nan")},
        {"seconds": 0},
        {"seconds": 1.5},
        {"seconds": 60.0},
        {"seconds": True},
        {"seconds": 31_536_001},
        {"fraction": 0.1},
        [0.1],
        0.1,
    ],
)
def test_a_malformed_min_duration_is_an_error_that_names_it(given: object) -> None:
    with pytest.raises(InvalidEventError, match=r"^min_duration .* must be an object with exactly"):
        parse_event(event(ARN, "2026-03-10T17:00:00Z", min_duration=given), NOW)


def test_a_malformed_min_duration_is_quoted_with_the_fix() -> None:
    with pytest.raises(InvalidEventError) as raised:
        parse_event(event(ARN, "2026-03-10T17:00:00Z", min_duration={"seconds": 0}), NOW)
    assert str(raised.value) == (
        "min_duration {'seconds': 0} must be an object with exactly one of fraction_of_median "
        "(a number between 0 and 1, such as 0.1) and seconds (a whole number from 1 to "
        "31536000)"
    )


@pytest.mark.parametrize(
    "check", [{"check": "start"}, {"check": "at_risk", "deadline_expression": "cron(0 2 * * ? *)"}]
)
def test_only_a_deadline_check_takes_min_duration(check: dict[str, str]) -> None:
    payload = event(ARN, "2026-03-10T17:00:00Z", min_duration={"seconds": 60}, **check)
    del payload["notify_on_success"]
    with pytest.raises(InvalidEventError, match=r"unknown field.*: min_duration"):
        parse_event(payload, NOW)


def test_small_clock_skew_is_tolerated() -> None:
    request = parse_event(event(ARN, "2026-03-10T17:24:00Z"), NOW)
    assert request.deadline == at("2026-03-10T17:24")


@pytest.mark.parametrize(
    ("payload", "name"),
    [
        ({"monitor": "etl"}, "etl"),
        ({"monitor": 3}, "unknown-monitor"),
        ("x", "unknown-monitor"),
        ({"monitors": [{"monitor": "a"}, {"monitor": "b"}, "c"]}, "a,b"),
    ],
)
def test_monitor_name_for_alerts_about_bad_events(payload: object, name: str) -> None:
    assert monitor_name_of(payload) == name


@pytest.mark.parametrize(
    ("payload", "message_format"),
    [
        ({"message_format": "chat"}, "chat"),
        ({"monitors": [{"message_format": "json"}, {"message_format": "json"}]}, "json"),
        ({"monitors": [{"message_format": "json"}, {}]}, "text"),
        ({"message_format": "xml"}, "text"),
    ],
)
def test_message_format_for_alerts_about_bad_events(payload: object, message_format: str) -> None:
    assert message_format_of(payload) == message_format


def rule_input(*monitor_arns: str, **detail: object) -> dict:
    """A failure rule's input for monitors of these ARNs, about a run of ARN."""
    payload = changed(ARN, **detail)
    payload["monitors"] = [
        {"monitor": f"m{n}", "state_machine_arn": arn} for n, arn in enumerate(monitor_arns)
    ]
    return payload


@pytest.mark.parametrize(
    ("detail", "heard_by"),
    [
        ({}, ["m0"]),
        ({"stateMachineAliasArn": ARN + ":prod"}, ["m0", "m1"]),
        ({"stateMachineVersionArn": ARN + ":3"}, ["m0", "m2"]),
        ({"stateMachineAliasArn": ARN + ":test"}, ["m0"]),
    ],
)
def test_a_failure_reaches_the_monitors_of_its_state_machine_version_or_alias(
    detail: dict, heard_by: list[str]
) -> None:
    """A monitor of the state machine hears every run; one of a version or alias only the
    runs started through it, as the event names them."""
    request = parse_event(rule_input(ARN, ARN + ":prod", ARN + ":3", **detail), NOW)
    assert isinstance(request, FailureEvent)
    assert [change.monitor for change in request.changes] == heard_by


def test_a_run_of_an_alias_nobody_watches_concerns_no_monitor() -> None:
    request = parse_event(rule_input(ARN + ":prod", stateMachineAliasArn=ARN + ":test"), NOW)
    assert isinstance(request, FailureEvent)
    assert request.changes == ()


@pytest.mark.parametrize(
    ("expression", "timezone", "deadlines"),
    [
        # Daily at 02:00 in Tokyo: the windows of the days before, 3 hours each.
        ("cron(0 2 * * ? *)", "Asia/Tokyo", ["2026-03-09T17:00", "2026-03-08T17:00"]),
        # A rate counts back from the deadline it fired at.
        ("rate(6 hours)", "UTC", ["2026-03-10T11:00", "2026-03-10T05:00"]),
        # Weekdays only: Friday's window comes before Monday's.
        ("cron(0 17 ? * MON-FRI *)", "UTC", ["2026-03-09T17:00", "2026-03-06T17:00"]),
    ],
)
def test_earlier_windows_follow_the_schedule(
    expression: str, timezone: str, deadlines: list[str]
) -> None:
    request = parse_event(
        event(ARN, "2026-03-10T17:00:00Z", schedule_expression=expression, timezone=timezone), NOW
    )
    assert isinstance(request, CheckRequest)
    windows = request.earlier_windows(2)
    assert [w.deadline for w in windows] == [at(d) for d in deadlines]
    assert all(w.deadline - w.start == timedelta(hours=3) for w in windows)


def test_a_one_time_schedule_or_none_has_no_earlier_windows() -> None:
    for extra in ({"schedule_expression": "at(2026-03-11T02:00:00)"}, {}):
        request = parse_event(event(ARN, "2026-03-10T17:00:00Z", **extra), NOW)
        assert isinstance(request, CheckRequest)
        assert request.earlier_windows(7) == ()
