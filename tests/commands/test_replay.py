"""``replay`` on emulated AWS: the checks waiting in the check-failures queue are run once
the cause is fixed, each judged as of its own scheduled time and deduplicated like any
retry; a message that is not Lambda's on-failure record stays."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sfn_deadline_monitor import handler
from sfn_deadline_monitor.cli.common import EXIT_NOT_OK
from testkit.checks import LambdaContext
from testkit.deployed_module import NAME, Deployed, client, run
from testkit.events import at, event
from testkit.inbox import Inbox

DAY1, DAY2 = at("2026-03-10T17:00"), at("2026-03-11T17:00")
FUNCTION_ARN = f"arn:aws:lambda:us-east-1:123456789012:function:{NAME}-sfn-deadline-check"


def on_failure_record(payload: dict[str, Any]) -> str:
    """Lambda's on-failure record of an asynchronous event whose retries were exhausted
    (docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html)."""
    return json.dumps(
        {
            "version": "1.0",
            "timestamp": "2026-03-10T17:03:05.000Z",
            "requestContext": {
                "requestId": "c9b1a6f0-3f0e-4d2b-9b7c-6a1f2e3d4c5b",
                "functionArn": FUNCTION_ARN,
                "condition": "RetriesExhausted",
                "approximateInvokeCount": 3,
            },
            "requestPayload": payload,
            "responseContext": {
                "statusCode": 200,
                "executedVersion": "$LATEST",
                "functionError": "Unhandled",
            },
            "responsePayload": {
                "errorMessage": "An error occurred (Throttled) when calling the Publish operation"
            },
        }
    )


def deadline_of(notification: dict[str, Any]) -> str:
    """The deadline a text alert names, in the monitor's time zone."""
    (line,) = [line for line in notification["Message"].splitlines() if "to deadline" in line]
    return line.split("to deadline", 1)[1].strip()[:16]


@pytest.fixture
def waiting(deployed: Deployed) -> tuple[Inbox, list[dict[str, Any]]]:
    """Two checks of etl in the queue (day 1 twice, as a redelivery leaves it, and day 2),
    and a message that is no on-failure record."""
    sqs = client("sqs")
    checks = [
        event(deployed.own_machine, DAY1, monitor="etl"),
        event(deployed.own_machine, DAY1, monitor="etl", attempt_number="2"),
        event(deployed.own_machine, DAY2, monitor="etl"),
    ]
    for payload in checks:
        sqs.send_message(
            QueueUrl=deployed.queues["check_failures"], MessageBody=on_failure_record(payload)
        )
    sqs.send_message(QueueUrl=deployed.queues["check_failures"], MessageBody="not a record")
    inbox = Inbox(client, deployed.topic_arn)
    return inbox, checks


def test_replay_sends_each_waiting_check_once_and_keeps_what_it_cannot_read(
    deployed: Deployed, waiting: tuple[Inbox, list[dict[str, Any]]], capsys: pytest.CaptureFixture
) -> None:
    inbox, _ = waiting
    code, out = run("replay", capsys)
    assert code == EXIT_NOT_OK
    alerts = inbox.take()
    assert [a["MessageAttributes"]["status"]["Value"] for a in alerts] == ["MISSING", "MISSING"]
    # Each judged as of its own scheduled time (02:00 in Tokyo on the 11th, then the 12th).
    assert sorted(deadline_of(a) for a in alerts) == ["2026-03-11 02:00", "2026-03-12 02:00"]
    assert out.count("REPLAYED") == 3
    assert "nothing (handled already)" in out
    assert "FAILED  not a Lambda on-failure record, kept: not a record" in out
    assert "4 message(s), 1 failed" in out
    # Only the unreadable message stays; a second replay finds it alone and sends nothing.
    code, out = run("replay", capsys)
    assert code == EXIT_NOT_OK
    assert inbox.take() == []
    assert "1 message(s), 1 failed" in out


def test_a_dry_run_lists_the_waiting_checks_and_runs_none(
    deployed: Deployed, waiting: tuple[Inbox, list[dict[str, Any]]], capsys: pytest.CaptureFixture
) -> None:
    inbox, _ = waiting
    code, out = run("replay", capsys, "--dry-run")
    assert code == EXIT_NOT_OK  # the unreadable message
    assert out.count("WAITING etl deadline 2026-03-1") == 3
    assert inbox.take() == []
    code, out = run("replay", capsys, "--dry-run")
    assert out.count("WAITING") == 3  # all still there


def test_a_check_sent_meanwhile_is_not_sent_again(
    deployed: Deployed,
    waiting: tuple[Inbox, list[dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    """The day-2 check went through meanwhile (the Scheduler delivered it again): its
    replay is a duplicate, as any retry of it."""
    inbox, checks = waiting
    monkeypatch.setenv("ALERT_TOPIC_ARN", deployed.topic_arn)
    monkeypatch.setenv("STATE_TABLE_NAME", f"{NAME}-sfn-deadline-state")
    handler.lambda_handler(checks[2], LambdaContext(aws_request_id="redelivered"))
    assert len(inbox.take()) == 1
    code, _ = run("replay", capsys)
    assert code == EXIT_NOT_OK
    assert [deadline_of(a) for a in inbox.take()] == ["2026-03-11 02:00"]
