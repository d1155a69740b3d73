"""Table-driven tests of the pure verdict: every status, the window's edges, overlaps."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sfn_deadline_monitor.check.verdict import (
    Execution,
    Finding,
    Status,
    Verdict,
    Window,
    assess,
    follow_up,
    judge,
    judge_start,
)
from testkit.events import at

DEADLINE = at("2026-03-10T17:00")
WINDOW = Window.ending_at(DEADLINE, timedelta(hours=3))  # 14:00 to 17:00 UTC


def run(status: str, start: str, stop: str | None = None, name: str = "run") -> Execution:
    return Execution(
        arn=f"arn:aws:states:us-east-1:000000000000:execution:etl:{name}",
        name=name,
        status=status,
        start=at(start),
        stop=at(stop) if stop else None,
    )


@pytest.mark.parametrize(
    ("execution", "expected"),
    [
        (run("SUCCEEDED", "2026-03-10T15:00", "2026-03-10T16:00"), Status.OK),
        (run("SUCCEEDED", "2026-03-10T15:00", "2026-03-10T17:00"), Status.OK),  # at deadline
        (run("SUCCEEDED", "2026-03-10T15:00", "2026-03-10T17:00:01"), Status.LATE),
        (run("RUNNING", "2026-03-10T15:00"), Status.LATE),
        (run("FAILED", "2026-03-10T15:00", "2026-03-10T15:10"), Status.FAILED),
        (run("TIMED_OUT", "2026-03-10T15:00", "2026-03-10T16:00"), Status.FAILED),
        (run("ABORTED", "2026-03-10T15:00", "2026-03-10T15:05"), Status.FAILED),
        # Waiting to run again after a redrive: not finished, so late.
        (run("PENDING_REDRIVE", "2026-03-10T15:00", "2026-03-10T15:05"), Status.LATE),
        (run("SOMETHING_NEW", "2026-03-10T15:00"), Status.FAILED),  # unknown is never OK
        (run("SUCCEEDED", "2026-03-10T15:00"), Status.OK),  # no stop date reported
    ],
    ids=lambda value: getattr(value, "status", value),
)
def test_assess_one_execution(execution: Execution, expected: Status) -> None:
    assert assess(execution, DEADLINE) is expected


@pytest.mark.parametrize(
    ("executions", "expected", "in_window"),
    [
        pytest.param([], Status.MISSING, 0, id="never-ran"),
        pytest.param(
            [run("SUCCEEDED", "2026-03-09T15:00", "2026-03-09T16:00")],
            Status.MISSING,
            0,
            id="yesterdays-success-does-not-pass-today",
        ),
        pytest.param(
            [run("SUCCEEDED", "2026-03-10T13:59:59", "2026-03-10T14:30")],
            Status.MISSING,
            0,
            id="started-one-second-before-window",
        ),
        pytest.param(
            [run("SUCCEEDED", "2026-03-10T14:00", "2026-03-10T14:30")],
            Status.OK,
            1,
            id="started-at-window-start",
        ),
        pytest.param(
            [run("RUNNING", "2026-03-10T17:00")],
            Status.MISSING,
            0,
            id="started-at-deadline-belongs-to-next-window",
        ),
        pytest.param(
            [
                run("RUNNING", "2026-03-10T17:05", name="next"),
                run("SUCCEEDED", "2026-03-10T15:00", "2026-03-10T16:00", name="today"),
            ],
            Status.OK,
            1,
            id="run-after-deadline-ignored-on-late-check",
        ),
        pytest.param(
            [
                run("SUCCEEDED", "2026-03-10T16:00", "2026-03-10T16:30", name="b"),
                run("FAILED", "2026-03-10T15:00", "2026-03-10T15:10", name="a"),
            ],
            Status.FAILED,
            2,
            id="overlap-one-failed-one-succeeded",
        ),
        pytest.param(
            [
                run("RUNNING", "2026-03-10T16:00", name="b"),
                run("FAILED", "2026-03-10T15:00", "2026-03-10T15:10", name="a"),
            ],
            Status.FAILED,
            2,
            id="failed-outranks-late",
        ),
        pytest.param(
            [
                run("RUNNING", "2026-03-10T16:00", name="b"),
                run("SUCCEEDED", "2026-03-10T15:00", "2026-03-10T15:10", name="a"),
            ],
            Status.LATE,
            2,
            id="late-outranks-ok",
        ),
        pytest.param(
            [
                run("SUCCEEDED", "2026-03-10T16:00", "2026-03-10T16:10", name="b"),
                run("SUCCEEDED", "2026-03-10T15:00", "2026-03-10T15:10", name="a"),
            ],
            Status.OK,
            2,
            id="every-run-succeeded",
        ),
    ],
)
def test_judge_window(executions: list[Execution], expected: Status, in_window: int) -> None:
    verdict = judge(executions, WINDOW)
    assert verdict.status is expected
    assert len(verdict.findings) == in_window


def test_problems_are_the_findings_that_are_not_ok() -> None:
    verdict = judge(
        [
            run("RUNNING", "2026-03-10T16:00", name="late"),
            run("SUCCEEDED", "2026-03-10T15:00", "2026-03-10T15:10", name="fine"),
            run("ABORTED", "2026-03-10T14:30", "2026-03-10T14:31", name="aborted"),
        ],
        WINDOW,
    )
    assert [f.execution.name for f in verdict.problems] == ["late", "aborted"]


def test_incomplete_window_is_never_ok() -> None:
    verdict = judge(
        [run("SUCCEEDED", "2026-03-10T15:00", "2026-03-10T15:10")], WINDOW, complete=False
    )
    assert verdict.status is Status.ERROR
    assert "not read" in verdict.reason


def test_incomplete_window_keeps_a_failure() -> None:
    verdict = judge([run("FAILED", "2026-03-10T15:00", "2026-03-10T15:10")], WINDOW, complete=False)
    assert verdict.status is Status.FAILED


def test_incomplete_window_is_never_missing() -> None:
    """Pages full of runs after the deadline (a late retry on a busy machine) must not
    read as "nothing started": the run that was due may be on a page not read."""
    verdict = judge([run("RUNNING", "2026-03-10T17:30")], WINDOW, complete=False)
    assert verdict.status is Status.ERROR


def test_start_check_is_ok_once_any_run_started_whatever_its_status() -> None:
    failed = run("FAILED", "2026-03-10T15:00", "2026-03-10T15:01")
    assert judge_start([failed], WINDOW).status is Status.OK
    assert judge_start([], WINDOW).status is Status.MISSING
    before = run("SUCCEEDED", "2026-03-10T13:59", "2026-03-10T14:30")
    assert judge_start([before], WINDOW).status is Status.MISSING


def test_start_check_that_could_not_read_everything_is_an_error_not_missing() -> None:
    assert judge_start([], WINDOW, complete=False).status is Status.ERROR


@pytest.mark.parametrize(
    ("current", "previous", "reported"),
    [
        (Status.OK, None, Status.OK),
        (Status.OK, Status.OK, Status.OK),
        (Status.OK, Status.RECOVERED, Status.OK),
        (Status.OK, Status.FAILED, Status.RECOVERED),
        (Status.OK, Status.LATE, Status.RECOVERED),
        (Status.OK, Status.MISSING, Status.RECOVERED),
        (Status.OK, Status.ERROR, Status.RECOVERED),
        (Status.OK, Status.AT_RISK, Status.RECOVERED),
        (Status.OK, Status.TOO_FAST, Status.RECOVERED),
        (Status.TOO_FAST, Status.TOO_FAST, Status.TOO_FAST),
        (Status.FAILED, Status.FAILED, Status.FAILED),
        (Status.LATE, Status.OK, Status.LATE),
    ],
)
def test_ok_after_a_problem_is_reported_as_recovered(
    current: Status, previous: Status | None, reported: Status
) -> None:
    assert follow_up(current, previous) is reported


def test_a_window_ends_at_its_deadline_and_reaches_back_by_the_look_back() -> None:
    assert Window.ending_at(DEADLINE, timedelta(hours=3)) == Window(
        start=at("2026-03-10T14:00"), deadline=DEADLINE
    )


def test_an_incomplete_window_is_an_error_that_keeps_what_was_read_and_says_why() -> None:
    done = run("SUCCEEDED", "2026-03-10T15:00", "2026-03-10T15:10")
    assert judge([done], WINDOW, complete=False) == Verdict(
        Status.ERROR,
        (Finding(done, Status.OK),),
        reason="the check could not read the whole window (too many executions, or too "
        "little time left); the executions not read may have failed",
    )


def test_a_start_check_names_every_run_that_started_and_says_why_it_could_not_judge() -> None:
    failed = run("FAILED", "2026-03-10T15:00", "2026-03-10T15:01", name="failed")
    running = run("RUNNING", "2026-03-10T16:00", name="running")
    assert judge_start([running, failed], WINDOW) == Verdict(
        Status.OK, (Finding(running, Status.OK), Finding(failed, Status.OK))
    )
    assert judge_start([], WINDOW, complete=False) == Verdict(
        Status.ERROR,
        reason="the check could not read the whole window (too many executions, or too "
        "little time left); a run may have started in the part not read",
    )
