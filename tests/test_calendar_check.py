"""Calendars through the handler, against emulated AWS with the state table: a day off
without a run sends nothing and is recorded as skipped (visible in ``status``), whatever
ran on it is still judged, and a working day is checked as before.

The monitor is due at 02:00 in Tokyo; its calendar excludes 2026-12-25 (a Friday) and the
weekends. The handler's clock is set to each check's time: these deadlines lie ahead of
the suite's own clock.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from moto.core import DEFAULT_ACCOUNT_ID

from sfn_deadline_monitor import handler
from sfn_deadline_monitor.__main__ import main
from sfn_deadline_monitor.alerts import delivery
from sfn_deadline_monitor.check.verdict import Status
from sfn_deadline_monitor.state.outcomes import SKIPPED, read_outcomes
from sfn_deadline_monitor.state.records import checked_key
from sfn_deadline_monitor.state.store import StateStore, handled_key
from testkit.account import REGION, Account
from testkit.checks import attributes, check, only_alert
from testkit.events import at, clock, event
from testkit.registry_items import manifest, monitor, write_registry

TABLE = "monitor-state"
CALENDAR = {
    "name": "jp-business",
    "exclude_dates": ["2026-12-25"],
    "exclude_weekdays": ["SAT", "SUN"],
}
# 02:00 in Tokyo: Christmas (off), the Thursday before it and the Monday after (working).
CHRISTMAS = at("2026-12-24T17:00")
THURSDAY = CHRISTMAS - timedelta(days=1)
MONDAY = CHRISTMAS + timedelta(days=3)
DAY = timedelta(days=1)
GROUPS = {"deadline": "ops", "start": "ops-start", "audit": "ops-audit"}

Checker = Callable[..., dict[str, Any]]


@pytest.fixture
def checker(monkeypatch: pytest.MonkeyPatch) -> Checker:
    """Run a check of the monitor (its calendar included) with the handler's clock a
    minute after the check was due; a start or at-risk check's input has no
    notify_on_success."""

    def run(sm: str, due: datetime, **overrides: Any) -> dict[str, Any]:
        monkeypatch.setattr(handler, "datetime", clock(due + timedelta(minutes=1)))
        payload = event(sm, due, calendar=CALENDAR, **overrides)
        if payload.get("check") in ("start", "at_risk"):
            del payload["notify_on_success"]
        return check(payload)

    return run


def start_check() -> dict[str, Any]:
    """What a start check's input holds beyond a deadline check's."""
    return {"check": "start", "schedule_expression": "cron(15 0 * * ? *)"}


def log_lines(capsys: pytest.CaptureFixture[str], kind: str) -> list[dict[str, Any]]:
    logged = map(json.loads, capsys.readouterr().out.splitlines())
    return [line for line in logged if line["event"] == kind]


def item(state_table: Any, key: str) -> dict[str, Any]:
    found: dict[str, Any] = state_table.get_item(TableName=TABLE, Key={"pk": {"S": key}})["Item"]
    return found


def test_a_day_off_without_a_run_sends_nothing_and_is_recorded_as_skipped(
    account: Account,
    state_table: Any,
    checker: Checker,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(delivery.HISTORY_ENV, "400")
    sm = account.state_machine()
    start = THURSDAY - timedelta(hours=2)
    account.execution(sm, status="FAILED", start=start, stop=start + timedelta(minutes=5))
    assert checker(sm, THURSDAY)["status"] == "FAILED"
    account.published()
    capsys.readouterr()

    result = checker(sm, CHRISTMAS)
    assert (result["status"], result["notified"], result["list_calls"]) == ("SKIPPED", False, 1)
    assert account.published() == []
    assert account.calls == {"ListExecutions": 2, "DescribeExecution": 1, "Publish": 1}
    # A holiday is no evidence of recovery: Thursday's FAILED stays the last status.
    store = StateStore(TABLE, state_table)
    last = store.last("nightly-etl")
    assert last is not None and (last.status, last.as_of) == (Status.FAILED, THURSDAY)
    # The check completed: its claim, and its mark for the audit, with what it came to.
    claim = item(state_table, handled_key("nightly-etl", "deadline", CHRISTMAS.isoformat()))
    assert "lease_until" not in claim
    mark = item(state_table, checked_key("nightly-etl", "deadline"))
    assert mark["status"] == {"S": "SKIPPED"}
    assert mark["scheduled_time"] == {"N": str(int(CHRISTMAS.timestamp() * 1000))}
    (line,) = log_lines(capsys, "check")
    assert (line["SKIPPED"], line["MISSING"], line["AlertsSent"]) == (1, 0, 0)
    assert "DeadlineMet" not in line and "MarginSeconds" not in line
    (outcome,) = read_outcomes(
        state_table, TABLE, "nightly-etl", CHRISTMAS, CHRISTMAS + DAY
    ).outcomes
    assert (outcome.outcome, outcome.day, outcome.run_name) == (SKIPPED, "2026-12-25", None)

    assert checker(sm, CHRISTMAS)["duplicate"] is True  # a second delivery: nothing
    # Monday's run succeeds: Thursday's problem is over, and the notice says so.
    start = MONDAY - timedelta(hours=2)
    account.execution(sm, status="SUCCEEDED", start=start, stop=start + timedelta(minutes=30))
    assert checker(sm, MONDAY)["status"] == "RECOVERED"
    assert attributes(only_alert(account))["incident_key"] == "nightly-etl@2026-12-23T17:00:00Z"


def test_status_shows_the_skipped_check_and_the_last_status(
    account: Account,
    state_table: Any,
    checker: Checker,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sm = account.state_machine()
    write_registry(
        state_table,
        TABLE,
        manifest("ops", REGION, DEFAULT_ACCOUNT_ID, schedule_groups=GROUPS),
        {"nightly-etl": monitor(sm, timezone="Asia/Tokyo", start="cron(15 0 * * ? *)")},
    )
    assert checker(sm, THURSDAY)["status"] == "MISSING"
    assert checker(sm, THURSDAY - timedelta(minutes=105), **start_check())["status"] == "MISSING"
    assert checker(sm, CHRISTMAS)["status"] == "SKIPPED"
    capsys.readouterr()

    flags = ["--table", TABLE, "--region", REGION]
    assert main(["status", *flags]) == 1  # Thursday's MISSING still needs attention
    text = capsys.readouterr().out
    assert "deadline 2026-12-24 17:00 (skipped); start 2026-12-23 15:15" in text
    assert main(["status", *flags, "--format", "json"]) == 1
    (row,) = json.loads(capsys.readouterr().out)["monitors"]
    assert (row["status"], row["as_of"]) == ("MISSING", "2026-12-23T17:00:00Z")
    assert row["last_checks"]["deadline"] == "2026-12-24T17:00:00Z"
    assert row["skipped_checks"] == ["deadline"]


def test_a_run_that_failed_on_a_day_off_is_still_reported(
    account: Account, state_table: Any, checker: Checker
) -> None:
    sm = account.state_machine()
    start = CHRISTMAS - timedelta(hours=2)
    account.execution(
        sm, status="FAILED", start=start, stop=start + timedelta(minutes=5), error="Etl.Failed"
    )
    assert checker(sm, CHRISTMAS)["status"] == "FAILED"
    alert = only_alert(account)
    assert attributes(alert)["status"] == "FAILED"
    assert alert["Subject"].startswith("[FAILED] nightly-etl: 1 of 1 run(s) failed")
    last = StateStore(TABLE, state_table).last("nightly-etl")
    assert last is not None and last.status is Status.FAILED


def test_a_start_check_on_a_day_off_without_a_run_sends_nothing(
    account: Account, state_table: Any, checker: Checker
) -> None:
    sm = account.state_machine()
    due = CHRISTMAS - timedelta(minutes=105)  # 00:15 in Tokyo
    result = checker(sm, due, **start_check())
    assert (result["status"], result["notified"]) == ("SKIPPED", False)
    assert account.published() == []
    assert StateStore(TABLE, state_table).last("nightly-etl") is None
    mark = item(state_table, checked_key("nightly-etl", "start"))
    assert mark["status"] == {"S": "SKIPPED"}


def test_a_start_check_before_midnight_follows_its_deadlines_day(
    account: Account, state_table: Any, checker: Checker
) -> None:
    """At 23:15 the start check of the next day's 02:00 deadline (the module writes the
    deadline's schedule with a calendar): on Christmas Eve it is skipped, on Sunday evening
    (Monday's run) it is judged."""
    sm = account.state_machine()
    late_start = {
        **start_check(),
        "schedule_expression": "cron(15 23 * * ? *)",
        "deadline_expression": "cron(0 2 * * ? *)",
    }
    eve = checker(sm, CHRISTMAS - timedelta(minutes=165), **late_start)
    assert (eve["status"], account.published()) == ("SKIPPED", [])
    sunday = checker(sm, MONDAY - timedelta(minutes=165), **late_start)
    assert sunday["status"] == "MISSING"
    assert attributes(only_alert(account))["status"] == "MISSING"


def test_a_working_day_without_a_run_is_missing_as_before(
    account: Account, state_table: Any, checker: Checker
) -> None:
    sm = account.state_machine()
    assert checker(sm, THURSDAY)["status"] == "MISSING"
    assert attributes(only_alert(account))["status"] == "MISSING"
    assert checker(sm, THURSDAY - timedelta(minutes=105), **start_check())["status"] == "MISSING"
    assert attributes(only_alert(account))["status"] == "MISSING"


def test_an_at_risk_check_expects_no_start_on_a_day_off(
    account: Account, state_table: Any, checker: Checker
) -> None:
    """The job has started at 00:00 every night; at 01:30 nothing has started. On Thursday
    that is AT_RISK; on Christmas nothing is expected, so nothing is sent."""
    sm = account.state_machine()
    for night in range(1, 8):
        start = THURSDAY - night * DAY - timedelta(hours=2)
        account.execution(sm, status="SUCCEEDED", start=start, stop=start + timedelta(minutes=40))
    at_risk = {"check": "at_risk", "deadline_expression": "cron(0 2 * * ? *)"}
    thursday = checker(sm, THURSDAY - timedelta(minutes=30), **at_risk)
    assert (thursday["status"], thursday["prediction"]) == ("AT_RISK", "no_start")
    assert attributes(only_alert(account))["status"] == "AT_RISK"
    christmas = checker(sm, CHRISTMAS - timedelta(minutes=30), **at_risk)
    assert (christmas["status"], christmas["prediction"]) == ("OK", "no_start")
    assert account.published() == []
