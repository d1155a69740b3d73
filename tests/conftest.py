"""Shared fixtures: an in-process moto account with a state machine and an alert topic
whose messages land on an SQS queue, so tests read what was really published."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.config import default_user_config
from moto.stepfunctions.models import stepfunctions_backends

from scripts import aws_answers
from scripts.fire_check import status_change_event
from sfn_deadline_monitor import aws, delivery
from tests.apply import iam_calls

REGION = "us-east-1"
PASS_DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and a region, so nothing can reach a real account."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)


@dataclass
class Account:
    """Handles on the emulated account that the handler under test talks to."""

    sfn: Any
    sns: Any
    sqs: Any
    topic_arn: str
    queue_url: str
    role_arn: str
    calls: dict[str, int] = field(default_factory=dict)

    def state_machine(self, name: str = "nightly-etl", machine_type: str = "STANDARD") -> str:
        return self.sfn.create_state_machine(
            name=name, definition=PASS_DEFINITION, roleArn=self.role_arn, type=machine_type
        )["stateMachineArn"]

    def alias(self, state_machine_arn: str, name: str = "prod") -> str:
        """An alias routing every run to a newly published version."""
        version = self.sfn.update_state_machine(stateMachineArn=state_machine_arn, publish=True)
        return self.sfn.create_state_machine_alias(
            name=name,
            routingConfiguration=[
                {"stateMachineVersionArn": version["stateMachineVersionArn"], "weight": 100}
            ],
        )["stateMachineAliasArn"]

    def execution(
        self,
        state_machine_arn: str,
        *,
        status: str,
        start: datetime,
        stop: datetime | None = None,
        name: str | None = None,
        error: str | None = None,
        cause: str | None = None,
    ) -> str:
        """Start an execution (through a version or alias if ``state_machine_arn`` names
        one), then set what the API cannot: its times and final status."""
        kwargs = {"name": name} if name else {}
        arn = self.sfn.start_execution(stateMachineArn=state_machine_arn, **kwargs)["executionArn"]
        backend = stepfunctions_backends[DEFAULT_ACCOUNT_ID][REGION]
        machine = backend.describe_state_machine(":".join(state_machine_arn.split(":")[:7]))
        execution = next(e for e in machine.executions if e.execution_arn == arn)
        execution.status = status
        execution.start_date = start
        execution.stop_date = stop
        execution.error = error
        execution.cause = cause
        return arn

    def published(self) -> list[dict[str, Any]]:
        """Every SNS notification that reached the subscribed queue, decoded."""
        messages = []
        while True:
            batch = self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not batch:
                return messages
            for message in batch:
                messages.append(json.loads(message["Body"]))
                self.sqs.delete_message(
                    QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"]
                )


@pytest.fixture
def account(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Account]:
    # Executions stay as the tests set them, even after a test ran a moto server (which
    # lets moto execute state machines, process-wide).
    monkeypatch.setitem(default_user_config["stepfunctions"], "execute_state_machine", False)
    aws_answers.install()
    with mock_aws():
        aws.reset_clients()
        sns = boto3.client("sns", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        iam = boto3.client("iam", region_name=REGION)
        topic_arn = sns.create_topic(Name="alerts")["TopicArn"]
        queue_url = sqs.create_queue(QueueName="alerts-subscriber")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
        role_arn = iam.create_role(
            RoleName="sfn", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17"})
        )["Role"]["Arn"]
        monkeypatch.setenv(delivery.TOPIC_ENV, topic_arn)
        account = Account(
            sfn=boto3.client("stepfunctions", region_name=REGION),
            sns=sns,
            sqs=sqs,
            topic_arn=topic_arn,
            queue_url=queue_url,
            role_arn=role_arn,
        )

        def count(event_name: str, **_: Any) -> None:
            operation = event_name.rsplit(".", 1)[-1]
            account.calls[operation] = account.calls.get(operation, 0) + 1

        # The handler's own clients, so the count is of the calls the check really made.
        for service in ("stepfunctions", "sns"):
            aws.client(service).meta.events.register("before-call.*.*", count)
        yield account
        aws.reset_clients()


def answer(service: str, operation: str, status: int, body: dict, *, times: int) -> Any:
    """Make ``service`` answer ``operation`` with ``body`` for the next ``times`` sends of
    the handler's client, as AWS would answer it.

    Hooked at ``before-send``, below botocore's retry logic, so retries behave as they
    would against the real service. Returns a function that counts the injected answers.
    """
    answered = 0

    def inject(request: AWSPreparedRequest, **_: object) -> AWSResponse | None:
        nonlocal answered
        target = request.headers.get("X-Amz-Target", b"")
        target = target.decode() if isinstance(target, bytes) else target
        if not target.endswith(f".{operation}") or answered >= times:
            return None
        answered += 1
        raw = json.dumps(body).encode()
        return AWSResponse(
            request.url, status, {"Content-Type": "application/x-amz-json-1.0"}, _Raw(raw)
        )

    client = aws.client(service)  # type: ignore[call-overload]
    client.meta.events.register(
        f"before-send.{client.meta.service_model.endpoint_prefix}.*", inject
    )
    return lambda: answered


class _Raw:
    """The minimal stream botocore reads a response body from."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self._data


def at(text: str) -> datetime:
    """A UTC datetime from ``2026-11-28T02:00`` shorthand."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def event(state_machine_arn: str, deadline: datetime | str, **overrides: Any) -> dict[str, Any]:
    """A schedule input as the module writes it, with the Scheduler's substitutions made."""
    scheduled = deadline if isinstance(deadline, str) else deadline.strftime("%Y-%m-%dT%H:%M:%SZ")
    base = {
        "version": 1,
        "monitor": "nightly-etl",
        "state_machine_arn": state_machine_arn,
        "lookback_minutes": 180,
        "timezone": "Asia/Tokyo",
        "notify_on_success": False,
        "message_format": "text",
        "scheduled_time": scheduled,
        "scheduler_execution_id": "d6a1e0f4-7c1b-4f9e-9a51-3c2f1b0e8a77",
        "attempt_number": "1",
    }
    return {**base, **overrides}


def recent(hours: float = 0) -> datetime:
    """A moment ``hours`` ago, truncated to the second as the Scheduler's times are."""
    return (datetime.now(UTC) - timedelta(hours=hours)).replace(microsecond=0)


@pytest.fixture
def state_table(account: Account, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The module's state table, as main.tf defines its key, and the function told of it."""
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.create_table(
        TableName="monitor-state",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    monkeypatch.setenv(delivery.STATE_TABLE_ENV, "monitor-state")
    return dynamodb


def status_change(
    execution_arn: str,
    status: str,
    start: datetime,
    stop: datetime,
    *,
    monitor: str = "nightly-etl",
    error: str | None = "Etl.LoadFailed",
    cause: str | None = "relation orders_staging is locked",
    redrive_count: int = 0,
) -> dict[str, Any]:
    """A failure rule's input: a real "Step Functions Execution Status Change" event,
    wrapped by the module's input transformer as the contract's status_change check of
    the rule's one monitor."""
    event = status_change_event(
        execution_arn, status, start, stop, error=error, cause=cause, redrive_count=redrive_count
    )
    return {
        "version": 1,
        "check": "status_change",
        "monitors": [
            {
                "monitor": monitor,
                "state_machine_arn": event["detail"]["stateMachineArn"],
                "timezone": "Asia/Tokyo",
            }
        ],
        "event": event,
    }


def pytest_sessionstart(session: pytest.Session) -> None:
    """The run's record of evaluated calls starts empty (once, not in each xdist worker)."""
    if not hasattr(session.config, "workerinput"):
        shutil.rmtree(iam_calls.KEPT, ignore_errors=True)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How many distinct calls of the deployed function were evaluated against IAM."""
    pairs = iam_calls.kept()
    if pairs:
        terminalreporter.write_line(
            f"IAM: {len(pairs)} distinct (action, resource) calls of the deployed function, "
            f"{len({action for action, _ in pairs})} actions, each evaluated against the "
            "policies and permissions boundary of the role that made it (tests/apply/iam_calls.py)"
        )
