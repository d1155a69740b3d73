"""SLA attainment over a period: per monitor and for the whole deployment, from the outcomes
the deadline checks recorded (state/outcomes.py). Pure: the command reads, this counts.

Every renderer draws from these figures alone, so that the formats cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..state.outcomes import (
    FAILED,
    LATE,
    MET,
    MISSING,
    NOT_JUDGED,
    OUTCOMES,
    TOO_FAST,
    Outcome,
)

# A deadline is not met when no run succeeded by it, or one did in a small part of its
# usual time (too_fast: likely did nothing). ``unknown`` and ``skipped`` are neither: the
# check could not judge, or the monitor's calendar expected no run that day.
NOT_MET = frozenset({LATE, MISSING, FAILED, TOO_FAST})
TIGHTEST = 3
WORST_DAYS = 5


@dataclass(frozen=True)
class TightMargin:
    """One of the deadlines a run finished closest to (or furthest past).

    ``still_running``: the run had not ended at the check, so ``margin`` runs to the check.
    """

    monitor: str
    day: str
    deadline: datetime
    margin: timedelta
    outcome: str
    run_name: str | None
    still_running: bool


@dataclass(frozen=True)
class WorstDay:
    """A day with at least one deadline not met.

    ``counts``: every outcome of the day's deadlines, zeros included; ``tightest_margin``:
    the smallest margin among all the day's deadlines (None when none has one);
    ``monitors``: the monitors with a deadline not met that day, by name.
    """

    day: str
    not_met: int
    counts: Mapping[str, int]
    tightest_margin: timedelta | None
    monitors: tuple[str, ...]


@dataclass(frozen=True)
class Figures:
    """The attainment of a set of deadlines: one monitor's, or the deployment's.

    ``share_met`` is met / (deadlines - unknown - skipped): a deadline the check could not
    judge, or that fell on a day its calendar excludes with no run, counts neither for nor
    against; None when no deadline was judged. The durations are
    those of the deciding runs that ended (``runs_ended`` of them), as nearest-rank
    percentiles (see ``nearest_rank``).
    """

    deadlines: int
    counts: Mapping[str, int]
    share_met: float | None
    runs_ended: int
    p50_duration: timedelta | None
    p90_duration: timedelta | None
    max_duration: timedelta | None
    tightest: tuple[TightMargin, ...]
    worst_days: tuple[WorstDay, ...]

    @property
    def judged(self) -> int:
        return count_judged(self.counts)

    @property
    def not_met(self) -> int:
        return sum(self.counts[outcome] for outcome in NOT_MET)


@dataclass(frozen=True)
class MonitorReport:
    """One monitor's figures, and its outcomes by deadline (what the html chart draws)."""

    name: str
    figures: Figures
    outcomes: tuple[Outcome, ...]


@dataclass(frozen=True)
class Report:
    """The deployment's attainment over ``start`` to ``end`` (UTC).

    ``monitors`` by name; ``ranking`` the same monitors by share met, worst first.
    """

    deployment: str
    start: datetime
    end: datetime
    rollup: Figures
    monitors: tuple[MonitorReport, ...]
    ranking: tuple[MonitorReport, ...]


def build_report(
    deployment: str, outcomes: Mapping[str, Sequence[Outcome]], start: datetime, end: datetime
) -> Report:
    """The report of every monitor of ``outcomes`` (a monitor with none has 0 deadlines).

    The outcomes are taken as given: the command reads those of the period. Each names
    its monitor, as the mapping's key does.
    """
    monitors = tuple(
        MonitorReport(
            name,
            figures(outcomes[name]),
            tuple(sorted(outcomes[name], key=lambda o: o.deadline)),
        )
        for name in sorted(outcomes)
    )
    return Report(
        deployment=deployment,
        start=start,
        end=end,
        rollup=figures([o for m in monitors for o in m.outcomes]),
        monitors=monitors,
        ranking=tuple(sorted(monitors, key=_rank)),
    )


def _rank(monitor: MonitorReport) -> tuple[bool, float, int, str]:
    """Worst first: the lowest share met, then the most deadlines not met, then by name; a
    monitor with no judged deadline cannot be ranked, so it comes last."""
    share = monitor.figures.share_met
    return (share is None, share or 0.0, -monitor.figures.not_met, monitor.name)


def figures(outcomes: Sequence[Outcome]) -> Figures:
    """The figures of ``outcomes``, whichever monitors they belong to."""
    counts = count(outcomes)
    durations = [d for d in (o.duration for o in outcomes) if d is not None]
    return Figures(
        deadlines=len(outcomes),
        counts=counts,
        share_met=counts[MET] / count_judged(counts) if count_judged(counts) else None,
        runs_ended=len(durations),
        p50_duration=nearest_rank(durations, 50),
        p90_duration=nearest_rank(durations, 90),
        max_duration=max(durations, default=None),
        tightest=tightest(outcomes),
        worst_days=worst_days(outcomes),
    )


def count(outcomes: Iterable[Outcome]) -> dict[str, int]:
    """How many deadlines came to each outcome: every outcome, in OUTCOMES order."""
    counts = dict.fromkeys(OUTCOMES, 0)
    for outcome in outcomes:
        counts[outcome.outcome] += 1
    return counts


def count_judged(counts: Mapping[str, int]) -> int:
    """How many of the deadlines ``counts`` counts were judged: met or not met."""
    return sum(n for outcome, n in counts.items() if outcome not in NOT_JUDGED)


def nearest_rank(values: Sequence[timedelta], percent: int) -> timedelta | None:
    """The nearest-rank percentile: the smallest value that ``percent`` % of the values are
    at or below, ``sorted(values)[ceil(percent / 100 * n) - 1]``. No interpolation, so
    every figure is the duration of a real run; None for no value."""
    if not values:
        return None
    rank = -(-len(values) * percent // 100)  # the ceiling, in integers: no float rounding
    return sorted(values)[rank - 1]


def tightest(outcomes: Iterable[Outcome]) -> tuple[TightMargin, ...]:
    """The TIGHTEST smallest margins, whatever their outcome (each says it); ties by
    deadline, then monitor."""
    with_margin = sorted(
        ((o.margin, o) for o in outcomes if o.margin is not None),
        key=lambda pair: (pair[0], pair[1].deadline, pair[1].monitor),
    )
    return tuple(
        TightMargin(
            monitor=o.monitor,
            day=o.day,
            deadline=o.deadline,
            margin=margin,
            outcome=o.outcome,
            run_name=o.run_name,
            still_running=o.run_start is not None and o.run_end is None,
        )
        for margin, o in with_margin[:TIGHTEST]
    )


def worst_days(outcomes: Iterable[Outcome]) -> tuple[WorstDay, ...]:
    """The WORST_DAYS days with the most deadlines not met; ties by the smallest margin of
    the day (a day with no margin after those with one), then by day."""
    by_day: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        by_day.setdefault(outcome.day, []).append(outcome)
    days = []
    for day, group in by_day.items():
        missed = [o for o in group if o.outcome in NOT_MET]
        if missed:
            days.append(
                WorstDay(
                    day=day,
                    not_met=len(missed),
                    counts=count(group),
                    tightest_margin=min(
                        (o.margin for o in group if o.margin is not None), default=None
                    ),
                    monitors=tuple(sorted({o.monitor for o in missed})),
                )
            )
    days.sort(
        key=lambda d: (
            -d.not_met,
            d.tightest_margin is None,
            d.tightest_margin or timedelta(0),
            d.day,
        )
    )
    return tuple(days[:WORST_DAYS])
