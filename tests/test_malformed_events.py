"""Every malformed event is one ERROR alert, within SNS's limits, and its redelivery sends
nothing more: the Scheduler and Lambda deliver at least once. Every alert fits, at the
largest input too."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sfn_deadline_monitor import handler
from sfn_deadline_monitor.alerts.chat import MAX_CHAT_DESCRIPTION_CHARS
from testkit.account import Account
from testkit.checks import LambdaContext, attributes, largest_failure
from testkit.events import at, event

DEADLINE = at("2026-03-10T17:00")
# SNS's limit on a message, its subject and attributes included
# (docs.aws.amazon.com/sns/latest/api/API_Publish.html).
SNS_MAX_BYTES = 262_144
HUGE = "x" * 300_000


def _size(notification: dict[str, Any]) -> int:
    attributes_size = sum(
        len(name) + len(value["Value"]) for name, value in notification["MessageAttributes"].items()
    )
    return (
        len(notification["Message"].encode())
        + len(notification.get("Subject", ""))
        + attributes_size
    )


@pytest.mark.parametrize("message_format", ["text", "json", "chat"])
@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"timezone": "Mars/Olympus"}, "'Mars/Olympus' is not an IANA time zone"),
        ({"monitor": HUGE}, "is not a monitor name"),
        ({"state_machine_arn": HUGE}, "is not a state machine ARN"),
        ({"lookback_minutes": "180"}, "lookback_minutes must be a whole number"),
        ({"notify_on_success": "yes"}, "notify_on_success"),
        ({"version": "one"}, "version 'one' is not supported"),
        ({"severities": {"AT_RISK": "high"}}, "severities {'AT_RISK': 'high'} must map statuses"),
        ({"severities": {"TIMED_OUT": "info"}}, "severities {'TIMED_OUT': 'info'} must map"),
        ({"severities": ["critical"]}, "severities ['critical'] must map statuses (OK, FAILED"),
    ],
    ids=[
        "bad time zone",
        "300 KB name",
        "300 KB ARN",
        "lookback a string",
        "flag a string",
        "version",
        "unknown severity",
        "unknown status",
        "severities a list",
    ],
)
def test_a_malformed_event_is_one_error_alert_that_fits(
    account: Account, state_table: Any, overrides: dict[str, Any], named: str, message_format: str
) -> None:
    payload = {
        **event(account.state_machine(), DEADLINE, message_format=message_format),
        **overrides,
    }
    context = LambdaContext(aws_request_id="first")
    assert handler.lambda_handler(payload, context)["status"] == "ERROR"
    # The Scheduler delivers the same event again, under another request.
    again = handler.lambda_handler(payload, LambdaContext(aws_request_id="second"))
    (notification,) = account.published()
    assert again["duplicate"] is True
    assert attributes(notification)["status"] == "ERROR"
    body = notification["Message"]
    reason = json.loads(body)["reason"] if message_format == "json" else body
    assert named in reason
    assert _size(notification) < SNS_MAX_BYTES
    assert len(body) < 10_000  # the quoted value is cut, not the alert


def test_a_malformed_event_without_its_time_is_sent_each_time(
    account: Account, state_table: Any
) -> None:
    """With no scheduled time (here, not a string), two deliveries cannot be told from two
    fires: both are sent."""
    payload = event(account.state_machine(), DEADLINE, scheduled_time=1773162000)
    for request in ("first", "second"):
        handler.lambda_handler(payload, LambdaContext(aws_request_id=request))
    assert len(account.published()) == 2


@pytest.mark.parametrize("message_format", ["text", "json", "chat"])
def test_the_largest_failure_alert_fits(
    account: Account, state_table: Any, message_format: str
) -> None:
    """Twelve failed runs with the longest names, errors and causes Step Functions allows,
    in a state machine and monitor with the longest names: the alert stays under SNS's
    limit, and the chat one under Chatbot's description limit."""
    machine = largest_failure(account)
    payload = event(machine, DEADLINE, monitor="n" * 64, message_format=message_format)
    assert handler.lambda_handler(payload, LambdaContext())["status"] == "FAILED"
    (notification,) = account.published()
    assert _size(notification) < SNS_MAX_BYTES
    if message_format == "chat":
        description = json.loads(notification["Message"])["content"]["description"]
        assert len(description) <= MAX_CHAT_DESCRIPTION_CHARS
