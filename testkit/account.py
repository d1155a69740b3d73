"""The in-process emulated account the unit tests and the docs' samples run in: a state
machine's executions with the times and statuses a case needs, and an alert topic read back
through an SQS subscriber, so a test reads what was really published."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.compat import HTTPHeaders
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.stepfunctions.models import stepfunctions_backends

from sfn_deadline_monitor import aws
from testkit.inbox import drain

REGION = "us-east-1"


PASS_DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})


@dataclass
class Account:
    """Handles on the emulated account that the handler under test talks to."""

    sfn: Any
    sns: Any
    sqs: Any
    topic_arn: str
    queue_url: str
    role_arn: str
    region: str = REGION
    calls: dict[str, int] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        client: Callable[[str], Any],
        *,
        topic: str = "alerts",
        queue: str = "alerts-subscriber",
        role: str = "sfn",
    ) -> Self:
        """A topic whose notifications land on the queue, and a role for state machines,
        made with ``client`` (a boto3 client for a service, in the account's region)."""
        sns, sqs = client("sns"), client("sqs")
        topic_arn = sns.create_topic(Name=topic)["TopicArn"]
        queue_url = sqs.create_queue(QueueName=queue)["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
        sns.subscribe(
            TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn["Attributes"]["QueueArn"]
        )
        role_arn = client("iam").create_role(
            RoleName=role, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17"})
        )["Role"]["Arn"]
        return cls(
            sfn=client("stepfunctions"),
            sns=sns,
            sqs=sqs,
            topic_arn=topic_arn,
            queue_url=queue_url,
            role_arn=role_arn,
            region=sns.meta.region_name,
        )

    def state_machine(self, name: str = "nightly-etl", machine_type: str = "STANDARD") -> str:
        arn: str = self.sfn.create_state_machine(
            name=name, definition=PASS_DEFINITION, roleArn=self.role_arn, type=machine_type
        )["stateMachineArn"]
        return arn

    def alias(self, state_machine_arn: str, name: str = "prod") -> str:
        """An alias routing every run to a newly published version."""
        version = self.sfn.update_state_machine(stateMachineArn=state_machine_arn, publish=True)
        alias: str = self.sfn.create_state_machine_alias(
            name=name,
            routingConfiguration=[
                {"stateMachineVersionArn": version["stateMachineVersionArn"], "weight": 100}
            ],
        )["stateMachineAliasArn"]
        return alias

    def execution(self, state_machine_arn: str, **run: Any) -> str:
        """A run of ``state_machine_arn`` with the times and status a case needs
        (``execution``'s keywords)."""
        return execution(self.sfn, state_machine_arn, **run)

    def published(self) -> list[dict[str, Any]]:
        """Every SNS notification that reached the subscribed queue, decoded, oldest first."""
        return drain(self.sqs, self.queue_url)


def execution(
    sfn: Any,
    state_machine_arn: str,
    *,
    status: str,
    start: datetime,
    stop: datetime | None = None,
    name: str | None = None,
    error: str | None = None,
    cause: str | None = None,
) -> str:
    """Start an execution with ``sfn`` (through a version or alias if ``state_machine_arn``
    names one), then set what the API cannot: its times and final status. The emulator
    runs in this process (in-process moto, or a server started here)."""
    kwargs = {"name": name} if name else {}
    arn: str = sfn.start_execution(stateMachineArn=state_machine_arn, **kwargs)["executionArn"]
    backend = stepfunctions_backends[DEFAULT_ACCOUNT_ID][sfn.meta.region_name]
    machine = backend.describe_state_machine(":".join(state_machine_arn.split(":")[:7]))
    run = next(e for e in machine.executions if e.execution_arn == arn)
    run.status, run.start_date, run.stop_date = status, start, stop
    run.error, run.cause = error, cause
    return arn


def answer(
    service: str, operation: str, status: int, body: dict[str, Any], *, times: int
) -> Callable[[], int]:
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
        # botocore hands the request to every before-send handler, moto's too (after this
        # one, which names its service): sent elsewhere, moto leaves it alone, so that a
        # refused write or put is not made all the same.
        request.url = _ANSWERED_URL
        raw = json.dumps(body).encode()
        return AWSResponse(
            request.url,
            status,
            HTTPHeaders.from_dict({"Content-Type": "application/x-amz-json-1.0"}),
            _Raw(raw),
        )

    client = aws.client(service)  # type: ignore[call-overload]
    client.meta.events.register(
        f"before-send.{client.meta.service_model.endpoint_prefix}.*", inject
    )
    return lambda: answered


_ANSWERED_URL = "https://answered-by-testkit.invalid/"


class _Raw:
    """The minimal stream botocore reads a response body from."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self._data
