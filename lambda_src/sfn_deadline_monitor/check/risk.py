"""The at-risk prediction: will the deadline still to come be met, judged by the job's own
recent successful runs? Pure functions, so every case is tested without AWS.

Two cases are at risk: a run is going and, at the pace of its recent successful runs
(their 90th percentile), will finish after the deadline, or has already run longer than
that pace allows (overdue: when it ends cannot be told); or no run is going nor has
succeeded although the latest start of its recent successful runs, measured back from
their deadlines, has passed. With fewer than MIN_RUNS_FOR_PACE successful runs to judge
by there is no prediction, and no alert: a first run, or a young job, is never at risk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .history import MIN_RUNS_FOR_PACE, PACE_RUNS, History, Pace
from .verdict import IN_PROGRESS, Execution, Finding, Status, Verdict, Window

# Why a prediction was (or could not be) made; the JSON alert carries it.
SLOW_RUN, NO_START, ON_TRACK, SUCCEEDED, NO_HISTORY = (
    "slow_run",
    "no_start",
    "on_track",
    "succeeded",
    "no_history",
)


@dataclass(frozen=True)
class Prediction:
    """An at-risk check's conclusion and its basis."""

    kind: str
    deadline: datetime
    pace: Pace | None = None
    run: Execution | None = None
    # When a running run ends at its usual pace; None when it is already overdue.
    expected_finish: datetime | None = None
    # The latest that the recent successful runs started, carried to this deadline.
    usual_latest_start: datetime | None = None
    starts_judged: int = 0


def predict(
    executions: list[Execution],
    window: Window,
    history: History,
    earlier_windows: tuple[Window, ...],
    now: datetime,
) -> tuple[Verdict, Prediction]:
    """AT_RISK or OK for the window whose deadline is still to come, and why."""
    in_window = [e for e in executions if window.contains(e.start)]
    deadline = window.deadline
    succeeded = [e for e in in_window if e.status == "SUCCEEDED"]
    if succeeded:
        return _ok(in_window), Prediction(SUCCEEDED, deadline, run=succeeded[0])
    running = [e for e in in_window if e.status in IN_PROGRESS]
    prediction = (
        _running(running[0], deadline, history, now)
        if running
        else _not_started(deadline, history, earlier_windows, now)
    )
    if prediction.kind not in (SLOW_RUN, NO_START):
        return _ok(in_window), prediction
    at_risk = [prediction.run] if prediction.run else in_window
    return Verdict(Status.AT_RISK, tuple(Finding(e, Status.AT_RISK) for e in at_risk)), prediction


def _running(run: Execution, deadline: datetime, history: History, now: datetime) -> Prediction:
    """A run is going: will it finish by the deadline at its usual pace?"""
    pace = Pace.of(history)
    if pace is None:
        return Prediction(NO_HISTORY, deadline, run=run)
    finish = pace.finish_of(run.start)
    if finish < now:  # overdue: slower than 9 in 10 of its recent runs, end unknown
        return Prediction(SLOW_RUN, deadline, pace, run)
    kind = SLOW_RUN if finish > deadline else ON_TRACK
    return Prediction(kind, deadline, pace, run, expected_finish=finish)


def _not_started(
    deadline: datetime, history: History, earlier_windows: tuple[Window, ...], now: datetime
) -> Prediction:
    """No run is going nor succeeded: has the latest usual start passed?"""
    leads = _start_leads(history, earlier_windows)
    if len(leads) < MIN_RUNS_FOR_PACE:
        return Prediction(NO_HISTORY, deadline, starts_judged=len(leads))
    latest = deadline - min(leads)
    return Prediction(
        NO_START if now > latest else ON_TRACK,
        deadline,
        Pace.of(history),
        usual_latest_start=latest,
        starts_judged=len(leads),
    )


def _ok(in_window: list[Execution]) -> Verdict:
    return Verdict(Status.OK, tuple(Finding(e, Status.OK) for e in in_window))


def _start_leads(history: History, earlier_windows: tuple[Window, ...]) -> list[timedelta]:
    """How long before its deadline each of the recent earlier windows' first successful
    run started, for up to PACE_RUNS windows."""
    leads = []
    for window in earlier_windows[:PACE_RUNS]:
        starts = [e.start for e in history.successes if window.contains(e.start)]
        if starts:
            leads.append(window.deadline - min(starts))
    return leads
