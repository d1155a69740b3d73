"""The at-risk prediction, pure: at risk only when the job's own history says so; a
normal run, a first run and a young job are never at risk."""

from __future__ import annotations

from datetime import datetime, timedelta

from sfn_deadline_monitor.check.history import History, Pace
from sfn_deadline_monitor.check.risk import (
    NO_HISTORY,
    NO_START,
    ON_TRACK,
    SLOW_RUN,
    SUCCEEDED,
    Prediction,
    predict,
)
from sfn_deadline_monitor.check.verdict import Execution, Finding, Status, Verdict, Window
from testkit.events import at

DEADLINE = at("2026-03-10T06:00")
WINDOW = Window.ending_at(DEADLINE, timedelta(hours=3))
EARLIER = tuple(
    Window.ending_at(DEADLINE - timedelta(days=n), timedelta(hours=3)) for n in range(1, 21)
)


def run(name: str, start: datetime, minutes: float | None, status: str = "SUCCEEDED") -> Execution:
    stop = None if minutes is None else start + timedelta(minutes=minutes)
    return Execution(f"arn:{name}", name, status if stop else "RUNNING", start, stop)


def history(days: int, took: float = 40, start_offset: float = 2) -> History:
    """A run a day for ``days`` days, starting ``start_offset`` hours before the deadline."""
    runs = tuple(
        run(f"d{n}", DEADLINE - timedelta(days=n, hours=start_offset), took + n % 5)
        for n in range(1, days + 1)
    )
    return History(runs, complete=True)


def test_a_run_slower_than_its_history_is_at_risk_with_its_basis() -> None:
    today = run("today", at("2026-03-10T04:30"), None)
    verdict, prediction = predict([today], WINDOW, history(20), EARLIER, at("2026-03-10T05:30"))
    assert (verdict.status, prediction.kind) == (Status.AT_RISK, SLOW_RUN)
    assert prediction.pace is not None
    assert (prediction.pace.runs, prediction.pace.shortest, prediction.pace.longest) == (
        20,
        timedelta(minutes=40),
        timedelta(minutes=44),
    )
    # At 90th-percentile pace (44 min) a run started 04:30 ends 05:14, but it is 05:30:
    # overdue, its end cannot be told.
    assert prediction == Prediction(SLOW_RUN, DEADLINE, prediction.pace, today)
    late = run("today", at("2026-03-10T05:20"), None)
    verdict, prediction = predict([late], WINDOW, history(20), EARLIER, at("2026-03-10T05:25"))
    assert (verdict.status, prediction.expected_finish) == (Status.AT_RISK, at("2026-03-10T06:04"))


def test_a_run_at_its_usual_pace_is_on_track() -> None:
    today = run("today", at("2026-03-10T04:00"), None)
    verdict, prediction = predict([today], WINDOW, history(20), EARLIER, at("2026-03-10T04:20"))
    assert (verdict.status, prediction.kind) == (Status.OK, ON_TRACK)
    assert prediction.expected_finish == at("2026-03-10T04:44")


def test_a_run_expected_to_end_exactly_at_the_deadline_is_on_track() -> None:
    # At its 90th-percentile pace (44 min) a run started 05:16 ends at 06:00, the deadline:
    # in time, so no warning.
    today = run("today", at("2026-03-10T05:16"), None)
    verdict, prediction = predict([today], WINDOW, history(20), EARLIER, at("2026-03-10T05:20"))
    assert (verdict.status, prediction.kind, prediction.expected_finish) == (
        Status.OK,
        ON_TRACK,
        DEADLINE,
    )


def test_too_little_history_means_no_prediction_never_an_alarm() -> None:
    today = run("today", at("2026-03-10T05:50"), None)
    verdict, prediction = predict([today], WINDOW, history(4), EARLIER, at("2026-03-10T05:55"))
    assert (verdict.status, prediction.kind, prediction.pace) == (Status.OK, NO_HISTORY, None)


def test_a_first_run_is_never_at_risk() -> None:
    today = run("today", at("2026-03-10T05:50"), None)
    verdict, prediction = predict(
        [today], WINDOW, History(complete=True), EARLIER, at("2026-03-10T05:55")
    )
    assert (verdict.status, prediction.kind) == (Status.OK, NO_HISTORY)


def test_no_start_after_the_latest_usual_start_is_at_risk() -> None:
    """The job started 2 h before each deadline (04:00): at 04:30 nothing has started."""
    verdict, prediction = predict([], WINDOW, history(20), EARLIER, at("2026-03-10T04:30"))
    assert (verdict.status, prediction.kind) == (Status.AT_RISK, NO_START)
    assert (prediction.usual_latest_start, prediction.starts_judged) == (at("2026-03-10T04:00"), 20)
    verdict, prediction = predict([], WINDOW, history(20), EARLIER, at("2026-03-10T03:50"))
    assert (verdict.status, prediction.kind) == (Status.OK, ON_TRACK)


def test_a_succeeded_run_ends_the_question() -> None:
    done = run("today", at("2026-03-10T04:00"), 30)
    verdict, _ = predict([done], WINDOW, history(20), EARLIER, at("2026-03-10T05:50"))
    assert verdict.status is Status.OK


# Each path of predict, its whole verdict and prediction: the JSON alert carries every field.
PACE = Pace.of(history(20))
TODAY = at("2026-03-10T04:30")


def test_a_succeeded_run_is_the_basis_and_every_run_of_the_window_is_ok() -> None:
    failed = run("first", at("2026-03-10T03:10"), 5, "FAILED")
    done = run("today", TODAY, 30)
    verdict, prediction = predict([done, failed], WINDOW, history(20), EARLIER, TODAY)
    assert verdict == Verdict(Status.OK, (Finding(done, Status.OK), Finding(failed, Status.OK)))
    assert prediction == Prediction(SUCCEEDED, DEADLINE, run=done)


def test_a_running_run_without_history_names_the_run() -> None:
    today = run("today", TODAY, None)
    verdict, prediction = predict([today], WINDOW, history(4), EARLIER, TODAY)
    assert verdict == Verdict(Status.OK, (Finding(today, Status.OK),))
    assert prediction == Prediction(NO_HISTORY, DEADLINE, run=today)


def test_a_run_whose_usual_end_is_now_is_on_track_not_overdue() -> None:
    """At its 90th-percentile pace (44 min) a run started 04:30 ends 05:14: at 05:14 it is
    not yet slower than usual."""
    today = run("today", TODAY, None)
    now = at("2026-03-10T05:14")
    _, prediction = predict([today], WINDOW, history(20), EARLIER, now)
    assert prediction == Prediction(ON_TRACK, DEADLINE, PACE, today, expected_finish=now)


def test_only_the_slow_run_is_at_risk_not_an_earlier_failed_one() -> None:
    failed = run("first", at("2026-03-10T03:10"), 5, "FAILED")
    today = run("today", at("2026-03-10T05:20"), None)
    verdict, _ = predict([today, failed], WINDOW, history(20), EARLIER, at("2026-03-10T05:25"))
    assert verdict == Verdict(Status.AT_RISK, (Finding(today, Status.AT_RISK),))


def test_no_start_marks_every_run_of_the_window_and_gives_its_basis() -> None:
    failed = run("first", at("2026-03-10T03:10"), 5, "FAILED")
    now = at("2026-03-10T04:30")
    verdict, prediction = predict([failed], WINDOW, history(20), EARLIER, now)
    assert verdict == Verdict(Status.AT_RISK, (Finding(failed, Status.AT_RISK),))
    assert prediction == Prediction(
        NO_START, DEADLINE, PACE, usual_latest_start=at("2026-03-10T04:00"), starts_judged=20
    )


def test_no_start_judged_on_exactly_enough_days_and_at_the_latest_start_itself() -> None:
    """Five earlier days are enough (MIN_RUNS_FOR_PACE); at 04:00, the latest usual start
    itself, the job is not yet late to start."""
    _, prediction = predict([], WINDOW, history(5), EARLIER, at("2026-03-10T04:00"))
    assert prediction == Prediction(
        ON_TRACK,
        DEADLINE,
        Pace.of(history(5)),
        usual_latest_start=at("2026-03-10T04:00"),
        starts_judged=5,
    )


def test_too_few_days_to_judge_a_start_says_how_many() -> None:
    verdict, prediction = predict([], WINDOW, history(4), EARLIER, at("2026-03-10T05:00"))
    assert verdict == Verdict(Status.OK)
    assert prediction == Prediction(NO_HISTORY, DEADLINE, starts_judged=4)
