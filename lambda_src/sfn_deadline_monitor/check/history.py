"""What the runs before a window show: pure functions of a job's past runs.

The listing stops at the first page that reaches back before the window, and that page
holds older runs too (ListExecutions returns up to 100, newest first): on call's first
questions ("when did it last run, how did that end, is something still running?") are
answered from them at no extra cost. An alert may add what two filtered calls find beyond
that page: a run still going since long ago, and the last successful runs.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .verdict import IN_PROGRESS, Execution, Window

# The fewest successful runs a duration may be judged against ("slower than usual").
MIN_RUNS_FOR_PACE = 5
# The successful runs a pace is made of, newest first.
PACE_RUNS = 20
# Earlier windows counted for "runs a window usually has".
WINDOWS_COUNTED = 7


@dataclass(frozen=True)
class History:
    """The runs started before a window, newest first.

    ``read`` is every run between the window's start and the oldest run read (nothing in
    that span is missing from it); ``complete`` says there is nothing older.
    ``running_earlier`` and ``successes_earlier`` are runs older than ``read`` that
    filtered listings found: the span between them was not read.
    """

    read: tuple[Execution, ...] = ()
    complete: bool = False
    running_earlier: tuple[Execution, ...] = ()
    successes_earlier: tuple[Execution, ...] = ()

    @property
    def still_running(self) -> tuple[Execution, ...]:
        """Runs started before the window that have not finished, newest first."""
        return tuple(e for e in self.read if e.status in IN_PROGRESS) + self.running_earlier

    @property
    def last(self) -> Execution | None:
        """The last run before the window, when the read reached back to it."""
        return self.read[0] if self.read else None

    @property
    def successes(self) -> tuple[Execution, ...]:
        """Successful runs before the window, newest first."""
        return tuple(e for e in self.read if e.status == "SUCCEEDED") + self.successes_earlier

    @property
    def last_success(self) -> Execution | None:
        return next(iter(self.successes), None)

    @property
    def never_ran(self) -> bool:
        """Nothing ran before the window, as far back as Step Functions keeps runs."""
        return self.complete and not self.read

    def typical_runs(self, earlier_windows: Sequence[Window]) -> int | None:
        """How many runs the earlier windows usually had: the median over those (newest
        first) that the runs read reach back over; None when they reach over none."""
        if not self.read:
            return None
        oldest = self.read[-1].start
        counts = []
        for window in earlier_windows:
            if oldest >= window.start and not self.complete:
                break  # not read back to its start: it may have had more runs
            if oldest >= window.deadline:
                break  # before the job's first run: no evidence of its usual runs
            counts.append(sum(1 for e in self.read if window.contains(e.start)))
        return round(statistics.median(counts)) if counts else None


@dataclass(frozen=True)
class Pace:
    """How long the job's recent successful runs took: the basis of "slower than usual"
    (the 90th percentile) and of "faster than usual" (the median)."""

    runs: int
    shortest: timedelta
    longest: timedelta
    p90: timedelta
    median: timedelta

    @classmethod
    def of(cls, history: History) -> Pace | None:
        """From the newest PACE_RUNS successful runs; None with fewer than
        MIN_RUNS_FOR_PACE: too few to judge by."""
        durations = sorted(
            e.stop - e.start for e in history.successes[:PACE_RUNS] if e.stop is not None
        )
        if len(durations) < MIN_RUNS_FOR_PACE:
            return None
        p90 = durations[round(0.9 * (len(durations) - 1))]
        middle = len(durations) // 2
        median = (
            durations[middle]
            if len(durations) % 2
            else (durations[middle - 1] + durations[middle]) / 2
        )
        return cls(len(durations), durations[0], durations[-1], p90, median)

    def finish_of(self, start: datetime) -> datetime:
        """When a run started at ``start`` ends at this pace (its 90th percentile)."""
        return start + self.p90
