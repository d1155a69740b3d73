"""The registry: what the module meant to deploy, as registry.tf writes it to the state table.

The audit and the status and doctor commands hold what AWS has against it: a schedule
deleted by hand is missing from AWS, never from the registry. Two kinds of item:
``registry`` (the module's resources, and how many monitor chunks there are) and
``registry#NN`` (up to 100 monitors each).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..check.schedule_expression import Expression, parse
from ..logs import log
from .discovered import DISCOVERED_KEY, chunk_keys, records_of
from .records import get_items

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

MANIFEST_KEY = "registry"


class RegistryError(RuntimeError):
    """The registry is missing or unreadable: the module was applied without the state
    table, not yet applied, or from another release."""


@dataclass(frozen=True)
class ScheduleSpec:
    """One schedule of a monitor as Terraform declared it; it is named after the monitor."""

    kind: str
    group: str
    expression: Expression
    start_date: datetime | None = None
    end_date: datetime | None = None


@dataclass(frozen=True)
class ScheduleSeen:
    """A schedule as ListSchedules shows it: what AWS has, held against what is declared."""

    state: str
    target_arn: str
    modified: datetime


@dataclass(frozen=True)
class MonitorSpec:
    name: str
    state_machine_arn: str
    role_arn: str | None
    timezone: str
    lookback: timedelta
    enabled: bool
    schedules: tuple[ScheduleSpec, ...]
    failure_rule: str | None
    # Declared by the state machine's tags (state/discovered.py), not by Terraform.
    discovered: bool = False


@dataclass(frozen=True)
class RoleSpec:
    """A role the module creates, and every IAM action its policies grant it (the module's
    role_actions): what its permissions boundary must allow."""

    arn: str
    actions: tuple[str, ...]


@dataclass(frozen=True)
class DiscoverySettings:
    """How the audit discovers monitors by tag (discovery/): registry.tf's ``discovery``,
    present only when the module turns discovery on."""

    tag_prefix: str
    member_role_arns: tuple[str, ...]
    schedule_groups: dict[str, str]
    scheduler_role_arn: str
    dead_letter_arn: str
    retry_policy: dict[str, int]
    kms_key_arn: str | None
    lookback_minutes: int
    message_format: str
    calendars: dict[str, dict[str, Any]]
    maintenance_windows: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Manifest:
    """The module's own resources, by what they are for."""

    name: str
    region: str
    function_arn: str
    alert_topic_arn: str
    alarm_topic_arn: str
    schedule_groups: dict[str, str]
    audit_grace: timedelta | None
    audit_format: str
    queues: dict[str, str]
    failure_rules: tuple[str, ...]
    alarms: tuple[str, ...]
    kms_keys: dict[str, str]
    key_policies: dict[str, list[dict[str, Any]]]
    # Empty in a registry written by a release before roles were recorded.
    roles: dict[str, RoleSpec]
    # The bus alerts are also put on (event_bus_name); None without one, and in a
    # registry written before events.
    event_bus_arn: str | None = None
    discovery: DiscoverySettings | None = None


@dataclass(frozen=True)
class Registry:
    manifest: Manifest
    monitors: dict[str, MonitorSpec]
    # The discovered monitors' records as discovery wrote them, a declared name's too.
    discovered_records: dict[str, dict[str, Any]] = field(default_factory=dict)


def load(dynamodb: DynamoDBClient, table: str) -> Registry:
    """Read the manifest and every monitor chunk, declared and discovered (1 BatchGetItem,
    then 1 per 100 chunks). A declared monitor wins over a discovered one of its name."""
    found = get_items(dynamodb, table, [MANIFEST_KEY, DISCOVERED_KEY])
    if MANIFEST_KEY not in found:
        raise RegistryError(
            f"{table} holds no registry: apply the module (with its state table) from this "
            "release first"
        )
    try:
        item = found[MANIFEST_KEY]
        manifest = _manifest(json.loads(item["manifest"]["S"]))
        keys = [f"{MANIFEST_KEY}#{n:02d}" for n in range(int(item["chunks"]["N"]))]
        found_keys = chunk_keys(found.get(DISCOVERED_KEY)) if manifest.discovery else []
        chunks = get_items(dynamodb, table, keys + found_keys)
        monitors: dict[str, MonitorSpec] = {}
        for key in keys:
            for name, spec in json.loads(chunks[key]["monitors"]["S"]).items():
                monitors[name] = monitor_spec(name, spec, manifest.schedule_groups)
    except (KeyError, ValueError, TypeError) as error:
        raise RegistryError(f"the registry in {table} is unreadable ({error!r})") from error
    declared = Registry(manifest, monitors)
    return with_discovered(declared, records_of(chunks, found_keys))


def with_discovered(registry: Registry, records: dict[str, dict[str, Any]]) -> Registry:
    """``registry``'s declared monitors and the discovered ``records`` whose names they do
    not take (a declared monitor wins); a record this release cannot read is logged and
    left out (a later release may have written it)."""
    monitors = {n: m for n, m in registry.monitors.items() if not m.discovered}
    discovery = registry.manifest.discovery
    for name, spec in records.items():
        if discovery is None or name in monitors:
            continue
        try:
            monitors[name] = replace(
                monitor_spec(name, spec, discovery.schedule_groups), discovered=True
            )
        except (KeyError, ValueError, TypeError) as error:
            log("unreadable_state", key=f"{DISCOVERED_KEY}:{name}", reason=repr(error))
    return replace(registry, monitors=monitors, discovered_records=records)


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def monitor_spec(name: str, spec: dict[str, Any], groups: dict[str, str]) -> MonitorSpec:
    """A monitor as the registry records it; ``groups``: its schedule group by kind."""
    return MonitorSpec(
        name=name,
        state_machine_arn=spec["state_machine_arn"],
        role_arn=spec.get("role_arn"),
        timezone=spec["timezone"],
        lookback=timedelta(minutes=spec["lookback_minutes"]),
        enabled=spec["enabled"],
        schedules=tuple(
            ScheduleSpec(
                kind=kind,
                group=groups[kind],
                expression=parse(schedule["expression"]),
                start_date=_time(schedule.get("start_date")),
                end_date=_time(schedule.get("end_date")),
            )
            for kind, schedule in sorted(spec["schedules"].items())
        ),
        failure_rule=spec.get("failure_rule"),
    )


def _manifest(data: dict[str, Any]) -> Manifest:
    audit = data.get("audit")
    return Manifest(
        name=data["name"],
        region=data["region"],
        function_arn=data["function_arn"],
        alert_topic_arn=data["alert_topic_arn"],
        alarm_topic_arn=data["alarm_topic_arn"],
        schedule_groups=data["schedule_groups"],
        audit_grace=None if audit is None else timedelta(minutes=audit["grace_minutes"]),
        audit_format="text" if audit is None else audit["message_format"],
        queues=data["queues"],
        failure_rules=tuple(data["failure_rules"]),
        alarms=tuple(data["alarms"]),
        kms_keys=data["kms_keys"],
        key_policies=data["key_policies"],
        roles={
            use: RoleSpec(role["arn"], tuple(role["actions"]))
            for use, role in data.get("roles", {}).items()
        },
        event_bus_arn=data.get("event_bus_arn"),
        discovery=None if data.get("discovery") is None else _discovery(data["discovery"]),
    )


def _discovery(data: dict[str, Any]) -> DiscoverySettings:
    return DiscoverySettings(
        tag_prefix=data["tag_prefix"],
        member_role_arns=tuple(data["member_role_arns"]),
        schedule_groups=data["schedule_groups"],
        scheduler_role_arn=data["scheduler_role_arn"],
        dead_letter_arn=data["dead_letter_arn"],
        retry_policy=data["retry_policy"],
        kms_key_arn=data.get("kms_key_arn"),
        lookback_minutes=data["lookback_minutes"],
        message_format=data["message_format"],
        calendars=data.get("calendars") or {},
        maintenance_windows=tuple(data.get("maintenance_windows") or ()),
    )
