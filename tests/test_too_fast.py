"""Too fast is also wrong (check/too_fast.py): which OK windows become TOO_FAST, judged by
the job's own recent successful runs or by a bound in seconds, and what the alert says.
Pure: no AWS, no emulator."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from sfn_deadline_monitor.alerts.message import compose
from sfn_deadline_monitor.check.context import CheckContext
from sfn_deadline_monitor.check.history import History, Pace
from sfn_deadline_monitor.check.too_fast import (
    MinDuration,
    judge_duration,
    needs_more_runs,
    reported_shortfall,
)
from sfn_deadline_monitor.check.verdict import Execution, Finding, Status, Verdict, Window, judge
from testkit.events import at

SM = "arn:aws:states:us-east-1:000000000000:stateMachine:nightly-etl"
DEADLINE = at("2026-03-10T17:00")
WINDOW = Window.ending_at(DEADLINE, timedelta(hours=3))  # 14:00 to 17:00 UTC
TENTH = MinDuration(fraction_of_median=0.1)
MINUTE = MinDuration(seconds=60)


def run(name: str, start: datetime, took: timedelta | None, status: str = "SUCCEEDED") -> Execution:
    return Execution(
        arn=f"arn:aws:states:us-east-1:000000000000:execution:nightly-etl:{name}",
        name=name,
        status=status,
        start=start,
        stop=None if took is None else start + took,
    )


def history(days: int) -> History:
    """``days`` successful nightly runs before the window, 38 to 42 minutes each (median
    40 minutes), newest first."""
    return History(
        tuple(
            run(f"day-{day}", at("2026-03-10T15:00") - timedelta(days=day), usual(day))
            for day in range(1, days + 1)
        ),
        complete=True,
    )


def usual(day: int) -> timedelta:
    return timedelta(minutes=38 + day % 5)


def tonight(duration: timedelta) -> Execution:
    return run("tonight", at("2026-03-10T15:00"), duration)


def judged(
    runs: list[Execution], min_duration: MinDuration | None, before: History
) -> tuple[Status, tuple[Status, ...]]:
    verdict = judge_duration(judge(runs, WINDOW), min_duration, before)
    return verdict.status, tuple(f.status for f in verdict.findings)


@pytest.mark.parametrize(
    ("took", "min_duration", "days", "expected"),
    [
        pytest.param(timedelta(minutes=1), TENTH, 4, Status.OK, id="4 successes: no judgement"),
        pytest.param(timedelta(minutes=1), TENTH, 5, Status.TOO_FAST, id="exactly 5: judged"),
        pytest.param(timedelta(minutes=39), TENTH, 20, Status.OK, id="a normal run"),
        pytest.param(timedelta(minutes=3), TENTH, 20, Status.TOO_FAST, id="under a tenth"),
        pytest.param(timedelta(minutes=4), TENTH, 20, Status.OK, id="exactly a tenth"),
        pytest.param(timedelta(seconds=30), MINUTE, 0, Status.TOO_FAST, id="seconds: no history"),
        pytest.param(timedelta(seconds=60), MINUTE, 0, Status.OK, id="seconds: exactly"),
        pytest.param(timedelta(minutes=2), MINUTE, 20, Status.OK, id="seconds: longer"),
        pytest.param(timedelta(seconds=1), None, 20, Status.OK, id="no min_duration"),
    ],
)
def test_a_successful_run_is_too_fast_under_its_bound(
    took: timedelta, min_duration: MinDuration | None, days: int, expected: Status
) -> None:
    status, findings = judged([tonight(took)], min_duration, history(days))
    assert (status, findings) == (expected, (expected,))


@pytest.mark.parametrize(
    ("runs", "expected"),
    [
        pytest.param(
            [tonight(timedelta(seconds=5)), run("failed", at("2026-03-10T14:10"), None, "FAILED")],
            Status.FAILED,
            id="failed",
        ),
        pytest.param(
            [run("going", at("2026-03-10T16:00"), None, "RUNNING"), tonight(timedelta(seconds=5))],
            Status.LATE,
            id="late",
        ),
        pytest.param([], Status.MISSING, id="missing"),
    ],
)
def test_a_window_that_is_not_ok_is_never_too_fast(runs: list[Execution], expected: Status) -> None:
    status, findings = judged(runs, TENTH, history(20))
    assert status is expected
    assert Status.TOO_FAST not in findings


def test_the_newest_run_decides_and_only_it_is_too_fast() -> None:
    short = run("retry", at("2026-03-10T16:00"), timedelta(seconds=20))
    normal = run("first", at("2026-03-10T14:05"), timedelta(minutes=40))
    assert judged([short, normal], TENTH, history(20)) == (
        Status.TOO_FAST,
        (Status.TOO_FAST, Status.OK),
    )
    late_normal = run("rerun", at("2026-03-10T16:00"), timedelta(minutes=40))
    early_short = run("empty", at("2026-03-10T14:05"), timedelta(seconds=20))
    assert judged([late_normal, early_short], TENTH, history(20))[0] is Status.OK


def test_the_median_is_of_the_newest_20_successful_runs() -> None:
    assert Pace.of(history(5)) == Pace(
        5,
        timedelta(minutes=38),
        timedelta(minutes=42),
        timedelta(minutes=42),
        median=timedelta(minutes=40),
    )
    even = Pace.of(history(6))  # 38, 39, 39, 40, 41 and 42 minutes
    assert even is not None and even.median == timedelta(minutes=39, seconds=30)
    assert Pace.of(history(4)) is None


@pytest.mark.parametrize(
    ("verdict", "min_duration", "days", "needed"),
    [
        pytest.param(Status.OK, TENTH, 19, True, id="a fraction, 19 read"),
        pytest.param(Status.OK, TENTH, 20, False, id="a fraction, 20 read"),
        pytest.param(Status.OK, MINUTE, 0, False, id="seconds need no runs"),
        pytest.param(Status.OK, None, 0, False, id="no min_duration"),
        pytest.param(Status.FAILED, TENTH, 0, False, id="not OK"),
    ],
)
def test_more_runs_are_read_only_for_a_fraction_of_too_few(
    verdict: Status, min_duration: MinDuration | None, days: int, needed: bool
) -> None:
    assert needs_more_runs(Verdict(verdict), min_duration, history(days)) is needed


def context(min_duration: MinDuration, days: int) -> CheckContext:
    return CheckContext(
        monitor="nightly-etl",
        state_machine_arn=SM,
        window=WINDOW,
        timezone="Asia/Tokyo",
        checked_at=DEADLINE,
        history=history(days),
        min_duration=min_duration,
    )


def too_fast(took: timedelta) -> Verdict:
    return Verdict(Status.TOO_FAST, (Finding(tonight(took), Status.TOO_FAST),))


def test_the_alert_names_the_run_its_duration_and_the_usual_one() -> None:
    alert = compose(context(TENTH, 7), too_fast(timedelta(seconds=12)), "json")
    report = json.loads(alert.body)
    assert alert.subject == "[TOO_FAST] nightly-etl: run tonight succeeded in 12s, usually 40m 00s"
    assert (alert.attributes["status"], alert.attributes["severity"]) == ("TOO_FAST", "error")
    assert report["advice"].startswith(
        "tonight succeeded in 12s, under 10% of its usual duration (4m 00s); the median of "
        "its last 7 successful runs is 40m 00s. A run this short often did nothing: check "
        "its input"
    )
    assert [(e["name"], e["verdict"], e["duration_seconds"]) for e in report["executions"]] == [
        ("tonight", "TOO_FAST", 12)
    ]
    assert report["before_window"]["pace"]["median_seconds"] == 2400


@pytest.mark.parametrize(
    ("days", "subject", "advice"),
    [
        (
            0,
            "run tonight succeeded in 30s, under the 1m 00s minimum",
            "tonight succeeded in 30s, under the monitor's min_duration of 1m 00s. A run",
        ),
        (
            5,
            "run tonight succeeded in 30s, usually 40m 00s",
            "tonight succeeded in 30s, under the monitor's min_duration of 1m 00s; the median "
            "of its last 5 successful runs is 40m 00s. A run",
        ),
    ],
)
def test_a_bound_in_seconds_is_named_with_the_usual_duration_when_known(
    days: int, subject: str, advice: str
) -> None:
    alert = compose(context(MINUTE, days), too_fast(timedelta(seconds=30)))
    assert alert.subject == f"[TOO_FAST] nightly-etl: {subject}"
    assert f"What to do:     {advice}" in alert.body
    chat = json.loads(compose(context(MINUTE, days), too_fast(timedelta(seconds=30)), "chat").body)
    assert chat["content"]["title"] == f":zap: [TOO_FAST] nightly-etl: {subject}"
    assert chat["content"]["nextSteps"][0].startswith(advice)


def test_a_success_without_a_stop_date_is_not_judged() -> None:
    assert judged([run("tonight", at("2026-03-10T15:00"), None)], MINUTE, history(20)) == (
        Status.OK,
        (Status.OK,),
    )


def test_only_a_too_fast_run_under_a_bound_has_a_shortfall_to_report() -> None:
    """The alert's numbers come from the TOO_FAST run: none without one, or without a
    bound."""
    fast = too_fast(timedelta(seconds=12))
    assert reported_shortfall(fast, TENTH, history(7)) is not None
    assert reported_shortfall(fast, None, history(7)) is None
    ok = Verdict(Status.OK, (Finding(tonight(timedelta(seconds=12)), Status.OK),))
    assert reported_shortfall(ok, TENTH, history(7)) is None
