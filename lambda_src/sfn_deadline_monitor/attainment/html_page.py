"""The html format: one self-contained page to keep or send (inline CSS and SVG, nothing
fetched, no script). The monitors ranked worst first, linked to their sections
(``id="monitor-<name>"``), the whole deployment's figures, then per monitor its chart
(chart.py) and figures. Every text is escaped, run names included: they come from outside."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ..state.outcomes import OUTCOMES
from .chart import period_days, render_chart
from .figures import Figures, Report, TightMargin, WorstDay
from .units import SHARE_MET, duration, margin_words, percent, period

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; color: #212121; margin: 2em auto;
  max-width: 820px; padding: 0 1em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
section { border-top: 2px solid #ddd; margin-top: 2em; }
svg { display: block; max-width: 100%; height: auto; font-size: 11px; }
svg .plot { fill: #fafafa; stroke: #bbb; }
svg .band { fill: #f0f0f0; stroke: #bbb; }
svg .grid { stroke: #e0e0e0; }
svg .deadline { stroke: #212121; stroke-width: 1.5; }
svg .mark { stroke: #fff; stroke-width: 1; }
"""


def render_html(report: Report) -> str:
    """The report as one html page."""
    title = escape(f"SLA attainment: {report.deployment}")
    days = period_days(report.start, report.end, [o for m in report.monitors for o in m.outcomes])
    ranking = [
        [
            f'<a href="#{_id(m.name)}">{escape(m.name)}</a>',
            *_text(percent(m.figures.share_met), str(m.figures.deadlines)),
            *_text(*(str(m.figures.counts[o]) for o in OUTCOMES)),
        ]
        for m in report.ranking
    ]
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{title}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{title}</h1>",
        f"<p>{escape(period(report.start, report.end))}. {escape(SHARE_MET)}. A margin is "
        "how long before the deadline the run finished (negative: after it).</p>",
        "<h2>Monitors, worst first</h2>",
        _table(["monitor", "share met", "deadlines", *OUTCOMES], ranking),
        '<section id="all-monitors">',
        f"<h2>All {len(report.monitors)} monitor(s)</h2>",
        *_figures(report.rollup, name_monitors=True),
        "</section>",
    ]
    for monitor in report.monitors:
        lines += [
            f'<section id="{_id(monitor.name)}">',
            f"<h2>{escape(monitor.name)}</h2>",
            render_chart(monitor.name, monitor.outcomes, days),
            *_figures(monitor.figures, name_monitors=False),
            "</section>",
        ]
    return "\n".join([*lines, "</body>", "</html>"]) + "\n"


def _figures(figures: Figures, *, name_monitors: bool) -> list[str]:
    """The summary table, the tightest margins and the worst days."""
    summary = _text(
        str(figures.deadlines),
        *(str(figures.counts[o]) for o in OUTCOMES),
        percent(figures.share_met),
        duration(figures.p50_duration),
        duration(figures.p90_duration),
        duration(figures.max_duration),
    )
    header = ["deadlines", *OUTCOMES, "share met", "p50 duration", "p90 duration", "max duration"]
    lines = [_table(header, [summary])]
    if figures.tightest:
        columns = ["day", "margin", "outcome", "run", *(["monitor"] if name_monitors else [])]
        rows = [_margin(m, name_monitors) for m in figures.tightest]
        lines += ["<h3>Tightest margins</h3>", _table(columns, rows)]
    if figures.worst_days:
        columns = ["day", "not met", *OUTCOMES, "tightest margin"]
        columns += ["monitors"] if name_monitors else []
        rows = [_day(d, name_monitors) for d in figures.worst_days]
        lines += ["<h3>Worst days</h3>", _table(columns, rows)]
    elif figures.deadlines:
        lines.append("<p>No day with a deadline not met.</p>")
    return lines


def _margin(margin: TightMargin, name_monitors: bool) -> list[str]:
    return _text(
        margin.day,
        margin_words(margin.margin, still_running=margin.still_running),
        margin.outcome,
        margin.run_name or "-",
        *([margin.monitor] if name_monitors else []),
    )


def _day(day: WorstDay, name_monitors: bool) -> list[str]:
    tightest = "-" if day.tightest_margin is None else margin_words(day.tightest_margin)
    return _text(
        day.day,
        str(day.not_met),
        *(str(day.counts[o]) for o in OUTCOMES),
        tightest,
        *([", ".join(day.monitors)] if name_monitors else []),
    )


def _text(*cells: str) -> list[str]:
    """Cells of text, escaped for html."""
    return [escape(cell) for cell in cells]


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table of html cells (escaped already) under a header of plain words."""
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>\n" for row in rows)
    return f"<table>\n<tr>{head}</tr>\n{body}</table>"


def _id(name: str) -> str:
    """The id of a monitor's section, escaped for an attribute (names are already safe)."""
    return escape(f"monitor-{name}")
