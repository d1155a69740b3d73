"""The markdown format, for a pull request, a wiki or an issue: one table of every monitor
(the deployment's row first, then worst first), then the tightest margins and worst days
of the deployment and of each monitor. GitHub-flavoured tables; every cell escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ..state.outcomes import OUTCOMES
from .figures import Figures, Report, TightMargin, WorstDay
from .units import SHARE_MET, duration, percent, period, signed

SUMMARY = ("monitor", "deadlines", *OUTCOMES, "share met", "p50", "p90", "max", "tightest margin")
MARGINS = ("day", "monitor", "margin", "outcome", "run")
DAYS = ("day", "not met", *OUTCOMES, "tightest margin", "monitors")


def render_markdown(report: Report) -> str:
    """The report as GitHub markdown; margins signed, + before the deadline."""
    lines = [
        f"# SLA attainment: {_cell(report.deployment)}",
        "",
        f"{period(report.start, report.end)}. {SHARE_MET}; a margin is + before the "
        "deadline, - after it.",
        "",
        "## Monitors, worst first",
        "",
        *_table(
            SUMMARY,
            [
                _summary(f"**all {len(report.monitors)} monitor(s)**", report.rollup),
                *(_summary(_cell(m.name), m.figures) for m in report.ranking),
            ],
            numbers=len(SUMMARY) - 1,
        ),
        "",
        "## All monitors",
        "",
        *_details(report.rollup),
    ]
    for monitor in report.monitors:
        lines += ["", f"## {_cell(monitor.name)}", "", *_details(monitor.figures)]
    return "\n".join(lines) + "\n"


def _summary(name: str, figures: Figures) -> list[str]:
    tightest = signed(figures.tightest[0].margin) if figures.tightest else "n/a"
    return [
        name,
        str(figures.deadlines),
        *(str(figures.counts[o]) for o in OUTCOMES),
        percent(figures.share_met),
        duration(figures.p50_duration),
        duration(figures.p90_duration),
        duration(figures.max_duration),
        tightest,
    ]


def _details(figures: Figures) -> list[str]:
    """The tightest margins and the worst days, or a line saying there are none."""
    if not figures.deadlines:
        return ["No deadline in the period."]
    lines = ["Tightest margins:", ""]
    lines += (
        _table(MARGINS, [_margin(m) for m in figures.tightest])
        if figures.tightest
        else ["None: no run finished."]
    )
    lines += ["", "Worst days:", ""]
    lines += (
        _table(DAYS, [_day(d) for d in figures.worst_days], numbers=len(OUTCOMES) + 2)
        if figures.worst_days
        else ["None: every judged deadline met."]
    )
    return lines


def _margin(margin: TightMargin) -> list[str]:
    running = " (still running)" if margin.still_running else ""
    return [
        margin.day,
        _cell(margin.monitor),
        signed(margin.margin) + running,
        margin.outcome,
        _cell(margin.run_name or "-"),
    ]


def _day(day: WorstDay) -> list[str]:
    tightest = "n/a" if day.tightest_margin is None else signed(day.tightest_margin)
    return [
        day.day,
        str(day.not_met),
        *(str(day.counts[o]) for o in OUTCOMES),
        tightest,
        _cell(", ".join(day.monitors)),
    ]


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numbers: int = 0) -> list[str]:
    """A table; the ``numbers`` columns after the first are right-aligned."""
    align = ["---", *(["---:"] * numbers), *(["---"] * (len(header) - numbers - 1))]
    return [_row(header), _row(align), *(_row(row) for row in rows)]


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _cell(text: str) -> str:
    """Text from outside as one cell: no html, no pipe that would split it, one line."""
    return escape(text, quote=False).replace("|", "\\|").replace("\n", " ")
