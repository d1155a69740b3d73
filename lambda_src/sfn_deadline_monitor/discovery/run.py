"""Discovery's AWS shell, run by the audit before it audits: read the tags, make the
discovered groups' schedules match them, and say what changed.

Calls per run: 1 GetResources per 100 tagged state machines of each account (through its
member role, which adds its AssumeRole), 1 Scheduler call per schedule created, updated or
deleted (none when nothing changed), paced under the Scheduler's quota. The audit's own
ListSchedules already cover the discovered groups, and the registry's BatchGetItem reads
the discovered records with the declared ones: a run that changes nothing costs the
GetResources alone (tests/test_discovery.py counts them).

The Resource Groups Tagging API, not ListStateMachines then ListTagsForResource: the
first answers 100 state machines with their tags a call, the second one call each.

A schedule can only ever invoke the manifest's function, as the module's scheduler role,
from the discovered groups: no tag value reaches the target, and the function's role may
create schedules in those groups only and pass that role only (iam.tf).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from .. import aws
from ..errors import error_code
from ..logs import log
from ..state.discovered import discovered_items
from ..state.records import OpenProblem
from ..state.registry import DiscoverySettings, Registry, ScheduleSeen, with_discovered
from .plan import (
    ADDED,
    BAD_TAGS,
    CREATE,
    DELETE,
    DISCOVERY_REFUSED,
    REMOVED,
    UPDATE,
    Operation,
    Plan,
    plan,
    record_of,
)
from .tags import DEADLINE_TAG

# The Scheduler's documented request rates have changed: CreateSchedule, DeleteSchedule,
# GetSchedule and ListSchedules at 50 a second in its first quotas page, CreateSchedule at
# 5,000 a second in the main regions and 250 in the others now; UpdateSchedule's is not
# listed (docs.aws.amazon.com/scheduler/latest/UserGuide/scheduler-quotas.html). The
# function keeps under the lowest ever documented, leaving room for Terraform and others.
SCHEDULER_CALLS_PER_SECOND = 20
_REFUSED = frozenset({"AccessDenied", "AccessDeniedException"})
_STOPPED = frozenset({"ThrottlingException", "TooManyRequestsException"})


@dataclass(frozen=True)
class Discovery:
    """The registry and the schedules as discovery left them, what it reports (problems,
    open until gone, and notices, said once), and the discovered items to write (none
    when no monitor changed)."""

    registry: Registry
    seen: dict[tuple[str, str], ScheduleSeen]
    problems: list[OpenProblem]
    notices: list[OpenProblem]
    items: list[dict[str, Any]]


def discover(
    registry: Registry,
    seen: dict[tuple[str, str], ScheduleSeen],
    open_before: dict[str, OpenProblem],
    now: datetime,
    *,
    stop_at: float,
) -> Discovery:
    """Discover as of ``now`` against the schedules the audit listed (``seen``), until
    ``stop_at``. Only what was made is recorded: a monitor whose schedules are not all
    made (or deleted) keeps its record as it was, and the next audit finishes it."""
    settings = registry.manifest.discovery
    assert settings is not None  # the audit discovers only when discovery is on
    tagged, unread = _tagged(settings)
    planned = plan(registry, tagged, unread=unread, seen=seen, open_before=open_before, now=now)
    applied, refused = _apply(registry, settings, planned, now, stop_at)
    previous = registry.discovered_records
    records = dict(planned.kept)
    for name, monitor in planned.desired.items():
        if name in applied or not planned.operations.get(name):
            records[name] = record_of(monitor)
        elif name in previous:
            records[name] = previous[name]
    for name in set(previous) - set(records):
        if planned.operations.get(name) and name not in applied:
            records[name] = previous[name]  # its schedules are not all deleted yet
    notices = _notices(registry, records, now)
    after = dict(seen)
    for name in applied:
        for operation in planned.operations[name]:
            key = (operation.group, name)
            if operation.action == DELETE:
                after.pop(key, None)
            else:
                after[key] = ScheduleSeen("ENABLED", registry.manifest.function_arn, now)
    log(
        "discovery",
        monitors=len(records),
        applied=sorted(applied),
        waiting=sorted(set(planned.operations) - applied),
        problems=len(planned.problems),
    )
    return Discovery(
        with_discovered(registry, records),
        after,
        planned.problems + refused,
        notices,
        [] if records == previous else discovered_items(records, now),
    )


def _tagged(
    settings: DiscoverySettings,
) -> tuple[dict[str | None, list[tuple[str, dict[str, str]]]], dict[str | None, str]]:
    """Each reader's state machines that carry the deadline tag, with their tags; and the
    error of each reader AWS refused (reported, its monitors left as they were)."""
    tagged: dict[str | None, list[tuple[str, dict[str, str]]]] = {}
    unread: dict[str | None, str] = {}
    for role in (None, *settings.member_role_arns):
        try:
            tagged[role] = list_tagged(
                aws.client("resourcegroupstaggingapi", role_arn=role), settings
            )
        except ClientError as error:
            if error_code(error) not in _REFUSED:
                raise
            unread[role] = f"{error.operation_name}: {error_code(error)}"
    return tagged, unread


def list_tagged(tagging: Any, settings: DiscoverySettings) -> list[tuple[str, dict[str, str]]]:
    """The state machines ``tagging`` (a Resource Groups Tagging API client) finds tagged
    ``<prefix>deadline``, with all their tags: 100 a call."""
    pages = tagging.get_paginator("get_resources").paginate(
        TagFilters=[{"Key": settings.tag_prefix + DEADLINE_TAG}],
        ResourceTypeFilters=["states:stateMachine"],
        ResourcesPerPage=100,
    )
    return [
        (mapping["ResourceARN"], {t["Key"]: t["Value"] for t in mapping.get("Tags", [])})
        for page in pages
        for mapping in page.get("ResourceTagMappingList", [])
    ]


class _Pacer:
    """At most ``per_second`` calls in any second."""

    def __init__(self, per_second: int) -> None:
        self.interval = 1 / per_second
        self.next_at = 0.0

    def wait(self) -> None:
        pause = self.next_at - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        self.next_at = max(self.next_at, time.monotonic()) + self.interval


def _apply(
    registry: Registry, settings: DiscoverySettings, planned: Plan, now: datetime, stop_at: float
) -> tuple[set[str], list[OpenProblem]]:
    """Run the operations, monitor by monitor, until ``stop_at`` or the Scheduler's
    throttling (the rest waits for the next audit). The monitors whose operations all ran,
    and a problem when the Scheduler refuses the function's role."""
    scheduler = aws.client("scheduler")
    pacer = _Pacer(SCHEDULER_CALLS_PER_SECOND)
    applied: set[str] = set()
    for name, operations in sorted(planned.operations.items()):
        if time.monotonic() >= stop_at:
            break
        try:
            for operation in operations:
                pacer.wait()
                _run(scheduler, registry, settings, operation)
        except ClientError as error:
            code = error_code(error)
            if code == "ValidationException" and operations[0].definition is not None:
                # The Scheduler refused what the tags made: reported as the tags' problem.
                arn = operations[0].definition.state_machine_arn
                text = f"{arn}: the Scheduler refused its schedule ({error}). Fix the tags"
                planned.problems.append(OpenProblem(None, f"{BAD_TAGS}:{arn}", text, now))
                continue
            if code in _STOPPED:
                log("discovery_throttled", monitor=name, error=str(error))
                break
            if code in _REFUSED:
                text = (
                    f"the Scheduler refused the function's role ({error}): discovered monitors "
                    "cannot be created, changed or removed. Fix: terraform apply of this "
                    "release grants it; a permissions boundary or service control policy may "
                    "deny it"
                )
                return applied, [OpenProblem(None, DISCOVERY_REFUSED, text, now)]
            raise
        applied.add(name)
    return applied, []


def _run(
    scheduler: Any, registry: Registry, settings: DiscoverySettings, operation: Operation
) -> None:
    """One operation; a create that finds the schedule made (a run cut short) updates it,
    an update that finds it gone creates it, a delete that finds it gone is done."""
    key = {"Name": operation.monitor, "GroupName": operation.group}
    try:
        if operation.action == DELETE:
            scheduler.delete_schedule(**key)
            return
        request = {**key, **_definition(registry, settings, operation)}
        if operation.action == CREATE:
            scheduler.create_schedule(**request)
        else:
            scheduler.update_schedule(**request)
    except ClientError as error:
        code = error_code(error)
        if operation.action == CREATE and code == "ConflictException":
            scheduler.update_schedule(**key, **_definition(registry, settings, operation))
        elif operation.action == UPDATE and code == "ResourceNotFoundException":
            scheduler.create_schedule(**key, **_definition(registry, settings, operation))
        elif not (operation.action == DELETE and code == "ResourceNotFoundException"):
            raise


def _definition(
    registry: Registry, settings: DiscoverySettings, operation: Operation
) -> dict[str, Any]:
    """A schedule as modules/schedules declares one: exactly on time, the module's
    function as the module's scheduler role, its retries and dead-letter queue."""
    monitor = operation.definition
    assert monitor is not None  # creates and updates carry their definition
    target: dict[str, Any] = {
        "Arn": registry.manifest.function_arn,
        "RoleArn": settings.scheduler_role_arn,
        "Input": json.dumps(monitor.inputs[operation.kind]),
        "RetryPolicy": {
            "MaximumEventAgeInSeconds": settings.retry_policy["maximum_event_age_in_seconds"],
            "MaximumRetryAttempts": settings.retry_policy["maximum_retry_attempts"],
        },
        "DeadLetterConfig": {"Arn": settings.dead_letter_arn},
    }
    definition: dict[str, Any] = {
        "ScheduleExpression": monitor.expressions[operation.kind],
        "ScheduleExpressionTimezone": monitor.timezone,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": "ENABLED",
        "Description": (
            f"{operation.kind} check of {monitor.state_machine_arn}, discovered by its tags"
        ),
        "Target": target,
    }
    if settings.kms_key_arn is not None:
        definition["KmsKeyArn"] = settings.kms_key_arn
    return definition


def _notices(
    registry: Registry, records: dict[str, dict[str, Any]], now: datetime
) -> list[OpenProblem]:
    """A line, said once, for each monitor discovery now records or no longer does."""
    settings = registry.manifest.discovery
    assert settings is not None
    previous = registry.discovered_records
    declared = {m.state_machine_arn for m in registry.monitors.values() if not m.discovered}
    notices = []
    for name in sorted(set(records) - set(previous)):
        record = records[name]
        when = ", ".join(f"{k} {s['expression']}" for k, s in sorted(record["schedules"].items()))
        text = (
            f"now monitored from the tags of {record['state_machine_arn']}: {when} in "
            f"{record['timezone']}"
        )
        notices.append(OpenProblem(name, ADDED, text, now))
    for name in sorted(set(previous) - set(records)):
        arn = previous[name].get("state_machine_arn")
        why = (
            "a declared monitor watches it now"
            if arn in declared
            else f"its tag {settings.tag_prefix}{DEADLINE_TAG} is gone (removed, or the "
            "state machine deleted)"
        )
        text = f"no longer monitored from the tags of {arn}: {why}; its schedules are deleted"
        notices.append(OpenProblem(name, REMOVED, text, now))
    return notices
