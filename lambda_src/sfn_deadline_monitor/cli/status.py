"""``status``: every monitor of a deployed module at a glance, from its state table alone.

For each monitor the registry declares: its last status and since when (and until when
its alert is held), the last check of each kind, the next deadline, its pause while it
lasts, and the problems the audit holds open (with the module's own problems after them).
A table for people, ``--format json`` for scripts (cli/status_report.py); the exit status
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
import sys
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ..check.fire_times import next_fire
from ..check.maintenance import Pause
from ..check.schedule_expression import Rate, ScheduleExpressionError
from ..state.records import (
    AUDIT_KEY,
    OpenProblem,
    UnreadableItemError,
    checked_key,
    get_items,
    has_status,
    last_checked,
    monitor_key,
    monitor_state,
    open_problems,
    pause_of,
    was_skipped,
)
from ..state.registry import MonitorSpec, Registry
from .common import EXIT_NOT_OK, EXIT_OK, CommandError, add_module_flags, open_deployment
from .status_report import MonitorStatus, StatusReport, render_json, render_text


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
    if not spec.enabled:  # declared with its schedules disabled; a ``pause`` shows apart
        return None, "disabled"
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
    as_of = since = held = None
    if item is not None and has_status(item):  # not one ``pause`` wrote before any check
        try:
            state = monitor_state(item)
            status, as_of, since = state.status.value, state.as_of, state.since or state.as_of
            held = state.held_until
        except UnreadableItemError:  # a later release's item, or a damaged one
            status = "UNREADABLE"
    return MonitorStatus(
        spec.name,
        spec.enabled,
        status,
        as_of,
        since,
        checks,
        fire,
        note,
        problems,
        skipped,
        held_until=held,
        pause=live_pause(item, now),
        discovered=spec.discovered,
    )


def live_pause(item: dict[str, Any] | None, now: datetime) -> Pause | None:
    """The pause on a ``monitor#`` item while it lasts: one that has ended is nothing, as
    is one this release cannot read (the check then sends, as for no pause)."""
    with suppress(UnreadableItemError):
        pause = pause_of(item)
        if pause is not None and now < pause.until:
            return pause
    return None


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
