"""The formats for scripts and spreadsheets: json (every figure) and csv (one row a monitor).

Durations and margins are seconds, as numbers; a margin is positive before the deadline,
negative after it. A share met is a fraction 0..1 to four decimals; where a figure does
not exist (no judged deadline, no run ended) json says null and csv leaves the cell empty.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ..formatting import iso
from ..state.outcomes import OUTCOMES
from .figures import Figures, Report, TightMargin, WorstDay
from .units import seconds, share

# The monitor column of the csv's last row, the whole deployment's: no monitor name
# can be it (names are [0-9A-Za-z_.-]).
ALL_MONITORS = "*"
CSV_COLUMNS = (
    "monitor",
    "deadlines",
    *OUTCOMES,
    "share_met",
    "p50_duration_s",
    "p90_duration_s",
    "max_duration_s",
    "tightest_margin_s",
)


def render_json(report: Report) -> str:
    """One object: the deployment, the period, the roll-up (with the ranking, worst
    first) and the monitors by name; keys in a fixed order."""
    rollup = {
        **_figures(report.rollup),
        "monitors": len(report.monitors),
        "ranking": [
            {"monitor": m.name, "share_met": share(m.figures.share_met)} for m in report.ranking
        ],
    }
    document = {
        "deployment": report.deployment,
        "period": {"start": iso(report.start), "end": iso(report.end)},
        "rollup": rollup,
        "monitors": [{"monitor": m.name, **_figures(m.figures)} for m in report.monitors],
    }
    return json.dumps(document, indent=2) + "\n"


def _figures(figures: Figures) -> dict[str, Any]:
    return {
        "deadlines": figures.deadlines,
        "counts": dict(figures.counts),
        "judged": figures.judged,
        "not_met": figures.not_met,
        "share_met": share(figures.share_met),
        "runs_ended": figures.runs_ended,
        "p50_duration_s": seconds(figures.p50_duration),
        "p90_duration_s": seconds(figures.p90_duration),
        "max_duration_s": seconds(figures.max_duration),
        "tightest_margins": [_margin(m) for m in figures.tightest],
        "worst_days": [_day(d) for d in figures.worst_days],
    }


def _margin(margin: TightMargin) -> dict[str, Any]:
    return {
        "monitor": margin.monitor,
        "day": margin.day,
        "deadline": iso(margin.deadline),
        "margin_s": seconds(margin.margin),
        "outcome": margin.outcome,
        "run_name": margin.run_name,
        "still_running": margin.still_running,
    }


def _day(day: WorstDay) -> dict[str, Any]:
    return {
        "day": day.day,
        "not_met": day.not_met,
        "counts": dict(day.counts),
        "tightest_margin_s": seconds(day.tightest_margin),
        "monitors": list(day.monitors),
    }


def render_csv(report: Report) -> str:
    """A header, one row a monitor by name, then the deployment's row (monitor ``*``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows = [(m.name, m.figures) for m in report.monitors] + [(ALL_MONITORS, report.rollup)]
    for name, figures in rows:
        tightest = figures.tightest[0].margin if figures.tightest else None
        numbers = (
            share(figures.share_met),
            seconds(figures.p50_duration),
            seconds(figures.p90_duration),
            seconds(figures.max_duration),
            seconds(tightest),
        )
        writer.writerow(
            [
                name,
                figures.deadlines,
                *(figures.counts[o] for o in OUTCOMES),
                *("" if n is None else n for n in numbers),
            ]
        )
    return buffer.getvalue()
