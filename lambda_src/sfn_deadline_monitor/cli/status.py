"""``status``: every monitor of a deployed module at a glance, from its state table alone.

For each monitor the registry declares: its last status and since when, the last check of
each kind, the next deadline, and the problems the audit holds open (with the module's own
problems after them). A table for people, ``--format json`` for scripts; the exit status
says whether anything needs attention: 0 no, 1 yes (a last status other than OK or
RECOVERED, or an open problem), 2 bad arguments, 3 the table could not be read.

Calls: every read is a strongly consistent BatchGetItem of 100 keys (records.get_items):
the registry takes 2 (its manifest, then its chunks of 100 monitors, up to 10,000
monitors), the state ``ceil((monitors + schedules + 1) / 100)``: at 1,000 monitors with a
deadline schedule each, 21, with all three kinds of schedule, 41; so 23 to 43 calls in all,
plus a retry for any keys DynamoDB leaves unprocessed. No other service is called: the
next deadline is computed from the registry's expressions (check/fire_times.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ..check.fire_times import next_fire
from ..check.schedule_expression import Rate, ScheduleExpressionError
from ..check.verdict import Status
from ..formatting import iso
from ..state.records import (
    AUDIT_KEY,
    OpenProblem,
    UnreadableItemError,
    checked_key,
    get_items,
    last_checked,
    monitor_key,
    monitor_state,
    open_problems,
    was_skipped,
)
from ..state.registry import MonitorSpec, Registry
from .common import EXIT_NOT_OK, EXIT_OK, CommandError, add_module_flags, open_deployment

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

    @property
    def needs_attention(self) -> bool:
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


def state_keys(registry: Registry) -> list[str]:
    """Every item ``status`` reads: the audit, and each monitor's status and checks."""
    keys = [AUDIT_KEY]
    for name, spec in registry.monitors.items():
        keys.append(monitor_key(name))
        keys.extend(checked_key(name, schedule.kind) for schedule in spec.schedules)
    return keys


def next_deadline(
    spec: MonitorSpec, last_check: datetime | None, now: datetime
) -> tuple[datetime | None, str]:
    """The deadline schedule's next fire after ``now``, and a note when there is none or
    it is only inferred. A rate counts from its start date, else from when the Scheduler
    created it, which the registry does not hold: the last check's scheduled time is one
    of its fires, so the count goes on from there."""
    if not spec.enabled:
        return None, "paused"
    schedule = next(s for s in spec.schedules if s.kind == "deadline")
    anchor, note = None, ""
    if isinstance(schedule.expression, Rate):
        anchor = schedule.start_date or last_check
        if anchor is None:
            return None, "unknown (a rate, not checked yet)"
        note = "" if schedule.start_date else "counted from the last check (a rate)"
    try:
        fire = next_fire(
            schedule.expression,
            spec.timezone,
            now,
            anchor=anchor,
            start=schedule.start_date,
            end=schedule.end_date,
        )
    except ScheduleExpressionError as error:
        return None, f"unknown: {error}"
    return (fire, note) if fire else (None, "none (the schedule has ended)")


def _row(
    spec: MonitorSpec,
    items: dict[str, dict[str, Any]],
    problems: tuple[OpenProblem, ...],
    now: datetime,
) -> MonitorStatus:
    checks = {}
    for schedule in spec.schedules:
        with suppress(KeyError, UnreadableItemError):  # never checked, or unreadable
            checks[schedule.kind] = last_checked(items[checked_key(spec.name, schedule.kind)])
    skipped = frozenset(k for k in checks if was_skipped(items[checked_key(spec.name, k)]))
    fire, note = next_deadline(spec, checks.get("deadline"), now)
    item = items.get(monitor_key(spec.name))
    status: str | None = None
    as_of = since = None
    if item is not None:
        try:
            state = monitor_state(item)
            status, as_of, since = state.status.value, state.as_of, state.since or state.as_of
        except UnreadableItemError:  # a later release's item, or a damaged one
            status = "UNREADABLE"
    return MonitorStatus(
        spec.name, spec.enabled, status, as_of, since, checks, fire, note, problems, skipped
    )


def build(
    registry: Registry, table: str, items: dict[str, dict[str, Any]], now: datetime
) -> StatusReport:
    """The report of the items read (pure: what ``status`` judges and prints)."""
    audit_item = items.get(AUDIT_KEY)
    problems = open_problems(audit_item).values()
    by_monitor = {
        name: tuple(p for p in problems if p.monitor == name) for name in registry.monitors
    }
    return StatusReport(
        module=registry.manifest.name,
        table=table,
        at=now,
        audit=registry.manifest.audit_grace is not None,
        audited_at=None
        if audit_item is None
        else datetime.fromisoformat(audit_item["audited_at"]["S"]),
        monitors=tuple(
            _row(spec, items, by_monitor[name], now)
            for name, spec in sorted(registry.monitors.items())
        ),
        other_problems=tuple(p for p in problems if p.monitor not in registry.monitors),
    )


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def _problem_line(problem: OpenProblem) -> str:
    who = problem.monitor or "(module)"
    return f"  {who}: {problem.kind} since {_when(problem.since)}: {problem.text}"


def _last_checks(m: MonitorStatus) -> str:
    """``deadline 2026-12-25 17:00 (skipped); start ...``, sorted by kind."""
    cells = (f"{k} {_when(t)}" + " (skipped)" * (k in m.skipped) for k, t in m.last_checks.items())
    return "; ".join(sorted(cells)) or "-"


def render_text(report: StatusReport) -> str:
    """The table for people: one line a monitor, times in UTC, then the open problems."""
    header = ("MONITOR", "STATUS", "SINCE", "AS OF", "LAST CHECKS", "NEXT DEADLINE", "PROBLEMS")
    rows = [
        (
            m.name,
            m.status or "-",
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
                    "status": m.status,
                    "since": iso(m.since),
                    "as_of": iso(m.as_of),
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


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "status",
        help="every monitor of a deployed module: last status, checks, next deadline, problems",
        description="Exit status: 0 nothing needs attention, 1 a monitor's last status is "
        "not OK or a problem is open, 2 bad arguments, 3 the state table could not be read.",
    )
    add_module_flags(parser)
    parser.add_argument("--format", default="text", choices=("text", "json"))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    deployment = open_deployment(args)
    try:
        items = get_items(deployment.dynamodb, deployment.table, state_keys(deployment.registry))
    except (ClientError, BotoCoreError, RuntimeError) as error:
        raise CommandError(f"could not read {deployment.table}: {error}") from error
    try:
        report = build(deployment.registry, deployment.table, items, datetime.now(UTC))
    except (KeyError, ValueError) as error:  # an audit item of another release
        message = f"could not read the audit item of {deployment.table}: {error!r}"
        raise CommandError(message) from error
    sys.stdout.write(render_json(report) + "\n" if args.format == "json" else render_text(report))
    return EXIT_NOT_OK if report.needs_attention else EXIT_OK
