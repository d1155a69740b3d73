"""The limits and behaviours the docs promise, each held to its figure: the 50-page cap, the
5 DescribeExecution calls, botocore's 8 attempts, the 35-day expiry of handled checks, the
claim's lease, no metrics on a duplicate, a direct invoke without a scheduled time, and
the JSON alert's fields (a contract for subscribers). Each test fails when its figure
changes in the code."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sfn_deadline_monitor import aws, handler
from sfn_deadline_monitor.check import executions
from testkit.account import Account
from testkit.checks import LambdaContext, answer_once, attributes, check, only_alert
from testkit.events import at, event

DEADLINE = at("2026-03-10T17:00")


def run_in_window(n: int) -> datetime:
    return at("2026-03-10T14:00") + timedelta(seconds=n)


def test_listing_stops_after_50_pages_and_says_what_it_could_not_read(
    account: Account,
) -> None:
    """A window that never ends (every page carries a token) costs 50 calls, then an
    ERROR that says the rest was not read: never OK, never MISSING."""
    sm = account.state_machine()
    page = {
        "executions": [
            {
                "executionArn": f"{sm.replace(':stateMachine:', ':execution:')}:run",
                "stateMachineArn": sm,
                "name": "run",
                "status": "SUCCEEDED",
                "startDate": run_in_window(1).timestamp(),
                "stopDate": run_in_window(2).timestamp(),
            }
        ],
        "nextToken": "more",
    }
    answer_once("ListExecutions", 200, page, times=1000)
    result = check(event(sm, DEADLINE))
    assert executions.MAX_PAGES == 50
    assert (result["status"], result["list_calls"]) == ("ERROR", 50)
    assert "could not read the whole window" in only_alert(account)["Message"]


def test_at_most_5_failed_runs_are_described(account: Account) -> None:
    sm = account.state_machine()
    for n in range(8):
        account.execution(
            sm,
            status="FAILED",
            start=run_in_window(60 * n),
            stop=run_in_window(60 * n + 30),
            name=f"run-{n}",
            error=f"E{n}",
        )
    result = check(event(sm, DEADLINE))
    assert executions.MAX_DESCRIBED == 5
    assert (result["status"], account.calls["DescribeExecution"]) == ("FAILED", 5)
    body = only_alert(account)["Message"]
    assert body.count("   Error:    E") == 5  # the other three are listed without details


def test_throttling_is_retried_8_times_by_default(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr("botocore.endpoint.time.sleep", waits.append)  # the backoff, not slept
    aws.reset_clients()
    sm = account.state_machine()
    throttled = answer_once(
        "ListExecutions", 400, {"__type": "ThrottlingException", "message": "x"}, times=100
    )
    with pytest.raises(executions.ThrottledError):
        check(event(sm, DEADLINE))
    assert aws.DEFAULT_MAX_ATTEMPTS == 8
    assert throttled() == 8
    assert len(waits) == 7 and all(0 <= w <= 20 for w in waits)  # standard mode's backoff


def test_handled_checks_expire_after_35_days(account: Account, state_table: Any) -> None:
    sm = account.state_machine()
    before = datetime.now(UTC)
    check(event(sm, DEADLINE))
    key = f"handled#nightly-etl#deadline#{DEADLINE.isoformat()}"
    item = state_table.get_item(TableName="monitor-state", Key={"pk": {"S": key}})["Item"]
    expires = datetime.fromtimestamp(int(item["expires_at"]["N"]), UTC)
    assert before + timedelta(days=35) - timedelta(seconds=1) <= expires
    assert expires <= datetime.now(UTC) + timedelta(days=35)


def test_a_claim_lasts_the_invocations_remaining_time_plus_a_minute(
    account: Account, state_table: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read while the check is still being sent: the claim's lease, then closed."""
    sm = account.state_machine()
    seen: dict[str, Any] = {}

    def publish_and_peek(*args: Any, **kwargs: Any) -> str:
        key = f"handled#nightly-etl#deadline#{DEADLINE.isoformat()}"
        seen.update(state_table.get_item(TableName="monitor-state", Key={"pk": {"S": key}})["Item"])
        return "message-id"

    monkeypatch.setattr("sfn_deadline_monitor.alerts.delivery.send_alert", publish_and_peek)
    handler.lambda_handler(event(sm, DEADLINE), LambdaContext(remaining_millis=30_000))
    lease = int(seen["lease_until"]["N"]) - int(seen["claimed_at"]["N"])
    assert lease == (30 + 60) * 1000


def test_a_duplicate_delivery_writes_no_metrics(
    account: Account, state_table: Any, capsys: pytest.CaptureFixture
) -> None:
    sm = account.state_machine()
    check(event(sm, DEADLINE))
    capsys.readouterr()
    assert check(event(sm, DEADLINE, attempt_number="2"))["duplicate"] is True
    (line,) = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert line["event"] == "duplicate"
    assert "_aws" not in line and "MISSING" not in line


def test_a_direct_invoke_without_a_scheduled_time_says_so_and_is_never_deduplicated(
    account: Account, state_table: Any
) -> None:
    """The invocation time is then the deadline, and two invocations are two checks."""
    sm = account.state_machine()
    payload = event(sm, DEADLINE)
    del payload["scheduled_time"]
    check(payload)
    check(payload)
    alerts = account.published()
    assert [attributes(a)["status"] for a in alerts] == ["MISSING", "MISSING"]
    assert "The event carried no scheduled time" in alerts[0]["Message"]
    items = state_table.scan(TableName="monitor-state")["Items"]
    assert [i["pk"]["S"] for i in items if i["pk"]["S"].startswith("handled#")] == []


# The JSON alert's fields: a contract for the machines that read it (CONTRIBUTING.md).
JSON_FIELDS = {
    "status": str,
    "severity": str,
    "incident_key": (str, type(None)),
    "monitor": str,
    "subject": str,
    "reason": (str, type(None)),
    "advice": (str, type(None)),
    "state_machine_arn": (str, type(None)),
    "state_machine_console_url": (str, type(None)),
    "window": (dict, type(None)),
    "executions_in_window": int,
    "execution_status_counts": dict,
    "executions": list,
    "executions_not_listed": int,
    "previous": (dict, type(None)),
    "before_window": (dict, type(None)),
    "prediction": (dict, type(None)),
    "upstream": list,
    "downstream": list,
    "held": (dict, type(None)),
    "check": dict,
}
BEFORE_WINDOW_FIELDS = {
    "last_run",
    "last_success",
    "still_running",
    "runs_per_window",
    "pace",
    "never_ran",
}
EXECUTION_FIELDS = {
    "name",
    "arn",
    "status",
    "verdict",
    "start",
    "stop",
    "duration_seconds",
    "still_running",
    "error",
    "cause",
    "redrive_count",
    "console_url",
}
CHECK_FIELDS = {
    "kind",
    "checked_at",
    "deadline_from_invocation_time",
    "scheduler_execution_id",
    "attempt_number",
}


def test_the_json_alert_carries_every_documented_field_with_its_type(account: Account) -> None:
    sm = account.state_machine()
    account.execution(
        sm, status="FAILED", start=run_in_window(0), stop=run_in_window(60), name="run-1"
    )
    check(event(sm, DEADLINE, message_format="json"))
    report = json.loads(only_alert(account)["Message"])
    assert set(report) == set(JSON_FIELDS)
    for field, kind in JSON_FIELDS.items():
        assert isinstance(report[field], kind), field
    assert set(report["window"]) == {"start", "deadline", "timezone"}
    (listed,) = report["executions"]
    assert set(listed) == EXECUTION_FIELDS
    assert set(report["check"]) == CHECK_FIELDS
    assert set(report["before_window"]) == BEFORE_WINDOW_FIELDS
    assert report["check"]["kind"] == "deadline"
