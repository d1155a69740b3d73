"""The alert's wording: subject limits, both formats, console links per partition."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from sfn_deadline_monitor.alerts.chat import MAX_CHAT_DESCRIPTION_CHARS
from sfn_deadline_monitor.alerts.message import compose
from sfn_deadline_monitor.alerts.report import MAX_LISTED_EXECUTIONS
from sfn_deadline_monitor.check.context import CheckContext
from sfn_deadline_monitor.check.verdict import Execution, Finding, Status, Verdict, Window, judge
from sfn_deadline_monitor.formatting import console_url, format_duration
from testkit.events import at

SM = "arn:aws:states:us-east-1:000000000000:stateMachine:nightly-etl"
WINDOW = Window.ending_at(at("2026-03-10T17:00"), timedelta(hours=3))


def context(monitor: str = "nightly-etl", timezone: str = "Asia/Tokyo") -> CheckContext:
    return CheckContext(
        monitor=monitor,
        state_machine_arn=SM,
        window=WINDOW,
        timezone=timezone,
        checked_at=at("2026-03-10T17:00:02"),
        scheduler_execution_id="abc",
        attempt_number=1,
    )


def failed_run(name: str = "run-1") -> Execution:
    return Execution(
        arn=f"arn:aws:states:us-east-1:000000000000:execution:nightly-etl:{name}",
        name=name,
        status="FAILED",
        start=at("2026-03-10T15:00"),
        stop=at("2026-03-10T15:12:37"),
        redrive_count=1,
        error="States.TaskFailed",
        cause="Load step: table locked",
    )


@pytest.mark.parametrize(
    ("verdict", "subject"),
    [
        (
            judge([failed_run()], WINDOW),
            "[FAILED] nightly-etl: 1 of 1 run(s) failed, deadline 2026-03-11 02:00 JST",
        ),
        (
            judge([], WINDOW),
            "[MISSING] nightly-etl: no run started in the 3h before 2026-03-11 02:00 JST",
        ),
        (
            Verdict(Status.ERROR, reason="boom"),
            "[ERROR] nightly-etl: check could not be made: boom",
        ),
    ],
)
def test_subject_starts_with_status_and_monitor(verdict: Verdict, subject: str) -> None:
    assert compose(context(), verdict).subject == subject


def test_subject_is_clipped_below_the_sns_limit() -> None:
    alert = compose(context(monitor="m" * 64), Verdict(Status.ERROR, reason="x " * 200))
    assert len(alert.subject) == 99
    assert alert.subject.startswith("[ERROR] " + "m" * 64)
    assert alert.subject.endswith("...")
    assert "\n" not in alert.subject


def test_text_message_has_what_on_call_needs() -> None:
    body = compose(context(), judge([failed_run()], WINDOW)).body
    for expected in [
        "Monitor:        nightly-etl",
        f"State machine:  {SM}",
        "2026-03-10 23:00:00 JST (2026-03-10 14:00:00 UTC)",  # window start, both zones
        "2026-03-11 02:00:00 JST (2026-03-10 17:00:00 UTC)",  # deadline, both zones
        "1. FAILED  run-1  (FAILED)",
        "Duration: 12m 37s",
        "Error:    States.TaskFailed",
        "Cause:    Load step: table locked",
        "Redrives: 1",
        "https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1"
        "#/v2/executions/details/arn:aws:states:us-east-1:000000000000:execution:nightly-etl:run-1",
        "In the window:  1 execution(s): 1 FAILED",
        "redrive-execution",
    ]:
        assert expected in body


def test_json_message_carries_the_same_facts() -> None:
    alert = compose(context(), judge([failed_run()], WINDOW), "json")
    report = json.loads(alert.body)
    assert report["status"] == "FAILED"
    assert report["monitor"] == "nightly-etl"
    assert report["window"] == {
        "start": "2026-03-10T14:00:00Z",
        "deadline": "2026-03-10T17:00:00Z",
        "timezone": "Asia/Tokyo",
    }
    (entry,) = report["executions"]
    assert entry["duration_seconds"] == 757
    assert entry["error"] == "States.TaskFailed"
    assert entry["redrive_count"] == 1
    assert entry["console_url"].startswith("https://us-east-1.console.aws.amazon.com/")
    expected = {"status": "FAILED", "monitor": "nightly-etl", "severity": "critical"}
    assert alert.attributes == expected


def test_list_is_capped_and_says_how_many_more() -> None:
    runs = [failed_run(f"run-{n}") for n in range(MAX_LISTED_EXECUTIONS + 4)]
    alert = compose(context(), judge(runs, WINDOW))
    assert f"{MAX_LISTED_EXECUTIONS}. FAILED" in alert.body
    assert f"{MAX_LISTED_EXECUTIONS + 1}. FAILED" not in alert.body
    assert "... and 4 more not listed." in alert.body


def test_failures_are_listed_before_late_runs() -> None:
    late = Execution(
        arn=f"{SM.replace('stateMachine', 'execution')}:slow",
        name="slow",
        status="RUNNING",
        start=at("2026-03-10T16:00"),
    )
    report = json.loads(compose(context(), judge([late, failed_run()], WINDOW), "json").body)
    assert [e["name"] for e in report["executions"]] == ["run-1", "slow"]
    assert report["executions"][1]["still_running"] is True


def test_unknown_time_zone_falls_back_to_utc_and_says_so() -> None:
    body = compose(context(timezone="Mars/Olympus"), judge([], WINDOW)).body
    assert "UTC (time zone 'Mars/Olympus' is unknown to this runtime)" in body


@pytest.mark.parametrize(
    ("arn", "prefix"),
    [
        ("arn:aws:states:eu-west-1:000000000000:execution:a:b", "https://eu-west-1.console.aws"),
        ("arn:aws-cn:states:cn-north-1:000000000000:execution:a:b", "https://console.amazonaws.cn"),
        (
            "arn:aws-us-gov:states:us-gov-west-1:000000000000:stateMachine:a",
            "https://console.amazonaws-us-gov.com/states/home?region=us-gov-west-1#/statemachines",
        ),
    ],
)
def test_console_url_is_partition_aware(arn: str, prefix: str) -> None:
    assert console_url(arn).startswith(prefix)


def test_console_url_is_absent_for_partitions_without_a_public_console() -> None:
    assert console_url("arn:aws-iso:states:us-iso-east-1:000000000000:execution:a:b") is None


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0s"), (59, "59s"), (61, "1m 01s"), (7510, "2h 05m 10s")]
)
def test_format_duration(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text


def test_success_notice_counts_what_it_does_not_list() -> None:
    runs = [
        Execution(
            arn=f"{SM.replace('stateMachine', 'execution')}:ok-{n}",
            name=f"ok-{n}",
            status="SUCCEEDED",
            start=at("2026-03-10T15:00") + timedelta(minutes=n),
            stop=at("2026-03-10T16:00"),
        )
        for n in range(MAX_LISTED_EXECUTIONS + 5)
    ]
    alert = compose(context(), judge(runs, WINDOW), "json")
    report = json.loads(alert.body)
    assert report["status"] == "OK"
    assert len(report["executions"]) == MAX_LISTED_EXECUTIONS
    assert report["executions_not_listed"] == 5
    assert "... and 5 more" in compose(context(), judge(runs, WINDOW)).body
    assert "more not listed" not in compose(context(), judge(runs[:1], WINDOW)).body


def test_subject_is_printable_ascii_for_sns() -> None:
    alert = compose(context(monitor="夜間-etl"), Verdict(Status.ERROR, reason="bad\tvalue\n"))
    assert alert.subject.isascii()
    assert alert.subject.isprintable()
    assert alert.subject.startswith("[ERROR] ??-etl: check could not be made: bad value")
    assert alert.attributes["monitor"] == "夜間-etl"  # attributes carry the name as it is


def test_subject_holds_no_double_quote_nor_backslash_for_input_transformers() -> None:
    reason = 'key "date" missing in C:\\input'
    alert = compose(context(), Verdict(Status.ERROR, reason=reason))
    assert alert.subject.endswith("check could not be made: key 'date' missing in C:/input")
    assert json.loads(f'{{"summary": "{alert.subject}"}}')["summary"] == alert.subject


def test_subject_drops_control_characters_that_are_not_white_space() -> None:
    """SNS refuses a subject with control characters; str.split() keeps \x00-\x08 and
    \x7f, which an error message from a job could carry."""
    reason = "bell\x07 nul\x00 del\x7f esc\x1b[31m"
    alert = compose(context(), Verdict(Status.ERROR, reason=reason))
    assert all(" " <= c <= "~" for c in alert.subject), repr(alert.subject)
    assert alert.subject.endswith("bell nul del esc [31m")


def test_chat_message_follows_the_chatbot_custom_notification_schema() -> None:
    alert = compose(context(), judge([failed_run()], WINDOW), "chat")
    notice = json.loads(alert.body)
    # Required by AWS Chatbot: version 1.0, source custom; content.description is the body.
    assert notice["version"] == "1.0"
    assert notice["source"] == "custom"
    content = notice["content"]
    assert content["textType"] == "client-markdown"
    assert content["title"].startswith(":red_circle: [FAILED] nightly-etl:")
    assert "*run-1* FAILED, started 2026-03-11 00:00 JST" in content["description"]
    assert "`States.TaskFailed` Load step: table locked" in content["description"]
    assert "redrive-execution" in content["nextSteps"][0]
    assert content["keywords"] == ["FAILED", "nightly-etl", "deadline"]
    metadata = notice["metadata"]
    assert metadata["threadId"] == "sfn-deadline-monitor/nightly-etl"
    assert metadata["eventType"] == "FAILED"
    assert metadata["relatedResources"] == [SM, failed_run().arn]
    assert metadata["additionalContext"]["timezone"] == "Asia/Tokyo"
    expected = {"status": "FAILED", "monitor": "nightly-etl", "severity": "critical"}
    assert alert.attributes == expected


def test_chat_description_stays_within_its_limit() -> None:
    runs = [
        Execution(**{**failed_run(f"run-{n}").__dict__, "cause": "x" * 1000}) for n in range(10)
    ]
    notice = json.loads(compose(context(), judge(runs, WINDOW), "chat").body)
    description = notice["content"]["description"]
    assert len(description) <= MAX_CHAT_DESCRIPTION_CHARS
    assert description.endswith("... (truncated)")


def test_recovered_notice_says_what_it_follows_and_how_those_runs_are_now() -> None:
    succeeded = Execution(
        arn=f"{SM.replace('stateMachine', 'execution')}:today",
        name="today",
        status="SUCCEEDED",
        start=at("2026-03-10T15:00"),
        stop=at("2026-03-10T15:30"),
    )
    redriven = Execution(**{**failed_run().__dict__, "status": "SUCCEEDED", "error": None})
    recovered = Verdict(Status.RECOVERED, judge([succeeded], WINDOW).findings)
    notice = CheckContext(
        **{
            **context().__dict__,
            "previous_status": Status.FAILED,
            "previous_as_of": at("2026-03-09T17:00"),
            "earlier_problems": (redriven,),
        }
    )
    alert = compose(notice, recovered)
    assert alert.subject == (
        "[RECOVERED] nightly-etl: 1 run(s) succeeded by 2026-03-11 02:00 JST, after FAILED"
    )
    assert alert.attributes["status"] == "RECOVERED"
    assert "Previously:     FAILED, as of 2026-03-10 02:00:00 JST" in alert.body
    assert "Those runs now:\n1. SUCCEEDED  run-1\n" in alert.body
    assert "Redrives: 1" in alert.body
    assert "No action needed" in alert.body
    assert "were redriven or are no longer needed" in alert.body
    report = json.loads(compose(notice, recovered, "json").body)
    assert report["previous"]["status"] == "FAILED"
    assert report["previous"]["executions"][0]["status"] == "SUCCEEDED"


def test_start_check_says_there_is_still_time() -> None:
    start = CheckContext(**{**context().__dict__, "check": "start"})
    alert = compose(start, judge([], WINDOW))
    assert alert.subject.startswith("[MISSING] nightly-etl: no run started in the 3h before")
    assert "Check:          start check" in alert.body
    assert "there is still time before the deadline" in alert.body
    assert json.loads(compose(start, judge([], WINDOW), "json").body)["check"]["kind"] == "start"


def test_status_change_alert_names_the_run_and_when_it_failed() -> None:
    changed = CheckContext(**{**context().__dict__, "window": None, "check": "status_change"})
    run = Execution(**{**failed_run().__dict__, "status": "TIMED_OUT"})
    alert = compose(changed, Verdict(Status.FAILED, (Finding(run, Status.FAILED),)))
    assert alert.subject == "[FAILED] nightly-etl: run run-1 TIMED_OUT at 2026-03-11 00:12 JST"
    assert "Window:" not in alert.body
    assert "In the window" not in alert.body
    assert "failure event from Step Functions" in alert.body
    assert "The deadline check still follows" in alert.body
