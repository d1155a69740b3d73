"""What the audit reads of AWS: the schedules, the checks' records and held alerts, the
failure queues and the state machines, each as audit/rules.py judges it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from .. import aws
from ..errors import error_code
from ..logs import log
from ..state.records import UnreadableItemError, checked_key, get_items, held_key, last_checked
from ..state.registry import Registry, ScheduleSeen
from .machines import Listing, list_state_machines
from .rules import Reader, reader_of

HELD_PREFIX = held_key("")
# A refused list is reported as a problem (a role that lacks the permission would
# otherwise stop the whole audit); any other error raises, as every read of the audit.
REFUSED = frozenset({"AccessDenied", "AccessDeniedException"})


def state_machines(registry: Registry) -> tuple[dict[Reader, Listing], dict[Reader, str]]:
    """The state machines each reader lists (the function's role, or a monitor's member
    role, in the state machine's region), and the error of each reader AWS refused."""
    listed: dict[Reader, Listing] = {}
    refused: dict[Reader, str] = {}
    for reader in sorted({reader_of(m) for m in registry.monitors.values()}, key=str):
        role_arn, region = reader
        try:
            sfn = aws.client("stepfunctions", role_arn=role_arn, region=region)
            listed[reader] = list_state_machines(sfn)
        except ClientError as error:
            if error_code(error) not in REFUSED:
                raise
            message = error.response.get("Error", {}).get("Message", "")
            refused[reader] = f"{error.operation_name}: {error_code(error)} {message}"
    return listed, refused


def schedules(registry: Registry) -> dict[tuple[str, str], ScheduleSeen]:
    """Every schedule of the module's monitor groups, by (group, name): the discovered
    groups' too, which discovery makes match the tags."""
    scheduler = aws.client("scheduler")
    groups = {spec.group for m in registry.monitors.values() for spec in m.schedules}
    if registry.manifest.discovery is not None:
        groups |= set(registry.manifest.discovery.schedule_groups.values())
    seen = {}
    for group in sorted(groups):
        for page in scheduler.get_paginator("list_schedules").paginate(GroupName=group):
            for schedule in page.get("Schedules", []):
                seen[(group, schedule["Name"])] = ScheduleSeen(
                    state=schedule["State"],
                    target_arn=schedule["Target"]["Arn"],
                    modified=schedule["LastModificationDate"],
                )
    return seen


def records(registry: Registry, table: str) -> tuple[dict[str, datetime], list[dict[str, Any]]]:
    """The checks' records (when each kind of check last completed, by key) and the held
    alerts (alerts/held.py), in one batched read."""
    monitors = registry.monitors.values()
    keys = [checked_key(m.name, spec.kind) for m in monitors for spec in m.schedules]
    keys += [held_key(m.name) for m in monitors]
    items = get_items(aws.client("dynamodb"), table, keys)
    checked, held = {}, []
    for key, item in items.items():
        if key.startswith(HELD_PREFIX):
            held.append(item)
            continue
        try:
            checked[key] = last_checked(item)
        except UnreadableItemError as unreadable:  # as never checked: judged, not skipped
            log("unreadable_state", key=key, reason=str(unreadable))
    return checked, held


def queue_depths(registry: Registry) -> dict[str, int]:
    sqs = aws.client("sqs")
    depths = {}
    for queue, url in registry.manifest.queues.items():
        attributes = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        depths[queue] = int(attributes["ApproximateNumberOfMessages"])
    return depths
