"""The ``status`` report: what it holds of each monitor, whether anything needs attention,
and how it reads, as a table for people and as JSON for scripts (cli/status.py reads the
state table and builds it). Apart from the reading so that each stays short.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from ..check.maintenance import Pause
from ..check.verdict import Status
from ..formatting import iso
from ..state.records import OpenProblem

# The statuses that need no one: every other one was alerted and is not resolved yet.
HEALTHY = frozenset({Status.OK.value, Status.RECOVERED.value})


@dataclass(frozen=True)
class MonitorStatus:
    """One monitor's row: ``status`` is None before its first check."""

    name: str
    enabled: bool
    status: str | None
    as_of: datetime | None
    since: datetime | None
    last_checks: dict[str, datetime]
    next_deadline: datetime | None
    next_note: str  # why next_deadline is None, or how it was found
    problems: tuple[OpenProblem, ...]
    skipped: frozenset[str]  # the kinds whose last check was SKIPPED (a calendar's day off)
    # Until when the status's alert is held (a maintenance window or a pause), not sent yet.
    held_until: datetime | None = None
    pause: Pause | None = None  # the pause set with ``pause``, while it lasts
    discovered: bool = False  # declared by its state machine's tags (docs/discovery.md)

    @property
    def needs_attention(self) -> bool:
        """A held or paused problem still needs someone: it is only not alerted yet."""
        return bool(self.problems) or self.status not in HEALTHY | {None}


@dataclass(frozen=True)
class StatusReport:
    module: str
    table: str
    at: datetime
    audit: bool  # whether the module runs its audit
    audited_at: datetime | None
    monitors: tuple[MonitorStatus, ...]
    # The module's own problems, and those of monitors no longer declared.
    other_problems: tuple[OpenProblem, ...]

    @property
    def needs_attention(self) -> bool:
        return bool(self.other_problems) or any(m.needs_attention for m in self.monitors)


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def _problem_line(problem: OpenProblem) -> str:
    who = problem.monitor or "(module)"
    return f"  {who}: {problem.kind} since {_when(problem.since)}: {problem.text}"


def _last_checks(m: MonitorStatus) -> str:
    """``deadline 2026-12-25 17:00 (skipped); start ...``, sorted by kind."""
    cells = (f"{k} {_when(t)}" + " (skipped)" * (k in m.skipped) for k, t in m.last_checks.items())
    return "; ".join(sorted(cells)) or "-"


def _status_cell(m: MonitorStatus) -> str:
    """``FAILED (held until 2026-12-25 17:00) PAUSED``: the pause's who and why follow the
    table, as a reason of up to 500 characters would stretch it."""
    held = None if m.held_until is None else f"(held until {_when(m.held_until)})"
    words = [m.status, held, "PAUSED" if m.pause else None]
    return " ".join(word for word in words if word) or "-"


def _pause_lines(monitors: tuple[MonitorStatus, ...]) -> list[str]:
    """Each pause that lasts: until when, who set it and why."""
    lines = [
        f"  {m.name}: until {_when(m.pause.until)}, by {m.pause.by}: {m.pause.reason}"
        for m in monitors
        if m.pause is not None
    ]
    return [f"Paused: {len(lines)} monitor(s)", *lines, ""] if lines else []


def _discovered_lines(monitors: tuple[MonitorStatus, ...]) -> list[str]:
    names = [m.name for m in monitors if m.discovered]
    return [f"Discovered by tags: {', '.join(names)}", ""] if names else []


def render_text(report: StatusReport) -> str:
    """The table for people: one line a monitor, times in UTC, then the pauses and the open
    problems."""
    header = ("MONITOR", "STATUS", "SINCE", "AS OF", "LAST CHECKS", "NEXT DEADLINE", "PROBLEMS")
    rows = [
        (
            m.name,
            _status_cell(m),
            _when(m.since),
            _when(m.as_of),
            _last_checks(m),
            _when(m.next_deadline) if m.next_deadline else m.next_note,
            str(len(m.problems)) if m.problems else "-",
        )
        for m in report.monitors
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        f"{report.module}: {len(report.monitors)} monitor(s), from {report.table}, "
        f"at {_when(report.at)} UTC (all times UTC)",
        "",
        *(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in [header, *rows]
        ),
        "",
        *_discovered_lines(report.monitors),
        *_pause_lines(report.monitors),
    ]
    problems = [p for m in report.monitors for p in m.problems] + list(report.other_problems)
    if not report.audit:
        lines.append("Open problems: unknown (the module's audit is off)")
    elif report.audited_at is None:
        lines.append("Open problems: unknown (no audit has run yet)")
    else:
        lines.append(
            f"Open problems at the audit of {_when(report.audited_at)} UTC: {len(problems)}"
        )
        lines.extend(_problem_line(p) for p in problems)
    attention = sum(m.needs_attention for m in report.monitors)
    lines.append(
        f"{attention} of {len(report.monitors)} monitor(s) need attention"
        + (
            f"; the module has {len(report.other_problems)} problem(s)"
            if report.other_problems
            else ""
        )
        + "."
    )
    return "\n".join(lines) + "\n"


def _pause_json(pause: Pause | None) -> dict[str, str] | None:
    if pause is None:
        return None
    return {"until": iso(pause.until), "by": pause.by, "reason": pause.reason, "at": iso(pause.at)}


def render_json(report: StatusReport) -> str:
    """The same report for scripts: ISO 8601 times in UTC, null where unknown."""
    return json.dumps(
        {
            "module": report.module,
            "table": report.table,
            "at": iso(report.at.replace(microsecond=0)),
            "needs_attention": report.needs_attention,
            "audited_at": iso(report.audited_at),
            "monitors": [
                {
                    "monitor": m.name,
                    "enabled": m.enabled,
                    "discovered": m.discovered,
                    "status": m.status,
                    "since": iso(m.since),
                    "as_of": iso(m.as_of),
                    "held_until": iso(m.held_until),
                    "pause": _pause_json(m.pause),
                    "last_checks": {kind: iso(t) for kind, t in sorted(m.last_checks.items())},
                    "skipped_checks": sorted(m.skipped),
                    "next_deadline": iso(m.next_deadline),
                    "next_deadline_note": m.next_note or None,
                    "needs_attention": m.needs_attention,
                    "problems": [p.as_json() for p in m.problems],
                }
                for m in report.monitors
            ],
            "other_problems": [p.as_json() for p in report.other_problems],
        },
        indent=2,
    )
