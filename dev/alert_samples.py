"""Write docs/alerts.md's sample alerts from real checks against emulated AWS.

Each scenario runs the check function's handler in-process against moto, with real
executions in emulated Step Functions and the state table on (as by default), and reads
back what reached the alert topic's SQS subscriber. The handler's clock is frozen
(``sfn_deadline_monitor.handler.datetime``, as scripts/fire_check.py's ``_CLOCK`` does),
and execution names and the Scheduler's execution id are fixed, so every run writes the
same text. The samples go between the ``<!-- BEGIN_ALERT_SAMPLES -->`` and
``<!-- END_ALERT_SAMPLES -->`` markers; tests/test_alert_samples.py runs ``--check``.

    PYTHONPATH=lambda_src python -m dev.alert_samples           # rewrite docs/alerts.md
    PYTHONPATH=lambda_src python -m dev.alert_samples --check   # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import boto3
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.config import default_user_config
from moto.scheduler.models import scheduler_backends
from moto.stepfunctions.models import stepfunctions_backends

from scripts import aws_answers
from scripts.fire_check import status_change_event
from sfn_deadline_monitor import aws, delivery, handler
from tests.registry_items import manifest, monitor, write_registry

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "alerts.md"
BEGIN = "<!-- BEGIN_ALERT_SAMPLES -->"
END = "<!-- END_ALERT_SAMPLES -->"

REGION = "ap-northeast-1"
ZONE = "Asia/Tokyo"
MODULE = "nightly-jobs"
TABLE = f"{MODULE}-sfn-deadline-state"
DAILY = "cron(0 2 * * ? *)"  # the deadline: 02:00 Tokyo time, every day
SCHEDULER_EXECUTION_ID = "6c1f1a52-8f1e-4a7b-9d0e-2b8c1e0f3a91"
PASS = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})


def tokyo(text: str) -> datetime:
    """A Tokyo wall time, ``2026-11-28T02:00``, as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(ZONE))


DEADLINE = tokyo("2026-11-28T02:00")


@dataclass(frozen=True)
class Sample:
    """One alert as it reached the topic's subscriber."""

    title: str
    story: str
    message_format: str
    attributes: dict[str, str]
    body: str


@functools.cache
def client(service: str) -> Any:
    """One boto3 client per service for every scenario: moto answers each while it runs."""
    return boto3.client(service, region_name=REGION)


class Account:
    """A fresh emulated account: a topic with an SQS subscriber, the state table, and the
    function's environment pointing at them."""

    def __init__(self) -> None:
        self.sfn = client("stepfunctions")
        self.sqs = client("sqs")
        sns = client("sns")
        topic = sns.create_topic(Name=f"{MODULE}-sfn-deadline-alerts")["TopicArn"]
        self.inbox = self.sqs.create_queue(QueueName="on-call-inbox")["QueueUrl"]
        inbox_arn = self.sqs.get_queue_attributes(QueueUrl=self.inbox, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=inbox_arn)
        self.role = client("iam").create_role(
            RoleName="nightly-etl", AssumeRolePolicyDocument="{}"
        )["Role"]["Arn"]
        self.dynamodb = client("dynamodb")
        self.dynamodb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        self.topic = topic
        os.environ[delivery.TOPIC_ENV] = topic
        os.environ[delivery.STATE_TABLE_ENV] = TABLE

    def state_machine(self, name: str = "nightly-etl") -> str:
        arn: str = self.sfn.create_state_machine(name=name, definition=PASS, roleArn=self.role)[
            "stateMachineArn"
        ]
        return arn

    def run(
        self,
        state_machine: str,
        name: str,
        status: str,
        start: datetime,
        took: timedelta | None = None,
        *,
        error: str | None = None,
        cause: str | None = None,
    ) -> str:
        """Start an execution, then give it what the API cannot: its times and status."""
        arn: str = self.sfn.start_execution(stateMachineArn=state_machine, name=name)[
            "executionArn"
        ]
        machine = stepfunctions_backends[DEFAULT_ACCOUNT_ID][REGION].describe_state_machine(
            state_machine
        )
        execution = next(e for e in machine.executions if e.execution_arn == arn)
        execution.status, execution.start_date = status, start.astimezone(UTC)
        execution.stop_date = None if took is None else (start + took).astimezone(UTC)
        execution.error, execution.cause = error, cause
        return arn

    def history(self, state_machine: str, days: int, first_day: datetime) -> None:
        """A successful run each night before ``first_day``, starting at 00:00:04 and
        taking 38 to 44 minutes."""
        for day in range(1, days + 1):
            start = first_day - timedelta(days=day) + timedelta(seconds=4)
            took = timedelta(minutes=38 + day % 7, seconds=10 * day)
            self.run(state_machine, f"{start:%Y-%m-%d}-0000", "SUCCEEDED", start, took)

    def alerts(self) -> list[dict[str, Any]]:
        """Every notification that reached the subscriber, oldest first."""
        found = []
        while batch := self.sqs.receive_message(
            QueueUrl=self.inbox, MaxNumberOfMessages=10, WaitTimeSeconds=0
        ).get("Messages", []):
            for message in batch:
                found.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.inbox, ReceiptHandle=message["ReceiptHandle"])
        return found


def frozen(moment: datetime) -> type[datetime]:
    """A datetime class whose now() is ``moment``: the handler's one reading of the clock."""

    class Clock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Clock:  # type: ignore[override]
            return moment.astimezone(tz)  # type: ignore[return-value]

    return Clock


def check(payload: dict[str, Any], at: datetime) -> dict[str, Any]:
    """Run the handler on ``payload`` with its clock at ``at``; its log lines are dropped."""
    with (
        mock.patch.object(handler, "datetime", frozen(at)),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        result: dict[str, Any] = handler.lambda_handler(payload, None)
    return result


def scheduled(state_machine: str, at: datetime, **overrides: Any) -> dict[str, Any]:
    """A deadline schedule's input as the module writes it, after the Scheduler replaced
    its <aws.scheduler.*> placeholders."""
    return {
        "version": 1,
        "monitor": "nightly-etl",
        "state_machine_arn": state_machine,
        "lookback_minutes": 180,
        "timezone": ZONE,
        "message_format": "text",
        "notify_on_success": False,
        "schedule_expression": DAILY,
        "scheduled_time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "scheduler_execution_id": SCHEDULER_EXECUTION_ID,
        "attempt_number": "1",
        **overrides,
    }


@contextlib.contextmanager
def emulated() -> Iterator[Account]:
    """A fresh emulated AWS for one scenario. The function's clients are kept from one
    scenario to the next (moto answers every client while it runs): making them anew
    would cost seconds."""
    with mock_aws():
        yield Account()


def only(account: Account, title: str, story: str, message_format: str = "text") -> Sample:
    (alert,) = account.alerts()
    attributes = {k: v["Value"] for k, v in alert["MessageAttributes"].items()}
    return Sample(title, story, message_format, attributes, alert["Message"])


def missing() -> list[Sample]:
    with emulated() as account:
        sm = account.state_machine()
        account.history(sm, 7, tokyo("2026-11-27T00:00"))
        account.run(sm, "2026-11-27-0000", "RUNNING", tokyo("2026-11-27T00:00:04"))
        check(scheduled(sm, DEADLINE), DEADLINE + timedelta(seconds=1))
        return [
            only(
                account,
                "MISSING: no run started, and yesterday's is still running",
                "The job starts at 00:00 and must succeed by 02:00 Tokyo time. Yesterday's "
                "run never finished, and its trigger starts no run while one is going.",
            )
        ]


def failed(message_format: str) -> Sample:
    with emulated() as account:
        sm = account.state_machine()
        account.history(sm, 7, tokyo("2026-11-28T00:00"))
        account.run(
            sm,
            "2026-11-28-0000",
            "FAILED",
            tokyo("2026-11-28T00:00:04"),
            timedelta(minutes=41, seconds=15),
            error="States.TaskFailed",
            cause='{"errorMessage": "relation \\"orders_staging\\" is locked by another '
            'transaction"}',
        )
        check(scheduled(sm, DEADLINE, message_format=message_format), DEADLINE)
        return only(
            account,
            f"FAILED at the deadline ({message_format})",
            "Tonight's run failed at 00:41; the deadline check at 02:00 reports it with "
            "its error and cause.",
            message_format,
        )


def instant_failure() -> list[Sample]:
    with emulated() as account:
        sm = account.state_machine()
        start, took = tokyo("2026-11-28T00:00:04"), timedelta(minutes=41, seconds=15)
        error, cause = "States.TaskFailed", "relation orders_staging is locked"
        arn = account.run(sm, "2026-11-28-0000", "FAILED", start, took, error=error, cause=cause)
        event = status_change_event(arn, "FAILED", start, start + took, error=error, cause=cause)
        rule_input = {
            "version": 1,
            "check": "status_change",
            "monitors": [{"monitor": "nightly-etl", "state_machine_arn": sm, "timezone": ZONE}],
            "event": event,
        }
        check(rule_input, start + took + timedelta(seconds=2))
        return [
            only(
                account,
                "FAILED at once (instant failure alert)",
                "The same failure, reported from Step Functions' status change event 2 "
                "seconds after the run failed, long before the 02:00 deadline.",
            )
        ]


def late() -> list[Sample]:
    with emulated() as account:
        sm = account.state_machine()
        account.history(sm, 10, tokyo("2026-11-28T00:00"))
        account.run(sm, "2026-11-28-0000", "RUNNING", tokyo("2026-11-28T00:00:04"))
        check(scheduled(sm, DEADLINE), DEADLINE + timedelta(seconds=1))
        return [
            only(
                account,
                "LATE: still running, slower than usual",
                "Tonight's run started on time and is still running at 02:00; its last 10 "
                "runs took 39 to 45 minutes.",
            )
        ]


def at_risk() -> list[Sample]:
    with emulated() as account:
        sm = account.state_machine()
        account.history(sm, 10, tokyo("2026-11-28T00:00"))
        account.run(sm, "2026-11-28-0124", "RUNNING", tokyo("2026-11-28T01:24:10"))
        at = tokyo("2026-11-28T01:30")
        payload = scheduled(sm, at, check="at_risk", deadline_expression=DAILY)
        for field in ("notify_on_success", "schedule_expression"):
            del payload[field]
        check(payload, at + timedelta(seconds=1))
        return [
            only(
                account,
                "AT_RISK: the run will end after the deadline",
                "The at-risk check fires at 01:30 (at_risk_check = { schedule_expression = "
                '"cron(30 1 * * ? *)" }). Tonight\'s run started late, at 01:24; at the pace '
                "of its recent runs it ends after 02:00.",
            )
        ]


def recovered() -> list[Sample]:
    with emulated() as account:
        sm = account.state_machine()
        yesterday = DEADLINE - timedelta(days=1)
        account.history(sm, 7, tokyo("2026-11-27T00:00"))
        account.run(
            sm,
            "2026-11-27-0000",
            "FAILED",
            tokyo("2026-11-27T00:00:04"),
            timedelta(minutes=12, seconds=3),
            error="States.TaskFailed",
            cause="relation orders_staging is locked",
        )
        check(scheduled(sm, yesterday), yesterday + timedelta(seconds=1))
        account.alerts()  # yesterday's FAILED
        account.run(
            sm,
            "2026-11-28-0000",
            "SUCCEEDED",
            tokyo("2026-11-28T00:00:04"),
            timedelta(minutes=40, seconds=2),
        )
        check(scheduled(sm, DEADLINE), DEADLINE + timedelta(seconds=1))
        return [
            only(
                account,
                "RECOVERED: succeeded by the deadline, after FAILED",
                "Yesterday's check reported FAILED; tonight's run succeeded by 02:00. The "
                "notice lists yesterday's problem run as it is now.",
            )
        ]


def audit() -> list[Sample]:
    """The module's audit: one schedule disabled by hand, one monitor whose check never
    completed (the function failed, and the check waits in the check-failures queue)."""
    with emulated() as account:
        scheduler = client("scheduler")
        scheduler.create_schedule_group(Name=MODULE)
        queues = {
            use: account.sqs.create_queue(QueueName=f"{MODULE}-sfn-deadline-{suffix}")["QueueUrl"]
            for use, suffix in (("undelivered", "scheduler-dlq"), ("check_failures", "failures"))
        }
        registry = manifest(
            MODULE,
            REGION,
            DEFAULT_ACCOUNT_ID,
            alert_topic_arn=account.topic,
            alarm_topic_arn=account.topic,
            queues=queues,
            schedule_groups={"deadline": MODULE, "audit": f"{MODULE}-audit"},
        )
        monitors = {"nightly-etl": DAILY, "billing": "cron(0 5 * * ? *)"}
        for name, expression in monitors.items():
            scheduler.create_schedule(
                Name=name,
                GroupName=MODULE,
                ScheduleExpression=expression,
                ScheduleExpressionTimezone=ZONE,
                State="DISABLED" if name == "billing" else "ENABLED",
                FlexibleTimeWindow={"Mode": "OFF"},
                Target={"Arn": registry["function_arn"], "RoleArn": account.role},
            )
            schedule = scheduler_backends[DEFAULT_ACCOUNT_ID][REGION].schedule_groups[MODULE]
            schedule.schedules[name].last_modified_date = tokyo("2026-11-01T00:00").timestamp()
        write_registry(
            account.dynamodb,
            TABLE,
            registry,
            {
                name: monitor(account.state_machine(name), schedule=expression, timezone=ZONE)
                for name, expression in monitors.items()
            },
        )
        account.sqs.send_message(QueueUrl=queues["check_failures"], MessageBody="{}")
        at = tokyo("2026-11-28T03:10")
        payload = {
            "version": 1,
            "check": "audit",
            "scheduled_time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "scheduler_execution_id": SCHEDULER_EXECUTION_ID,
            "attempt_number": "1",
        }
        check(payload, at + timedelta(seconds=1))
        return [
            only(
                account,
                "ERROR from the audit",
                "At 03:10 the hourly audit finds billing's schedule disabled by hand, no "
                "completed check for nightly-etl's 02:00 deadline, and that check waiting "
                "in the check-failures queue.",
            )
        ]


SCENARIOS: tuple[Callable[[], list[Sample]], ...] = (
    missing,
    lambda: [failed("text")],
    instant_failure,
    late,
    at_risk,
    recovered,
    audit,
    lambda: [failed("json"), failed("chat")],
)


def samples() -> list[Sample]:
    """Every scenario's alerts, each scenario on a fresh emulated account."""
    settings = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }
    with mock.patch.dict(os.environ, settings):
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
            os.environ.pop(name, None)
        # Executions keep the status and times given; moto runs none by itself.
        default_user_config["stepfunctions"]["execute_state_machine"] = False
        aws_answers.install()
        aws.reset_clients()
        try:
            return [sample for scenario in SCENARIOS for sample in scenario()]
        finally:
            aws.reset_clients()


def render(found: list[Sample]) -> str:
    lines = [BEGIN]
    for sample in found:
        attributes = ", ".join(f"`{key}` = `{value}`" for key, value in sample.attributes.items())
        language = "text" if sample.message_format == "text" else "json"
        lines += [
            "",
            f"### {sample.title}",
            "",
            sample.story,
            "",
            f"Message attributes: {attributes}.",
            "",
            f"```{language}",
            sample.body.rstrip("\n"),
            "```",
        ]
    lines.append(END)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if docs/alerts.md is stale")
    args = parser.parse_args(argv)
    current = DOC.read_text()
    if BEGIN not in current or END not in current:
        raise SystemExit(f"docs/alerts.md lacks the {BEGIN} ... {END} markers")
    head, rest = current.split(BEGIN, 1)
    fresh = head + render(samples()) + rest.split(END, 1)[1]
    if fresh == current:
        return 0
    if args.check:
        print("docs/alerts.md's samples are stale: run `make docs`", file=sys.stderr)
        return 1
    DOC.write_text(fresh)
    print("updated docs/alerts.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
