"""What each deadline check's verdict keeps as its deadline's outcome, and the metrics it
writes for it: pure functions, table-tested."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sfn_deadline_monitor.check.context import CheckContext
from sfn_deadline_monitor.check.contract import AT_RISK, DEADLINE, START
from sfn_deadline_monitor.check.verdict import Execution, Finding, Status, Verdict, Window
from sfn_deadline_monitor.metrics import DEADLINE_MET, MARGIN_SECONDS, metrics_document
from sfn_deadline_monitor.state.outcomes import (
    FAILED,
    LATE,
    MET,
    MISSING,
    SKIPPED,
    TOO_FAST,
    UNKNOWN,
    Outcome,
    deadline_outcome,
)
from testkit.events import at

# 02:00 in Tokyo on 2026-03-11 is 17:00 UTC on 2026-03-10.
DEADLINE_AT = at("2026-03-10T17:00")
CHECKED = DEADLINE_AT + timedelta(minutes=2)
START_AT = at("2026-03-10T15:00")


def context(check: str = DEADLINE, *, by_hand: bool = False) -> CheckContext:
    return CheckContext(
        monitor="nightly-etl",
        state_machine_arn="arn:aws:states:us-east-1:123456789012:stateMachine:etl",
        window=Window.ending_at(DEADLINE_AT, timedelta(hours=3)),
        timezone="Asia/Tokyo",
        checked_at=CHECKED,
        check=check,
        deadline_from_invocation_time=by_hand,
    )


def run(status: str, stop: timedelta | None, name: str = "run-1") -> Execution:
    return Execution(
        f"arn:aws:states:us-east-1:123456789012:execution:etl:{name}",
        name,
        status,
        START_AT,
        None if stop is None else START_AT + stop,
    )


def verdict(status: Status, *findings: tuple[Execution, Status]) -> Verdict:
    return Verdict(status, tuple(Finding(e, s) for e, s in findings))


HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("judged", "outcome", "margin", "run_end"),
    [
        # Ended at 16:00: an hour ahead.
        (verdict(Status.OK, (run("SUCCEEDED", HOUR), Status.OK)), MET, HOUR, True),
        (verdict(Status.RECOVERED, (run("SUCCEEDED", HOUR), Status.OK)), MET, HOUR, True),
        # Ended at 17:30: half an hour past.
        (
            verdict(Status.LATE, (run("SUCCEEDED", 2.5 * HOUR), Status.LATE)),
            LATE,
            -0.5 * HOUR,
            True,
        ),
        # Still going at the check, 2 minutes after the deadline: at least that late.
        (
            verdict(Status.LATE, (run("RUNNING", None), Status.LATE)),
            LATE,
            DEADLINE_AT - CHECKED,
            False,
        ),
        # A failed run's margin says nothing of the deadline.
        (verdict(Status.FAILED, (run("FAILED", HOUR), Status.FAILED)), FAILED, None, True),
        (
            verdict(Status.TOO_FAST, (run("SUCCEEDED", timedelta(seconds=4)), Status.TOO_FAST)),
            TOO_FAST,
            2 * HOUR - timedelta(seconds=4),
            True,
        ),
    ],
)
def test_a_run_decides_the_outcome_and_its_margin(
    judged: Verdict, outcome: str, margin: timedelta | None, run_end: bool
) -> None:
    kept = deadline_outcome(context(), judged)
    assert kept is not None
    assert (kept.outcome, kept.margin, kept.run_name, kept.run_start) == (
        outcome,
        margin,
        "run-1",
        START_AT,
    )
    assert (kept.run_end is not None) is run_end
    assert (kept.day, kept.deadline, kept.checked_at) == ("2026-03-11", DEADLINE_AT, CHECKED)


def test_the_run_that_decided_is_the_one_with_the_verdicts_status() -> None:
    """Two runs, one ok and one late: the late one decides a LATE deadline."""
    ok, late = run("SUCCEEDED", HOUR, "early"), run("SUCCEEDED", 3 * HOUR, "late")
    kept = deadline_outcome(context(), verdict(Status.LATE, (ok, Status.OK), (late, Status.LATE)))
    assert kept is not None and kept.run_name == "late"


def test_no_run_and_no_judgement_keep_no_run() -> None:
    missing = deadline_outcome(context(), verdict(Status.MISSING))
    error = deadline_outcome(context(), Verdict(Status.ERROR, reason="AccessDenied"))
    assert missing == Outcome("nightly-etl", DEADLINE_AT, "2026-03-11", MISSING, CHECKED)
    assert error is not None and (error.outcome, error.run_name) == (UNKNOWN, None)


def test_a_day_off_without_a_run_is_a_skipped_deadline_on_its_local_date() -> None:
    skipped = deadline_outcome(context(), verdict(Status.SKIPPED))
    assert skipped == Outcome("nightly-etl", DEADLINE_AT, "2026-03-11", SKIPPED, CHECKED)
    assert deadline_outcome(context(START), verdict(Status.SKIPPED)) is None


@pytest.mark.parametrize("check", [START, AT_RISK, "status_change"])
def test_only_a_deadline_check_keeps_an_outcome(check: str) -> None:
    assert deadline_outcome(context(check), verdict(Status.MISSING)) is None


def test_a_deadline_taken_from_the_invocation_time_is_no_deadline() -> None:
    """Invoked by hand, without a scheduled time: its "deadline" is whenever it ran."""
    assert deadline_outcome(context(by_hand=True), verdict(Status.MISSING)) is None


@pytest.mark.parametrize(
    ("outcome", "margin", "written"),
    [
        (MET, HOUR, {DEADLINE_MET: 1, MARGIN_SECONDS: 3600}),
        (LATE, -0.5 * HOUR, {DEADLINE_MET: 0, MARGIN_SECONDS: -1800}),
        (MISSING, None, {DEADLINE_MET: 0}),
        (TOO_FAST, HOUR, {DEADLINE_MET: 0, MARGIN_SECONDS: 3600}),
        (UNKNOWN, None, {}),
        (SKIPPED, None, {}),
    ],
)
def test_a_deadlines_metrics(
    outcome: str, margin: timedelta | None, written: dict[str, int]
) -> None:
    kept = Outcome("nightly-etl", DEADLINE_AT, "2026-03-11", outcome, CHECKED, margin=margin)
    document = metrics_document("nightly-etl", Status.OK, CHECKED, alert_sent=False, outcome=kept)
    (directive,) = document["_aws"]["CloudWatchMetrics"]
    declared = {m["Name"]: m["Unit"] for m in directive["Metrics"]}
    assert {k: document[k] for k in (DEADLINE_MET, MARGIN_SECONDS) if k in document} == written
    assert {k: declared[k] for k in written} == {
        k: "Seconds" if k == MARGIN_SECONDS else "Count" for k in written
    }
    # Declared exactly when written: EMF reads a declared metric from the line.
    assert set(declared) == {s.value for s in Status} | {"AlertsSent"} | set(written)
