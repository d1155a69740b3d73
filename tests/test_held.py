"""Maintenance windows and pauses on emulated AWS, through the handler: a problem found
while one covers the check is recorded, not sent; the audit after it ends sends it once
if it still holds, and never if it recovered meanwhile; RECOVERED is never held; an
expired pause needs no action; a pause costs no read of its own."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from sfn_deadline_monitor import aws, handler
from sfn_deadline_monitor.alerts import outbox
from sfn_deadline_monitor.alerts.held import release_held
from sfn_deadline_monitor.check.maintenance import Pause
from sfn_deadline_monitor.state import records
from sfn_deadline_monitor.state.records import held_key, monitor_key, pause_attributes
from sfn_deadline_monitor.state.store import StateStore
from testkit.account import Account, answer
from testkit.audited_module import EVERY_MINUTE, Module
from testkit.checks import check
from testkit.events import at, clock, event, status_change

TABLE = "monitor-state"
DUE = at("2026-03-10T02:00")  # the deadline, in UTC
DAY = timedelta(days=1)
# Daily 01:30 to 03:30 UTC: the 02:00 deadline's check falls inside it.
WINDOW = {
    "name": "db-upgrade",
    "schedule": "cron(30 1 * * ? *)",
    "timezone": "UTC",
    "duration_minutes": 120,
}
WINDOW_END = at("2026-03-10T03:30")
TABLE_GONE = {
    "__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
    "message": "Requested resource not found",
}
ALICE = "arn:aws:sts::123456789012:assumed-role/ops/alice"


@pytest.fixture
def module(account: Account, state_table: Any) -> Module:
    return Module(account, state_table, {"nightly-etl": EVERY_MINUTE})


def deadline_check(
    monkeypatch: pytest.MonkeyPatch, module: Module, deadline: datetime, **overrides: Any
) -> dict[str, Any]:
    """The deadline check of ``deadline``, run a minute after it."""
    monkeypatch.setattr(handler, "datetime", clock(deadline + timedelta(minutes=1)))
    given = {"timezone": "UTC", "maintenance_windows": [WINDOW], **overrides}
    return check(event(module.arns["nightly-etl"], deadline, **given))


def audit(monkeypatch: pytest.MonkeyPatch, module: Module, moment: datetime) -> dict[str, Any]:
    monkeypatch.setattr(handler, "datetime", clock(moment))
    return module.audit(moment)


def alerts(account: Account) -> list[dict[str, Any]]:
    """The monitor's alerts published since the last call (the audit's own left out)."""
    return [
        m
        for m in account.published()
        if m["Subject"].startswith("[") and " audit" not in m["Subject"]
    ]


def succeeded(account: Account, module: Module, deadline: datetime) -> None:
    account.execution(
        module.arns["nightly-etl"],
        status="SUCCEEDED",
        start=deadline - timedelta(minutes=50),
        stop=deadline - timedelta(minutes=10),
    )


def pause(dynamodb: Any, since: datetime, until: datetime) -> None:
    """A pause, as the CLI's ``pause`` writes it."""
    attributes = pause_attributes(Pause(until, ALICE, "moving the database", since))
    dynamodb.update_item(
        TableName=TABLE,
        Key={"pk": {"S": monitor_key("nightly-etl")}},
        UpdateExpression="SET " + ", ".join(f"{name} = :{name}" for name in attributes),
        ExpressionAttributeValues={f":{name}": value for name, value in attributes.items()},
    )


def test_a_problem_in_a_window_is_sent_once_after_it_if_it_still_holds(
    account: Account, module: Module, state_table: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = deadline_check(monkeypatch, module, DUE)
    assert (summary["status"], summary["notified"]) == ("MISSING", False)
    assert alerts(account) == []
    last = StateStore(TABLE, state_table).last("nightly-etl")
    assert last is not None and last.held_until == WINDOW_END

    # Inside the window, the audit holds it still.
    assert audit(monkeypatch, module, WINDOW_END - timedelta(minutes=1))["held_released"] == []
    assert alerts(account) == []
    # After it: sent, once, saying why it comes late.
    assert audit(monkeypatch, module, WINDOW_END)["held_released"] == ["nightly-etl"]
    [alert] = alerts(account)
    assert alert["Subject"].startswith("[MISSING] nightly-etl")
    body = alert["Message"].splitlines()
    assert body[2] == "Held:           maintenance window db-upgrade, until 2026-03-10 03:30:00 UTC"
    assert audit(monkeypatch, module, WINDOW_END + timedelta(hours=1))["held_released"] == []
    assert alerts(account) == []
    assert "Item" not in state_table.get_item(
        TableName=TABLE, Key={"pk": {"S": held_key("nightly-etl")}}
    )

    # Sent, so the next success is a RECOVERED.
    succeeded(account, module, DUE + DAY)
    assert deadline_check(monkeypatch, module, DUE + DAY)["status"] == "RECOVERED"
    [recovered] = alerts(account)
    assert recovered["Subject"].startswith("[RECOVERED] nightly-etl")


def test_a_problem_that_recovered_inside_the_window_is_never_sent(
    account: Account, module: Module, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Neither the problem nor its RECOVERED: on call never heard of it."""
    window = {**WINDOW, "schedule": "cron(30 1 ? * TUE *)", "duration_minutes": 60 * 24 * 2}
    assert (
        deadline_check(monkeypatch, module, DUE, maintenance_windows=[window])["notified"] is False
    )
    succeeded(account, module, DUE + DAY)
    summary = deadline_check(monkeypatch, module, DUE + DAY, maintenance_windows=[window])
    assert (summary["status"], summary["notified"]) == ("OK", False)
    assert audit(monkeypatch, module, DUE + 3 * DAY)["held_released"] == []
    assert alerts(account) == []


def test_a_check_after_the_window_sends_its_own_alert_and_the_held_one_is_dropped(
    account: Account, module: Module, monkeypatch: pytest.MonkeyPatch
) -> None:
    deadline_check(monkeypatch, module, DUE)
    # The next day's check, outside any window, finds it still missing: sent by itself.
    assert deadline_check(monkeypatch, module, DUE + DAY, maintenance_windows=[])["notified"]
    assert len(alerts(account)) == 1
    assert audit(monkeypatch, module, DUE + DAY + timedelta(hours=1))["held_released"] == []
    assert alerts(account) == []


def test_recovered_is_never_held(
    account: Account, module: Module, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A problem sent before the window has its RECOVERED sent inside it."""
    assert deadline_check(monkeypatch, module, DUE - DAY, maintenance_windows=[])["notified"]
    alerts(account)
    succeeded(account, module, DUE)
    summary = deadline_check(monkeypatch, module, DUE)
    assert (summary["status"], summary["notified"]) == ("RECOVERED", True)
    [recovered] = alerts(account)
    assert "Held" not in recovered["Message"]


def test_a_pause_holds_an_instant_failure_alert_and_costs_no_read(
    account: Account, module: Module, state_table: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    failed_at = at("2026-03-10T01:10")
    pause(state_table, failed_at - timedelta(hours=1), failed_at + timedelta(hours=2))
    run = account.execution(
        module.arns["nightly-etl"],
        status="FAILED",
        start=failed_at - timedelta(minutes=5),
        stop=failed_at,
    )
    calls: list[str] = []
    aws.client("dynamodb").meta.events.register(
        "before-call.dynamodb.*", lambda event_name, **_: calls.append(event_name.split(".")[-1])
    )
    monkeypatch.setattr(handler, "datetime", clock(failed_at + timedelta(seconds=5)))
    change = status_change(run, "FAILED", failed_at - timedelta(minutes=5), failed_at)
    [result] = check(change)["monitors"]
    assert (result["status"], result["notified"]) == ("FAILED", False)
    assert [c for c in calls if c.endswith("GetItem")] == ["GetItem"]  # the status and the pause
    # Held until the pause ends, then sent with who paused and why.
    assert audit(monkeypatch, module, failed_at + timedelta(hours=1))["held_released"] == []
    assert audit(monkeypatch, module, failed_at + timedelta(hours=2))["held_released"] == [
        "nightly-etl"
    ]
    [alert] = alerts(account)
    assert f"Held:           paused by {ALICE}: moving the database, until" in alert["Message"]


def test_an_expired_pause_needs_no_action(
    account: Account, module: Module, state_table: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pause(state_table, DUE - DAY, DUE - timedelta(hours=1))
    summary = deadline_check(monkeypatch, module, DUE, maintenance_windows=[])
    assert (summary["status"], summary["notified"]) == ("MISSING", True)
    assert len(alerts(account)) == 1


def test_a_pause_set_since_keeps_a_due_alert_held(
    account: Account, module: Module, state_table: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    deadline_check(monkeypatch, module, DUE)
    pause(state_table, WINDOW_END - timedelta(minutes=5), WINDOW_END + timedelta(hours=3))
    assert audit(monkeypatch, module, WINDOW_END + timedelta(hours=1))["held_released"] == []
    assert alerts(account) == []
    released = audit(monkeypatch, module, WINDOW_END + timedelta(hours=3))["held_released"]
    assert released == ["nightly-etl"]


def test_a_release_that_cannot_be_sent_is_sent_by_the_retry(
    account: Account, module: Module, monkeypatch: pytest.MonkeyPatch
) -> None:
    deadline_check(monkeypatch, module, DUE)
    real = outbox.publish
    calls = iter([RuntimeError("SNS is down"), None])

    def flaky(topic_arn: str, alert: Any) -> str:
        failure = None if " audit" in alert.subject else next(calls, None)
        if failure is not None:
            raise failure
        return real(topic_arn, alert)

    monkeypatch.setattr(outbox, "publish", flaky)
    with pytest.raises(Exception, match="held alerts not sent: nightly-etl: SNS is down"):
        audit(monkeypatch, module, WINDOW_END)
    assert alerts(account) == []
    # Lambda's retry of the same audit: the open problems are recorded, the alert is sent.
    assert audit(monkeypatch, module, WINDOW_END)["held_released"] == ["nightly-etl"]
    assert len(alerts(account)) == 1


def test_without_a_state_table_a_problem_in_a_window_is_sent(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nowhere to keep it, so nothing is held: never lost."""
    arn = account.state_machine()
    monkeypatch.setattr(handler, "datetime", clock(DUE + timedelta(minutes=1)))
    summary = check(event(arn, DUE, timezone="UTC", maintenance_windows=[WINDOW]))
    assert (summary["status"], summary["notified"]) == ("MISSING", True)


def test_a_window_holds_an_instant_failure_alert_and_the_json_says_so(
    account: Account, module: Module, monkeypatch: pytest.MonkeyPatch
) -> None:
    failed_at = at("2026-03-10T02:10")
    run = account.execution(
        module.arns["nightly-etl"],
        status="FAILED",
        start=failed_at - timedelta(minutes=5),
        stop=failed_at,
    )
    change = status_change(run, "FAILED", failed_at - timedelta(minutes=5), failed_at)
    change["monitors"][0] |= {"maintenance_windows": [WINDOW], "message_format": "json"}
    monkeypatch.setattr(handler, "datetime", clock(failed_at + timedelta(seconds=5)))
    [result] = check(change)["monitors"]
    assert (result["status"], result["notified"]) == ("FAILED", False)
    assert audit(monkeypatch, module, WINDOW_END)["held_released"] == ["nightly-etl"]
    [alert] = alerts(account)
    assert json.loads(alert["Message"])["held"] == {
        "kind": "maintenance window",
        "name": "db-upgrade",
        "until": "2026-03-10T03:30:00Z",
        "reason": None,
    }


def test_a_held_problem_whose_status_could_not_be_recorded_is_still_sent(
    account: Account, module: Module, state_table: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record (the check's first UpdateItem) fails through its pauses: the last status
    stays the older one, and the held alert, newer, is sent when the window ends."""
    monkeypatch.setattr(records.time, "sleep", lambda _: None)
    answer("dynamodb", "UpdateItem", 400, TABLE_GONE, times=3)
    summary = deadline_check(monkeypatch, module, DUE)
    assert (summary["notified"], summary["state_error"].split(":")[0]) == (False, "record failed")
    assert StateStore(TABLE, state_table).last("nightly-etl") is None
    assert audit(monkeypatch, module, WINDOW_END)["held_released"] == ["nightly-etl"]
    assert len(alerts(account)) == 1


def test_a_pause_this_release_cannot_read_keeps_nothing_held(
    account: Account, module: Module, state_table: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A later release's pause (another shape) is read as none: held alerts go out."""
    deadline_check(monkeypatch, module, DUE)
    state_table.update_item(
        TableName=TABLE,
        Key={"pk": {"S": monitor_key("nightly-etl")}},
        UpdateExpression="SET paused_until = :u",
        ExpressionAttributeValues={":u": {"S": "tomorrow"}},
    )
    assert audit(monkeypatch, module, WINDOW_END)["held_released"] == ["nightly-etl"]


def test_a_paused_problem_that_recovered_before_the_pause_ended_is_never_sent(
    account: Account, module: Module, state_table: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pause(state_table, DUE - DAY, DUE + 2 * DAY)
    assert deadline_check(monkeypatch, module, DUE, maintenance_windows=[])["notified"] is False
    succeeded(account, module, DUE + DAY)
    summary = deadline_check(monkeypatch, module, DUE + DAY, maintenance_windows=[])
    assert (summary["status"], summary["notified"]) == ("OK", False)
    assert audit(monkeypatch, module, DUE + 3 * DAY)["held_released"] == []
    assert alerts(account) == []


def test_held_alerts_past_the_audits_time_wait_for_the_next_audit(
    account: Account,
    module: Module,
    state_table: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Out of time (stop_at passed): nothing is sent or cleared, and the log says what
    waits; the next audit sends it."""
    deadline_check(monkeypatch, module, DUE)
    item = state_table.get_item(TableName=TABLE, Key={"pk": {"S": held_key("nightly-etl")}})
    store = StateStore(TABLE, state_table)
    capsys.readouterr()
    sent = release_held(
        store, [item["Item"]], account.topic_arn, WINDOW_END, owner="o", lease=DAY, stop_at=0
    )
    assert sent == []
    [line] = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert (line["event"], line["monitors"]) == ("held_deferred", ["nightly-etl"])
    assert alerts(account) == []
    assert audit(monkeypatch, module, WINDOW_END)["held_released"] == ["nightly-etl"]
