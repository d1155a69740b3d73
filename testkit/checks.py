"""Running the handler in process and reading what it published: the helpers every check's
test shares."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from sfn_deadline_monitor import aws, handler
from testkit.account import Account, answer


def answer_once(
    operation: str, status: int, body: dict[str, Any], *, times: int
) -> Callable[[], int]:
    """Make Step Functions answer ``operation`` with ``body`` for the next ``times`` sends."""
    return answer("stepfunctions", operation, status, body, times=times)


@dataclass
class LambdaContext:
    """The part of Lambda's context the handler reads: the time left, and the request ID
    that Lambda keeps across the retries of one asynchronous event."""

    remaining_millis: int = 60_000
    aws_request_id: str = "8f5a2c1e-3b7d-4e9a-a6f0-1d2c3b4a5e6f"

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_millis


def check(payload: object) -> dict[str, Any]:
    """The handler's answer to ``payload``, invoked as Lambda would, without a context."""
    return handler.lambda_handler(payload, None)


def only_alert(account: Account) -> dict[str, Any]:
    """The one notification the check published (fails if it sent none or several)."""
    (notification,) = account.published()
    return notification


def attributes(notification: dict[str, Any]) -> dict[str, str]:
    """The SNS message attributes subscribers filter on."""
    return {k: v["Value"] for k, v in notification["MessageAttributes"].items()}


# Step Functions' largest error and cause (docs.aws.amazon.com/step-functions/latest/
# apireference/API_DescribeExecution.html) and its longest names (80 characters).
LARGEST_ERROR, LARGEST_CAUSE = "E" * 256, 'é"' * 16_384


def largest_failure(account: Account) -> str:
    """A state machine of the longest name with twelve FAILED runs in the window of a
    deadline at 2026-03-10T17:00, each with the longest name, error and cause Step
    Functions allows: the largest alert a check sends. Its ARN."""
    machine = account.state_machine("m" * 80)
    for index in range(12):
        account.execution(
            machine,
            status="FAILED",
            start=datetime.fromisoformat(f"2026-03-10T15:{index:02d}+00:00"),
            stop=datetime.fromisoformat(f"2026-03-10T16:{index:02d}+00:00"),
            name=f"{index:02d}" + "r" * 78,
            error=LARGEST_ERROR,
            cause=LARGEST_CAUSE,
        )
    return machine


def count_calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every AWS call made from now on, by operation (through botocore's one door)."""
    calls: Counter[str] = Counter()
    make_api_call = BaseClient._make_api_call  # type: ignore[attr-defined]  # not in its stubs

    def counted(self: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        calls[operation] += 1
        return make_api_call(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counted)
    return calls


def fail_once(service: str, operation: str, when: Any = lambda params: True) -> None:
    """Make the handler's next ``operation`` call whose parameters ``when`` accepts fail,
    once, as AWS would refuse it after the retries."""
    failed = False

    def refuse(params: dict[str, Any], **_: Any) -> None:
        nonlocal failed
        if not failed and when(params):
            failed = True
            error = {"Error": {"Code": "InternalServerError", "Message": "failed by the test"}}
            raise ClientError(error, operation)  # type: ignore[arg-type]

    aws.client(service).meta.events.register(  # type: ignore[call-overload]
        f"before-parameter-build.{service}.{operation}", refuse
    )
