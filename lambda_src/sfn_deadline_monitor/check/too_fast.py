"""Too fast is also wrong: a run that SUCCEEDED in a small part of its usual time often did
nothing (an empty input, a skipped branch). Pure functions, so every case is tested
without AWS.

A monitor opts in with ``min_duration``: a fraction of the median of the job's recent
successful runs (judged as at-risk checks judge their pace: at least MIN_RUNS_FOR_PACE of
them, else no judgement), or seconds, a bound the user stated, which needs no history.
Only a deadline check that is OK is judged, by its newest run: a window that FAILED or
was LATE already says something is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from .history import PACE_RUNS, History, Pace
from .monitor_settings import InvalidEventError, quoted
from .verdict import Execution, Status, Verdict

# A Standard run lasts at most a year: a longer min_duration would make every run too fast.
MAX_MIN_DURATION_SECONDS = 365 * 24 * 3600


@dataclass(frozen=True)
class MinDuration:
    """How short a successful run may be: exactly one of the two is set (the contract and
    validation.tf check it)."""

    fraction_of_median: float | None = None
    seconds: int | None = None

    def bound(self, pace: Pace | None) -> timedelta | None:
        """The shortest duration that is not too fast; None when the median it is a
        fraction of cannot be told (too few successful runs)."""
        if self.seconds is not None:
            return timedelta(seconds=self.seconds)
        if pace is None or self.fraction_of_median is None:
            return None
        return pace.median * self.fraction_of_median


@dataclass(frozen=True)
class Shortfall:
    """A run that was too fast: how long it took, the bound it fell under and the rule
    that set it, and the recent successful runs' pace (None when the bound is seconds and
    they are too few)."""

    run: Execution
    took: timedelta
    bound: timedelta
    min_duration: MinDuration
    pace: Pace | None


def shortfall(run: Execution, min_duration: MinDuration, history: History) -> Shortfall | None:
    """How ``run``, a successful one, fell short of ``min_duration``, given the successful
    runs before its window; None when it did not, or when that cannot be told (no stop
    date, or no median). A run exactly at the bound is not too fast."""
    if run.stop is None:
        return None
    pace = Pace.of(history)
    bound = min_duration.bound(pace)
    took = run.stop - run.start
    if bound is None or took >= bound:
        return None
    return Shortfall(run, took, bound, min_duration, pace)


def judge_duration(verdict: Verdict, min_duration: MinDuration | None, history: History) -> Verdict:
    """TOO_FAST when the verdict is OK and its newest run (the one that decided it) fell
    short of ``min_duration``; any other verdict stands as it is."""
    if verdict.status is not Status.OK or min_duration is None or not verdict.findings:
        return verdict
    deciding = max(verdict.findings, key=lambda f: f.execution.start)
    if shortfall(deciding.execution, min_duration, history) is None:
        return verdict
    findings = tuple(
        replace(f, status=Status.TOO_FAST) if f is deciding else f for f in verdict.findings
    )
    return Verdict(Status.TOO_FAST, findings)


def reported_shortfall(
    verdict: Verdict, min_duration: MinDuration | None, history: History
) -> Shortfall | None:
    """The shortfall a TOO_FAST verdict reports, for its alert: its TOO_FAST run's."""
    run = next((f.execution for f in verdict.findings if f.status is Status.TOO_FAST), None)
    if run is None or min_duration is None:
        return None
    return shortfall(run, min_duration, history)


def needs_more_runs(verdict: Verdict, min_duration: MinDuration | None, history: History) -> bool:
    """Whether judging ``verdict`` takes more successful runs than ``history`` holds: an OK
    window, judged by a fraction of the median, with fewer than PACE_RUNS read."""
    return (
        verdict.status is Status.OK
        and min_duration is not None
        and min_duration.seconds is None
        and len(history.successes) < PACE_RUNS
    )


def parse_min_duration(given: object) -> MinDuration | None:
    """Exactly one of fraction_of_median, a number between 0 and 1, and seconds, a whole
    number from 1 to MAX_MIN_DURATION_SECONDS, as plan checks them (validation.tf)."""
    if given is None:
        return None
    if isinstance(given, dict) and len(given) == 1:
        ((key, value),) = given.items()
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if key == "fraction_of_median" and number and 0 < value < 1:
            return MinDuration(fraction_of_median=value)
        if key == "seconds" and type(value) is int and 1 <= value <= MAX_MIN_DURATION_SECONDS:
            return MinDuration(seconds=value)
    raise InvalidEventError(
        f"min_duration {quoted(given)} must be an object with exactly one of "
        "fraction_of_median (a number between 0 and 1, such as 0.1) and seconds (a whole "
        f"number from 1 to {MAX_MIN_DURATION_SECONDS})"
    )
