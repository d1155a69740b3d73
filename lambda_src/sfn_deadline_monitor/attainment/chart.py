"""A monitor's picture in the html format: an inline SVG of each deadline's finish against it.

x: the days of the period, a slot a day, a day's deadlines side by side in its slot.
y: the margin, the finish before the deadline above the deadline's line, after it below.
A deadline with no finish time (missing, failed, unknown, skipped: nothing finished, or
not well, or nothing was expected) is a square in the band under the plot. Each mark is
coloured by outcome, carries its outcome as a class (``mark <outcome>``) and a
``<title>``, the browser's tooltip.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from html import escape

from ..formatting import iso
from ..state.outcomes import (
    FAILED,
    LATE,
    MET,
    MISSING,
    OUTCOMES,
    SKIPPED,
    TOO_FAST,
    UNKNOWN,
    Outcome,
)
from .units import duration, margin_words, signed

WIDTH = 760
LEFT, RIGHT, TOP = 100, 12, 34  # the y labels on the left, the legend on top
PLOT = 180  # the plot's height
BAND_TOP = TOP + PLOT + 10
BAND = 20
HEIGHT = BAND_TOP + BAND + 26  # the day labels under the band
MARK = 4  # a mark's radius
COLOURS = {
    MET: "#2e7d32",
    LATE: "#e65100",
    TOO_FAST: "#8e24aa",
    MISSING: "#616161",
    FAILED: "#c62828",
    UNKNOWN: "#1565c0",
    SKIPPED: "#bdbdbd",
}
BANDED = frozenset({MISSING, FAILED, UNKNOWN, SKIPPED})
LEGEND_STEP = 92  # px between the legend's keys: seven fit the width
# Tick steps for the margin axis, in seconds: the first that gives at most 5 intervals.
STEPS = (60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)


def period_days(start: datetime, end: datetime, outcomes: Sequence[Outcome]) -> list[date]:
    """Every day of the period (``end`` excluded), widened to any outcome's day: days are
    in each monitor's time zone, the period in UTC, so they may reach a day past it."""
    days = [date.fromisoformat(o.day) for o in outcomes]
    first = min([start.astimezone(UTC).date(), *days])
    last = max([first, (end.astimezone(UTC) - timedelta(microseconds=1)).date(), *days])
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def render_chart(name: str, outcomes: Sequence[Outcome], days: Sequence[date]) -> str:
    """The SVG of one monitor's deadlines (its outcomes by deadline) over ``days``."""
    finishes = [f.total_seconds() for f in map(_finish, outcomes) if f is not None]
    earliest, latest = min([0.0, *finishes]), max([0.0, *finishes])
    step = _step(latest - earliest)
    # Whole steps, a tenth of one at least beyond the marks: none on the frame or the line.
    low = math.floor((earliest - step / 10) / step) * step
    high = math.ceil((latest + step / 10) / step) * step

    def y(seconds: float) -> float:
        return TOP + (high - seconds) / (high - low) * PLOT

    slot = (WIDTH - LEFT - RIGHT) / len(days)
    label = f"{name}: finish against the deadline, a mark a deadline"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(label)}">',
        *_legend(),
        f'<rect class="plot" x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" height="{PLOT}"/>',
        f'<rect class="band" x="{LEFT}" y="{BAND_TOP}" width="{WIDTH - LEFT - RIGHT}" '
        f'height="{BAND}"/>',
        _text(LEFT - 6, BAND_TOP + BAND / 2 + 4, "no finish", "end"),
    ]
    tick = low
    while tick <= high:
        text = "deadline" if tick == 0 else signed(timedelta(seconds=tick))
        css = "deadline" if tick == 0 else "grid"
        parts.append(
            f'<line class="{css}" x1="{LEFT}" y1="{y(tick):.1f}" '
            f'x2="{WIDTH - RIGHT}" y2="{y(tick):.1f}"/>'
        )
        parts.append(_text(LEFT - 6, y(tick) + 4, text, "end"))
        tick += step
    every = -(-len(days) * 48 // (WIDTH - LEFT - RIGHT))  # day labels 48 px apart at least
    for index in range(0, len(days), every):
        x = LEFT + (index + 0.5) * slot
        parts.append(_text(x, HEIGHT - 8, f"{days[index]:%m-%d}", "middle"))
    if not outcomes:
        parts.append(_text(LEFT + (WIDTH - LEFT - RIGHT) / 2, TOP + 20, "no deadline", "middle"))
    first = days[0]
    by_day: dict[date, list[Outcome]] = {}
    for outcome in outcomes:
        by_day.setdefault(date.fromisoformat(outcome.day), []).append(outcome)
    for day, group in by_day.items():
        for place, outcome in enumerate(group):
            x = LEFT + ((day - first).days + (place + 0.5) / len(group)) * slot
            finish = _finish(outcome)
            parts.append(_mark(outcome, x, None if finish is None else y(finish.total_seconds())))
    parts.append("</svg>")
    return "\n".join(parts)


def _finish(outcome: Outcome) -> timedelta | None:
    """The margin the plot draws; None for a deadline drawn in the band."""
    return None if outcome.outcome in BANDED else outcome.margin


def _step(span: float) -> float:
    """The first of STEPS that cuts ``span`` into at most 5 intervals; whole days past them."""
    for step in STEPS:
        if span <= 5 * step:
            return step
    return STEPS[-1] * -(-span // (5 * STEPS[-1]))


def _mark(outcome: Outcome, x: float, y: float | None) -> str:
    """A deadline's mark: a dot at its margin ``y``, or a square in the band (``y`` None)."""
    tooltip = escape(
        f"{outcome.day} {outcome.outcome}: deadline {iso(outcome.deadline)}; "
        f"{margin_words(outcome.margin, still_running=_running(outcome))}; "
        f"run {outcome.run_name or 'none'}, duration {duration(outcome.duration)}"
    )
    colour = COLOURS[outcome.outcome]
    if y is None:
        return (
            f'<rect class="mark {outcome.outcome}" x="{x - MARK:.1f}" '
            f'y="{BAND_TOP + BAND / 2 - MARK:.1f}" width="{2 * MARK}" height="{2 * MARK}" '
            f'fill="{colour}"><title>{tooltip}</title></rect>'
        )
    return (
        f'<circle class="mark {outcome.outcome}" cx="{x:.1f}" cy="{y:.1f}" r="{MARK}" '
        f'fill="{colour}">'
        f"<title>{tooltip}</title></circle>"
    )


def _running(outcome: Outcome) -> bool:
    return outcome.run_start is not None and outcome.run_end is None


def _legend() -> list[str]:
    """One key an outcome, across the top: a dot, or a square for those in the band."""
    parts = []
    for index, outcome in enumerate(OUTCOMES):
        x = LEFT + index * LEGEND_STEP
        colour = COLOURS[outcome]
        if outcome in BANDED:
            shape = (
                f'<rect class="key" x="{x - MARK}" y="{14 - MARK}" width="{2 * MARK}" '
                f'height="{2 * MARK}" fill="{colour}"/>'
            )
        else:
            shape = f'<circle class="key" cx="{x}" cy="14" r="{MARK}" fill="{colour}"/>'
        parts += [shape, _text(x + 8, 18, outcome, "start")]
    return parts


def _text(x: float, y: float, text: str, anchor: str) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(text)}</text>'
