"""Instant failure alerts: the handler given the events the module's EventBridge rule
forwards, in the shape Step Functions emits them."""

from __future__ import annotations

import json

import pytest

from sfn_deadline_monitor import handler
from tests.conftest import Account, at, status_change
from tests.test_handler import attributes, only_alert

START, STOP = at("2026-03-10T15:00"), at("2026-03-10T15:05")


def test_failure_event_alerts_at_once_with_its_error_and_cause(account: Account) -> None:
    sm = account.state_machine()
    arn = account.execution(sm, status="FAILED", start=START, stop=STOP, name="run-1")
    result = handler.lambda_handler(status_change(arn, "FAILED", START, STOP), None)
    assert result["status"] == "FAILED"
    assert result["check"] == "status_change"
    notification = only_alert(account)
    assert attributes(notification) == {"status": "FAILED", "monitor": "nightly-etl"}
    assert notification["Subject"] == (
        "[FAILED] nightly-etl: run run-1 FAILED at 2026-03-11 00:05 JST"
    )
    body = notification["Message"]
    assert "Error:    Etl.LoadFailed" in body
    assert "Cause:    relation orders_staging is locked" in body
    # The event carried error and cause: nothing else was asked of Step Functions.
    assert account.calls == {"Publish": 1}


@pytest.mark.parametrize("status", ["TIMED_OUT", "ABORTED"])
def test_timeouts_and_aborts_are_failures_too(account: Account, status: str) -> None:
    sm = account.state_machine()
    arn = account.execution(sm, status=status, start=START, stop=STOP, name="run-1")
    handler.lambda_handler(status_change(arn, status, START, STOP, error=None, cause=None), None)
    notification = only_alert(account)
    assert attributes(notification)["status"] == "FAILED"
    assert f"run run-1 {status} at" in notification["Subject"]


def test_event_without_error_and_cause_reads_them_from_the_execution(account: Account) -> None:
    sm = account.state_machine()
    arn = account.execution(
        sm, status="FAILED", start=START, stop=STOP, name="run-1", error="E", cause="why"
    )
    handler.lambda_handler(status_change(arn, "FAILED", START, STOP, error=None, cause=None), None)
    body = only_alert(account)["Message"]
    assert "Error:    E" in body
    assert "Cause:    why" in body
    assert account.calls["DescribeExecution"] == 1


def test_event_for_another_state_machine_is_an_error_alert(account: Account) -> None:
    sm = account.state_machine()
    other = account.state_machine("billing")
    arn = account.execution(other, status="FAILED", start=START, stop=STOP, name="run-1")
    payload = status_change(arn, "FAILED", START, STOP)
    payload["state_machine_arn"] = sm
    handler.lambda_handler(payload, None)
    notification = only_alert(account)
    assert attributes(notification)["status"] == "ERROR"
    assert "routed it to the wrong monitor" in notification["Message"]


def test_a_success_event_is_never_taken_for_a_failure_or_passed_silently(
    account: Account,
) -> None:
    sm = account.state_machine()
    arn = account.execution(sm, status="SUCCEEDED", start=START, stop=STOP, name="run-1")
    handler.lambda_handler(status_change(arn, "SUCCEEDED", START, STOP), None)
    notification = only_alert(account)
    assert attributes(notification)["status"] == "ERROR"
    assert "is not a failure" in notification["Message"]


def test_a_long_cause_from_the_event_is_clipped_as_a_described_one_would_be(
    account: Account,
) -> None:
    sm = account.state_machine()
    arn = account.execution(sm, status="FAILED", start=START, stop=STOP, name="run-1")
    handler.lambda_handler(status_change(arn, "FAILED", START, STOP, cause="x" * 30000), None)
    body = only_alert(account)["Message"]
    assert "... (30000 chars)" in body
    assert len(body) < 4000


def test_a_malformed_event_for_a_chat_monitor_is_reported_in_chat_format(
    account: Account,
) -> None:
    handler.lambda_handler({"monitor": "nightly-etl", "message_format": "chat"}, None)
    notice = json.loads(only_alert(account)["Message"])
    assert notice["source"] == "custom"
    assert notice["metadata"]["eventType"] == "ERROR"
