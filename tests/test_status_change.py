"""Instant failure alerts: the handler given the events the module's EventBridge rule
forwards, in the shape Step Functions emits them."""

from __future__ import annotations

import json

import pytest

from sfn_deadline_monitor import handler
from testkit.account import Account
from testkit.checks import attributes, only_alert
from testkit.events import at, status_change

START, STOP = at("2026-03-10T15:00"), at("2026-03-10T15:05")


def test_failure_event_alerts_at_once_with_its_error_and_cause(account: Account) -> None:
    sm = account.state_machine()
    arn = account.execution(sm, status="FAILED", start=START, stop=STOP, name="run-1")
    result = handler.lambda_handler(status_change(arn, "FAILED", START, STOP), None)
    assert (result["check"], result["execution_arn"]) == ("status_change", arn)
    ((summary),) = result["monitors"]
    assert (summary["monitor"], summary["status"], summary["notified"]) == (
        "nightly-etl",
        "FAILED",
        True,
    )
    notification = only_alert(account)
    assert attributes(notification) == {
        "status": "FAILED",
        "monitor": "nightly-etl",
        "severity": "critical",
        "incident_key": "nightly-etl@2026-03-10T15:05:00Z",  # when the run failed
    }
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
    payload["monitors"][0]["state_machine_arn"] = sm
    handler.lambda_handler(payload, None)
    notification = only_alert(account)
    assert attributes(notification)["status"] == "ERROR"
    assert "the rule routed it wrongly" in notification["Message"]


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


def test_a_shared_rule_alerts_each_monitor_the_run_concerns(account: Account) -> None:
    """Twenty monitors share a rule: the run of a state machine reaches its own monitors
    (here the state machine's and its alias's, since the run went through the alias), and
    not the monitor of another state machine or of another alias."""
    sm = account.state_machine()
    other = account.state_machine("billing")
    arn = account.execution(sm, status="FAILED", start=START, stop=STOP, name="run-1")
    payload = status_change(arn, "FAILED", START, STOP)
    payload["event"]["detail"]["stateMachineAliasArn"] = sm + ":prod"
    payload["monitors"] = [
        {"monitor": "etl", "state_machine_arn": sm},
        {"monitor": "etl-prod", "state_machine_arn": sm + ":prod", "message_format": "json"},
        {"monitor": "etl-test", "state_machine_arn": sm + ":test"},
        {"monitor": "billing", "state_machine_arn": other},
    ]
    result = handler.lambda_handler(payload, None)
    assert [m["monitor"] for m in result["monitors"]] == ["etl", "etl-prod"]
    alerts = {attributes(n)["monitor"]: n for n in account.published()}
    assert sorted(alerts) == ["etl", "etl-prod"]
    assert json.loads(alerts["etl-prod"]["Message"])["status"] == "FAILED"


def test_a_run_of_an_alias_no_monitor_watches_sends_nothing(account: Account, capsys) -> None:
    sm = account.state_machine()
    arn = account.execution(sm, status="FAILED", start=START, stop=STOP, name="run-1")
    payload = status_change(arn, "FAILED", START, STOP)
    payload["event"]["detail"]["stateMachineAliasArn"] = sm + ":test"
    payload["monitors"][0]["state_machine_arn"] = sm + ":prod"
    assert handler.lambda_handler(payload, None)["monitors"] == []
    assert account.published() == []
    assert '"event": "not_watched"' in capsys.readouterr().out
