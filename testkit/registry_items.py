"""The registry as registry.tf writes it to the state table, for tests that need a deployed
module's registry without applying Terraform. One helper, so that the item format lives in
one place; the apply test of examples/complete compares it with what Terraform wrote."""

from __future__ import annotations

import json
from typing import Any

MONITORS_PER_ITEM = 100  # registry.tf, local.monitors_per_registry_item


def _encoded(value: Any) -> str:
    """JSON as Terraform's jsonencode writes it: keys sorted, no white space."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def monitor(
    state_machine_arn: str,
    *,
    schedule: str = "cron(0 2 * * ? *)",
    timezone: str = "UTC",
    lookback_minutes: int = 180,
    enabled: bool = True,
    role_arn: str | None = None,
    start: str | None = None,
    at_risk: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    failure_rule: str | None = None,
) -> dict[str, Any]:
    """One monitor as local.registry_monitors holds it (every attribute, null when unset)."""
    dates = {"start_date": start_date, "end_date": end_date}
    expressions = {"deadline": schedule, "start": start, "at_risk": at_risk}
    return {
        "state_machine_arn": state_machine_arn,
        "role_arn": role_arn,
        "timezone": timezone,
        "lookback_minutes": lookback_minutes,
        "enabled": enabled,
        "schedules": {
            kind: {"expression": expression, **dates}
            for kind, expression in expressions.items()
            if expression is not None
        },
        "failure_rule": failure_rule,
    }


def manifest(name: str, region: str, account: str, **overrides: Any) -> dict[str, Any]:
    """local.manifest of a module named ``name`` with the defaults: its own alert topic, no
    keys, no failure rules, no alarms, the audit on."""
    prefix = f"{name}-sfn-deadline"
    sqs = f"https://sqs.{region}.amazonaws.com/{account}"
    topic = f"arn:aws:sns:{region}:{account}:{prefix}-alerts"
    base: dict[str, Any] = {
        "name": name,
        "region": region,
        "function_arn": f"arn:aws:lambda:{region}:{account}:function:{prefix}-check",
        "alert_topic_arn": topic,
        "alarm_topic_arn": topic,
        "event_bus_arn": None,
        "schedule_groups": {"deadline": name, "audit": f"{name}-audit"},
        "audit": {"schedule": "audit", "grace_minutes": 60, "message_format": "text"},
        "queues": {
            "undelivered": f"{sqs}/{prefix}-scheduler-dlq",
            "check_failures": f"{sqs}/{prefix}-check-failures",
        },
        "failure_rules": [],
        "alarms": [],
        "kms_keys": {},
        "key_policies": {},
        "roles": {
            "check_function": {
                "arn": f"arn:aws:iam::{account}:role/{prefix}-check",
                "actions": ["sns:Publish"],
            },
        },
    }
    return {**base, **overrides}


def write_registry(
    dynamodb: Any, table: str, manifest: dict[str, Any], monitors: dict[str, dict[str, Any]]
) -> None:
    """Put the ``registry`` item and its ``registry#NN`` chunks, as registry.tf does."""
    names = sorted(monitors)
    chunks = [names[i : i + MONITORS_PER_ITEM] for i in range(0, len(names), MONITORS_PER_ITEM)]
    dynamodb.put_item(
        TableName=table,
        Item={
            "pk": {"S": "registry"},
            "manifest": {"S": _encoded(manifest)},
            "chunks": {"N": str(len(chunks))},
        },
    )
    for index, chunk in enumerate(chunks):
        dynamodb.put_item(
            TableName=table,
            Item={
                "pk": {"S": f"registry#{index:02d}"},
                "monitors": {"S": _encoded({name: monitors[name] for name in chunk})},
            },
        )


def discovery(name: str, region: str, account: str, **overrides: Any) -> dict[str, Any]:
    """local.manifest's ``discovery`` (registry.tf) of a module named ``name`` with
    discovery on and its defaults: the three groups, no member roles, calendars or
    windows."""
    prefix = f"{name}-sfn-deadline"
    base: dict[str, Any] = {
        "tag_prefix": "deadline-monitor:",
        "member_role_arns": [],
        "schedule_groups": {
            "deadline": f"{name}-discovered",
            "start": f"{name}-discovered-start",
            "at_risk": f"{name}-discovered-at-risk",
        },
        "scheduler_role_arn": f"arn:aws:iam::{account}:role/{prefix}-scheduler",
        "dead_letter_arn": f"arn:aws:sqs:{region}:{account}:{prefix}-scheduler-dlq",
        "retry_policy": {"maximum_event_age_in_seconds": 3600, "maximum_retry_attempts": 5},
        "kms_key_arn": None,
        "lookback_minutes": 180,
        "message_format": "text",
        "calendars": {},
        "maintenance_windows": [],
    }
    return {**base, **overrides}
