"""The text format: the report for people and e-mail, the deployment first, then one block a
monitor. No line is over 100 columns: a longer one (a long monitor or run name) wraps,
its continuation indented under it."""

from __future__ import annotations

import textwrap

from ..state.outcomes import MET, OUTCOMES
from .figures import Figures, Report, TightMargin, WorstDay
from .units import SHARE_MET, duration, margin_words, percent, period, signed

WIDTH = 100


def render_text(report: Report) -> str:
    """The report as plain text."""
    lines = [
        f"SLA attainment of {report.deployment}, {period(report.start, report.end)}",
        f"{SHARE_MET}. A margin",
        "is how long before its deadline a run ended: + before, - after.",
        "",
        f"Deployment: {len(report.monitors)} monitor(s), {report.rollup.deadlines} deadline(s)",
        *_figure_lines(report.rollup, name_monitors=True),
        "  Monitors, worst first:",
        *_ranking_lines(report),
    ]
    for monitor in report.monitors:
        lines += [
            "",
            f"Monitor {monitor.name}: {monitor.figures.deadlines} deadline(s)",
            *_figure_lines(monitor.figures, name_monitors=False),
        ]
    return "\n".join(wrapped for line in lines for wrapped in _fit(line)) + "\n"


def _fit(line: str) -> list[str]:
    """The line, wrapped at WIDTH when longer, its continuation indented 4 more."""
    if len(line) <= WIDTH:
        return [line]
    indent = " " * (len(line) - len(line.lstrip()) + 4)
    return textwrap.wrap(line, WIDTH, subsequent_indent=indent, break_on_hyphens=False)


def _figure_lines(figures: Figures, *, name_monitors: bool) -> list[str]:
    if not figures.deadlines:
        return ["  No deadline in the period."]
    judged = (
        f"({figures.counts[MET]} of {figures.judged} judged deadlines met)"
        if figures.judged
        else "(no judged deadline)"
    )
    lines = [
        f"  Share met:      {percent(figures.share_met)} {judged}",
        "  Outcomes:       " + ", ".join(f"{figures.counts[o]} {o}" for o in OUTCOMES),
    ]
    if figures.runs_ended:
        lines.append(
            f"  Run durations:  p50 {duration(figures.p50_duration)}, "
            f"p90 {duration(figures.p90_duration)}, max {duration(figures.max_duration)} "
            f"({figures.runs_ended} run(s) that ended)"
        )
    else:
        lines.append("  Run durations:  n/a (no run ended)")
    if figures.tightest:
        lines.append("  Tightest margins:")
        lines += [_margin_line(m, name_monitors) for m in figures.tightest]
    if figures.worst_days:
        lines.append("  Worst days:")
        lines += [_day_line(d, name_monitors) for d in figures.worst_days]
    else:
        lines.append("  Worst days:     none (every judged deadline met)")
    return lines


def _margin_line(margin: TightMargin, name_monitors: bool) -> str:
    """``2026-03-08  etl: 45m 00s after the deadline (late), run etl-0308``."""
    words = margin_words(margin.margin, still_running=margin.still_running)
    monitor = f"{margin.monitor}: " if name_monitors else ""
    run = margin.run_name or "-"
    return f"    {margin.day}  {monitor}{words} ({margin.outcome}), run {run}"


def _day_line(day: WorstDay, name_monitors: bool) -> str:
    """``2026-03-03  3 not met of 4 (1 met, 2 late, 1 missing), tightest -15m 00s``."""
    counts = ", ".join(f"{day.counts[o]} {o}" for o in OUTCOMES if day.counts[o])
    total = sum(day.counts.values())
    margin = day.tightest_margin
    tightest = "" if margin is None else f", tightest {signed(margin)}"
    monitors = f": {', '.join(day.monitors)}" if name_monitors else ""
    return f"    {day.day}  {day.not_met} not met of {total} ({counts}){tightest}{monitors}"


def _ranking_lines(report: Report) -> list[str]:
    """One line a monitor, worst first: its share met and how many were judged."""
    width = max((len(m.name) for m in report.ranking), default=0)
    lines = []
    for monitor in report.ranking:
        figures = monitor.figures
        judged = (
            f"{figures.counts[MET]} of {figures.judged} met"
            if figures.judged
            else "no judged deadline"
        )
        lines.append(f"    {percent(figures.share_met):>6}  {monitor.name:<{width}}  {judged}")
    return lines
