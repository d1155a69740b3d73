"""The module's resources that the audit reads (the registry in the state table, the
schedules in the Scheduler, the failure queues in SQS), as Terraform would leave them, for
the tests that run the audit through the handler."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import boto3
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.scheduler.models import scheduler_backends

from testkit.account import REGION, Account
from testkit.checks import check
from testkit.events import event, recent
from testkit.registry_items import discovery, manifest, monitor, write_registry

FUNCTION = f"arn:aws:lambda:{REGION}:{DEFAULT_ACCOUNT_ID}:function:ops-sfn-deadline-check"
GROUP = "ops"
# Every minute: with the audit's 5 minutes of grace, the fire time 5 minutes back must be
# checked.
EVERY_MINUTE = "cron(* * * * ? *)"


class Module:
    """The module's resources that the audit reads, as Terraform would leave them."""

    def __init__(self, account: Account, dynamodb: Any, monitors: dict[str, str]) -> None:
        self.account, self.dynamodb = account, dynamodb
        self.scheduler = boto3.client("scheduler", region_name=REGION)
        self.scheduler.create_schedule_group(Name=GROUP)
        self.queues = {
            queue: account.sqs.create_queue(QueueName=f"ops-{queue}")["QueueUrl"]
            for queue in ("undelivered", "check_failures")
        }
        self.arns = {name: account.state_machine(name) for name in monitors}
        for name, expression in monitors.items():
            self.scheduler.create_schedule(
                Name=name,
                GroupName=GROUP,
                ScheduleExpression=expression,
                FlexibleTimeWindow={"Mode": "OFF"},
                Target={"Arn": FUNCTION, "RoleArn": account.role_arn},
            )
            self.backdate(name, datetime(2026, 1, 1, tzinfo=UTC))
        self.monitors = {
            name: monitor(self.arns[name], schedule=expression)
            for name, expression in monitors.items()
        }
        self.manifest = manifest(
            "ops",
            REGION,
            DEFAULT_ACCOUNT_ID,
            alert_topic_arn=account.topic_arn,
            queues=self.queues,
            schedule_groups={"deadline": GROUP},
            audit={"schedule": "audit", "grace_minutes": 5, "message_format": "text"},
        )
        self.write()

    def enable_discovery(self, **settings: Any) -> dict[str, str]:
        """Turn discovery on as registry.tf writes it (``settings`` override its defaults):
        its three schedule groups exist; their names, by kind."""
        self.manifest["discovery"] = discovery(
            GROUP, REGION, DEFAULT_ACCOUNT_ID, scheduler_role_arn=self.account.role_arn, **settings
        )
        groups: dict[str, str] = self.manifest["discovery"]["schedule_groups"]
        for group in groups.values():
            self.scheduler.create_schedule_group(Name=group)
        self.write()
        return groups

    def write(self) -> None:
        write_registry(self.dynamodb, "monitor-state", self.manifest, self.monitors)

    def backdate(self, name: str, when: datetime) -> None:
        """Make a schedule look created long ago (moto stamps it now)."""
        backend = scheduler_backends[DEFAULT_ACCOUNT_ID][REGION]
        backend.schedule_groups[GROUP].schedules[name].last_modified_date = when.timestamp()

    def audit(self, at: datetime | None = None) -> dict[str, Any]:
        scheduled = (at or recent()).strftime("%Y-%m-%dT%H:%M:%SZ")
        return check({"version": 1, "check": "audit", "scheduled_time": scheduled})

    def deadline_check(self, name: str, deadline: datetime, **overrides: Any) -> dict[str, Any]:
        """The monitor's deadline check, run and recorded as the Scheduler would fire it."""
        given = {"monitor": name, "timezone": "UTC", "lookback_minutes": 10, **overrides}
        return check(event(self.arns[name], deadline, **given))

    def alerts(self) -> list[dict[str, Any]]:
        return [m for m in self.account.published() if m["Subject"].startswith("[")]
