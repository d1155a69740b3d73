"""What discovery changes: the tagged state machines against the registry and the schedules
that exist. Pure, as the audit's rules are.

- A state machine a declared monitor watches is Terraform's: its tags are ignored, and
  what discovery made for it before is deleted.
- Tags that fail are a problem the audit reports (once, and RECOVERED when fixed). A
  monitor discovered before keeps its schedules meanwhile: a typo must not silence it.
- An account whose tags could not be read changes nothing: not read is not removed.
- Every schedule in the discovered groups that no monitor owns is deleted: the groups are
  the module's, and discovery is what writes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..check.contract import AT_RISK, DEADLINE, START
from ..check.monitor_settings import base_state_machine_arn
from ..state.records import OpenProblem
from ..state.registry import Registry, ScheduleSeen
from .tags import NAME_TAG, UPSTREAM_TAG, Discovered, TagProblem, read_tags

KINDS = (DEADLINE, START, AT_RISK)
CREATE, UPDATE, DELETE = "create", "update", "delete"
BAD_TAGS, DISCOVERY_UNREAD, DISCOVERY_REFUSED = "bad_tags", "discovery_unread", "discovery_refused"
ADDED, REMOVED = "discovered", "undiscovered"

# A reader of tags: its member role (None: the function's own).
Tagged = Mapping[str | None, list[tuple[str, dict[str, str]]]]


@dataclass(frozen=True)
class Operation:
    action: str
    monitor: str
    kind: str
    group: str
    definition: Discovered | None = None  # what a create or update writes


@dataclass
class Plan:
    """The monitors the tags declare, those kept as they were, the problems, and the
    schedule operations that make the discovered groups match, by monitor."""

    desired: dict[str, Discovered] = field(default_factory=dict)
    kept: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[OpenProblem] = field(default_factory=list)
    operations: dict[str, list[Operation]] = field(default_factory=dict)


def record_of(monitor: Discovered) -> dict[str, Any]:
    """A discovered monitor as the registry records it (registry.tf's shape, and the
    digest of what its schedules hold)."""
    return {
        "state_machine_arn": monitor.state_machine_arn,
        "role_arn": monitor.role_arn,
        "timezone": monitor.timezone,
        "lookback_minutes": monitor.lookback_minutes,
        "message_format": monitor.inputs[DEADLINE]["message_format"],
        "enabled": True,
        "schedules": {kind: {"expression": e} for kind, e in monitor.expressions.items()},
        "failure_rule": None,
        "digest": monitor.digest,
    }


def plan(
    registry: Registry,
    tagged: Tagged,
    *,
    unread: Mapping[str | None, str],
    seen: Mapping[tuple[str, str], ScheduleSeen],
    open_before: Mapping[str, OpenProblem],
    now: datetime,
) -> Plan:
    """What discovery does now; ``tagged`` holds each reader's tagged state machines and
    ``unread`` the error of each reader AWS refused."""
    settings = registry.manifest.discovery
    assert settings is not None  # the audit plans only when discovery is on
    result = Plan()
    declared = {n: m for n, m in registry.monitors.items() if not m.discovered}
    declared_arns = {base_state_machine_arn(m.state_machine_arn) for m in declared.values()}
    previous = registry.discovered_records
    candidates: list[Discovered] = []
    for role, machines in tagged.items():
        for arn, tags in sorted(machines):
            if arn not in declared_arns:
                read = read_tags(arn, tags, settings, role, now)
                if isinstance(read, TagProblem):
                    _bad(result, read, previous, now)
                else:
                    candidates.append(read)
    for monitor, problem in _conflicts(candidates, declared, settings.tag_prefix):
        if problem is None:
            result.desired[monitor.name] = monitor
        else:
            _bad(result, problem, previous, now)
    own_account = registry.manifest.function_arn.split(":")[4]
    for role, error in unread.items():
        _unread(
            result,
            previous=previous,
            open_before=open_before,
            role=role,
            error=error,
            own_account=own_account,
            now=now,
        )
    _operations(result, settings.schedule_groups, previous, seen, registry.manifest.function_arn)
    return result


def _unread(
    result: Plan,
    *,
    previous: Mapping[str, dict[str, Any]],
    open_before: Mapping[str, OpenProblem],
    role: str | None,
    error: str,
    own_account: str,
    now: datetime,
) -> None:
    """An account whose tags could not be read: its monitors and bad tags stay as they were."""
    account = own_account if role is None else role.split(":")[4]
    for name, record in previous.items():
        arn = record.get("state_machine_arn", "")
        if arn.split(":")[4:5] == [account] and name not in result.desired:
            result.kept.setdefault(name, record)
    result.problems += [
        p
        for p in open_before.values()
        if p.kind.startswith(f"{BAD_TAGS}:") and p.kind.split(":")[5:6] == [account]
    ]
    who = "the function's role" if role is None else f"the member role {role}"
    text = (
        f"{who} could not read the tags of account {account}'s state machines ({error}): "
        "its discovered monitors stay as they were. Fix: grant tag:GetResources (terraform "
        "apply of this release, or modules/member-role with discovery_tag_prefix)"
    )
    kind = f"{DISCOVERY_UNREAD}:{role or 'function'}"
    result.problems.append(OpenProblem(None, kind, text, now))


def _operations(
    result: Plan,
    groups: Mapping[str, str],
    previous: Mapping[str, dict[str, Any]],
    seen: Mapping[tuple[str, str], ScheduleSeen],
    function_arn: str,
) -> None:
    """Create what is missing, update what changed (its tags, or by hand), delete what no
    monitor owns."""
    owned = {
        (groups[kind], name) for name, m in result.desired.items() for kind in m.expressions
    } | {
        (groups[kind], name)
        for name, record in result.kept.items()
        for kind in record.get("schedules", {})
        if kind in groups
    }
    for name, monitor in sorted(result.desired.items()):
        digest = previous.get(name, {}).get("digest")
        for kind in monitor.expressions:
            now_seen = seen.get((groups[kind], name))
            if now_seen is None:
                action = CREATE
            elif (
                digest != monitor.digest
                or now_seen.state != "ENABLED"
                or now_seen.target_arn != function_arn
            ):
                action = UPDATE
            else:
                continue
            operation = Operation(action, name, kind, groups[kind], monitor)
            result.operations.setdefault(name, []).append(operation)
    kinds = {group: kind for kind, group in groups.items()}
    for group, name in sorted(set(seen) - owned):
        if group in kinds:
            operation = Operation(DELETE, name, kinds[group], group)
            result.operations.setdefault(name, []).append(operation)


def _bad(
    result: Plan, problem: TagProblem, previous: Mapping[str, dict[str, Any]], now: datetime
) -> None:
    """Report ``problem``; a monitor discovered before from this state machine is kept."""
    arn = problem.state_machine_arn
    name = next((n for n, r in previous.items() if r.get("state_machine_arn") == arn), None)
    where = "" if problem.tag is None else f"tag {problem.tag}: "
    if name is not None:
        result.kept[name] = previous[name]
        after = f"it is still checked as monitor {name}, as its last valid tags said"
    else:
        after = "nothing is monitored from its tags until then"
    text = f"{problem.state_machine_arn}: {where}{problem.text}. Fix the tag; {after}"
    result.problems.append(OpenProblem(None, f"{BAD_TAGS}:{problem.state_machine_arn}", text, now))


def _conflicts(
    candidates: list[Discovered], declared: Mapping[str, Any], prefix: str
) -> list[tuple[Discovered, TagProblem | None]]:
    """Each candidate, with what keeps it from being monitored: a name a declared monitor
    or another tagged state machine holds, an upstream that is no monitor, or a cycle."""
    counts: dict[str, int] = {}
    for monitor in candidates:
        counts[monitor.name] = counts.get(monitor.name, 0) + 1
    names = set(declared) | set(counts)
    upstream = {m.name: m.upstream for m in candidates if counts[m.name] == 1}
    judged: list[tuple[Discovered, TagProblem | None]] = []
    for monitor in candidates:
        name, tag, text = monitor.name, f"{prefix}{NAME_TAG}", None
        if name in declared:
            text = f"monitor name {name} is a declared monitor's: set another"
        elif counts[name] > 1:
            text = (
                f"{counts[name]} tagged state machines take the monitor name {name}: set "
                "another on all but one"
            )
        elif unknown := [u for u in monitor.upstream if u not in names]:
            tag, text = (
                f"{prefix}{UPSTREAM_TAG}",
                (f"upstream {', '.join(unknown)} is not a monitor (declared or discovered)"),
            )
        elif _in_cycle(name, upstream):
            tag, text = (
                f"{prefix}{UPSTREAM_TAG}",
                (
                    f"upstream makes a cycle ({name} waits, through its upstream monitors, for "
                    "itself): remove one of the names"
                ),
            )
        problem = None if text is None else TagProblem(monitor.state_machine_arn, tag, text)
        judged.append((monitor, problem))
    return judged


def _in_cycle(start: str, upstream: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether ``start`` reaches itself upstream (declared monitors name only declared
    ones upstream, so a cycle lies among the discovered)."""
    stack, reached = list(upstream.get(start, ())), set()
    while stack:
        name = stack.pop()
        if name == start:
            return True
        if name not in reached:
            reached.add(name)
            stack += upstream.get(name, ())
    return False
