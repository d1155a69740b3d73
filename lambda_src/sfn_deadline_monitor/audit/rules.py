"""The audit: is every monitor still checking? Pure functions over what AWS holds.

A deadline monitor is trusted only while it is known to run. The audit holds the registry
(what Terraform declared) against the schedules AWS has, the checks that completed
(``checked#`` items) and the failure queues, and finds:

- a schedule missing, DISABLED while its monitor is enabled, or invoking something else;
- a monitor quiet: no check completed for the schedule's last fire time (evaluated in
  the monitor's zone) although ``grace`` has passed since, because the function failed
  before it could record, or a check waits in a failure queue;
- a fire time the Scheduler skipped: a wall time that does not exist on a daylight
  saving day never fires, so that window's run was never checked;
- a failure queue that holds messages;
- a monitored state machine that does not exist or is not STANDARD (audit/machines.py), which
  the monitor's checks can only report as ERROR at its deadline; and an account whose
  state machines the audit could not list, which is reported as such, never as "all
  exist".

A fire time before the schedule's last change is not judged: the schedule did not exist
then as it is now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from ..check.fire_times import previous_fire, skipped_fire
from ..check.schedule_expression import Rate
from ..state.records import OpenProblem, checked_key
from ..state.registry import MonitorSpec, Registry, ScheduleSeen, ScheduleSpec
from .machines import FIXES, MISSING, NOT_STANDARD, Listing, fault

QUIET, SKIPPED = "quiet", "skipped"
SCHEDULE_MISSING, SCHEDULE_DISABLED, SCHEDULE_RETARGETED = (
    "schedule_missing",
    "schedule_disabled",
    "schedule_retargeted",
)
QUEUE_NOT_EMPTY = "queue_not_empty"
STATE_MACHINES_UNREAD = "state_machines_unread"
_QUEUE_CONTENTS = {
    "undelivered": "checks and failure events the Scheduler or EventBridge could not deliver",
    "check_failures": "checks that failed in the function after Lambda's retries",
}


# Who lists a monitor's state machines, and where: its member role (None: the function's
# own role) and the state machine's region.
Reader = tuple[str | None, str]


@dataclass(frozen=True)
class Findings:
    """What an audit changes: problems new since the last audit, those gone, all open."""

    new: tuple[OpenProblem, ...]
    recovered: tuple[OpenProblem, ...]
    open: dict[str, OpenProblem]
    # Said once, never open: monitors discovery now records or no longer does.
    notices: tuple[OpenProblem, ...] = ()


def find_problems(
    registry: Registry,
    schedules: dict[tuple[str, str], ScheduleSeen],
    checked: dict[str, datetime],
    queue_depths: dict[str, int],
    now: datetime,
) -> list[OpenProblem]:
    """Every problem the audit sees now; ``schedules`` is keyed by (group, name) and
    ``checked`` by ``checked#`` key."""
    problems = []
    for monitor in registry.monitors.values():
        for spec in monitor.schedules:
            seen = schedules.get((spec.group, monitor.name))
            problem = _schedule_problem(registry, monitor, spec, seen, now)
            if problem is None and seen is not None and monitor.enabled:
                last = checked.get(checked_key(monitor.name, spec.kind))
                problem = _quiet(registry, monitor, spec, seen, last, now=now)
            if problem is not None:
                problems.append(problem)
    for queue, depth in sorted(queue_depths.items()):
        if depth > 0:
            url = registry.manifest.queues[queue]
            text = (
                f"{depth} message(s) wait in the {queue} queue ({url}): "
                f"{_QUEUE_CONTENTS.get(queue, 'undelivered work')}. Read them (aws sqs "
                "receive-message), check what they name by hand, then delete them."
            )
            problems.append(OpenProblem(None, f"{QUEUE_NOT_EMPTY}:{queue}", text, now))
    return problems


def _schedule_problem(
    registry: Registry,
    monitor: MonitorSpec,
    spec: ScheduleSpec,
    seen: ScheduleSeen | None,
    now: datetime,
) -> OpenProblem | None:
    where = f"its {spec.kind} schedule {spec.group}/{monitor.name}"
    fix = (
        "fix its state machine's tags, which discovery reports: the next audit restores it"
        if monitor.discovered
        else "run terraform apply to restore it"
    )
    if seen is None:
        return OpenProblem(
            monitor.name, f"{SCHEDULE_MISSING}:{spec.kind}", f"{where} is missing: {fix}", now
        )
    if monitor.enabled and seen.state != "ENABLED":
        text = f"{where} is {seen.state} although the module has it enabled: {fix}"
        return OpenProblem(monitor.name, f"{SCHEDULE_DISABLED}:{spec.kind}", text, now)
    if seen.target_arn != registry.manifest.function_arn:
        text = f"{where} invokes {seen.target_arn}, not the check function: {fix}"
        return OpenProblem(monitor.name, f"{SCHEDULE_RETARGETED}:{spec.kind}", text, now)
    return None


def _quiet(
    registry: Registry,
    monitor: MonitorSpec,
    spec: ScheduleSpec,
    seen: ScheduleSeen,
    last: datetime | None,
    *,
    now: datetime,
) -> OpenProblem | None:
    """The fire time whose check should have completed by now, if none did (``last`` is
    the scheduled time of the latest check that completed)."""
    grace = registry.manifest.audit_grace
    if grace is None:
        return None
    cutoff = now - grace
    expression = spec.expression
    fired: datetime | None
    skipped: datetime | None = None
    if isinstance(expression, Rate):  # fires every interval from a creation time unknown here
        fired = cutoff - expression.interval
    else:
        fired = previous_fire(
            expression, monitor.timezone, cutoff, start=spec.start_date, end=spec.end_date
        )
        skipped = skipped_fire(expression, monitor.timezone, fired or seen.modified, cutoff)
    due = max((t for t in (fired, skipped) if t is not None), default=None)
    if due is None or due < seen.modified or (last is not None and last >= due):
        return None
    ago = f"last completed: {last.isoformat()}" if last else "none has completed yet"
    if due == skipped:
        text = (
            f"the Scheduler skipped its {spec.kind} check due at {due.isoformat()}: that time "
            f"does not exist in {monitor.timezone} on a daylight saving change, so that "
            f"window's run was not checked ({ago}). Check it by hand: python -m "
            f"sfn_deadline_monitor check --state-machine-arn {monitor.state_machine_arn} "
            f"--lookback {int(monitor.lookback.total_seconds() // 60)} --at {due.isoformat()}"
        )
        return OpenProblem(monitor.name, f"{SKIPPED}:{spec.kind}", text, now)
    text = (
        f"no {spec.kind} check completed for its fire time {due.isoformat()} ({ago}), "
        f"{int(grace.total_seconds() // 60)} minutes of grace later: the function may have "
        "failed before it could record (see its log group and the check-failures queue)"
    )
    return OpenProblem(monitor.name, f"{QUIET}:{spec.kind}", text, now)


def reader_of(monitor: MonitorSpec) -> Reader:
    """The role and region through which the audit lists ``monitor``'s state machine."""
    return monitor.role_arn, monitor.state_machine_arn.split(":")[3]


def state_machine_problems(
    registry: Registry,
    listed: Mapping[Reader, Listing],
    unread: Mapping[Reader, str],
    open_before: Mapping[str, OpenProblem],
    now: datetime,
) -> list[OpenProblem]:
    """Each monitored state machine that does not exist or is not STANDARD, from the
    state machines ``listed`` by each reader; a reader whose list failed (``unread``: its
    error) is a problem of its own, and its monitors' state machine problems stay open as
    they were: not read is not recovered."""
    own_account = registry.manifest.function_arn.split(":")[4]
    problems = []
    unverified: dict[Reader, list[str]] = {}
    for monitor in registry.monitors.values():
        reader = reader_of(monitor)
        if reader in unread:
            unverified.setdefault(reader, []).append(monitor.name)
            problems += [
                p
                for p in open_before.values()
                if p.monitor == monitor.name and p.kind in (MISSING, NOT_STANDARD)
            ]
            continue
        account = own_account if reader[0] is None else reader[0].split(":")[4]
        found = fault(monitor.state_machine_arn, account, listed[reader])
        if found is not None:
            kind, what = found
            text = f"{what}: each of its checks reports ERROR. Fix: {FIXES[kind]}"
            problems.append(OpenProblem(monitor.name, kind, text, now))
    for reader, names in sorted(unverified.items(), key=str):
        problems.append(_unread(reader, unread[reader], sorted(names), now))
    return problems


def _unread(reader: Reader, error: str, names: list[str], now: datetime) -> OpenProblem:
    role, region = reader
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    if role is None:
        who = "the function's role"
        fix = (
            "let the function's role call states:ListStateMachines (terraform apply of this "
            "release grants it; a permissions boundary or service control policy may deny it)"
        )
    else:
        who = f"the member role {role}"
        fix = (
            f"apply modules/member-role of this release in account {role.split(':')[4]}, "
            "which grants states:ListStateMachines"
        )
    text = (
        f"{who} could not list the state machines in {region} ({error}), so the audit "
        f"cannot tell whether the state machines of {len(names)} monitor(s) exist: {shown}. "
        f"Fix: {fix}"
    )
    return OpenProblem(None, f"{STATE_MACHINES_UNREAD}:{role or 'function'}:{region}", text, now)


def reconcile(open_before: dict[str, OpenProblem], found: list[OpenProblem]) -> Findings:
    """Each problem is reported once: new when not open before, recovered when gone."""
    found_by_key = {p.key: p for p in found}
    new = tuple(p for key, p in found_by_key.items() if key not in open_before)
    recovered = tuple(p for key, p in open_before.items() if key not in found_by_key)
    still_open = {
        key: replace(p, since=open_before[key].since) if key in open_before else p
        for key, p in found_by_key.items()
    }
    return Findings(new, recovered, still_open)
