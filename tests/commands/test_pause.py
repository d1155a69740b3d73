"""``pause`` and ``resume`` on emulated AWS, and ``status`` showing a pause: each test sets
the commands' clock (testkit.events.clock), so every time below is worked out by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from moto.core import DEFAULT_ACCOUNT_ID as ACCOUNT

from sfn_deadline_monitor.check.verdict import Status
from sfn_deadline_monitor.cli import pause, status
from sfn_deadline_monitor.cli.common import EXIT_NOT_OK, EXIT_OK, EXIT_USAGE
from sfn_deadline_monitor.state.records import (
    PAUSE_ATTRIBUTES,
    held_key,
    millis,
    monitor_key,
    monitor_state,
)
from sfn_deadline_monitor.state.store import StateStore
from testkit.account import REGION, Account
from testkit.checks import count_calls
from testkit.deployed_module import NAME, TABLE, client, run
from testkit.events import at, clock
from testkit.registry_items import manifest, monitor, write_registry
from testkit.state_table import create_state_table

SM = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:"
NOW = at("2026-03-11T09:12")
ME = f"arn:aws:sts::{ACCOUNT}:user/moto"  # moto's answer to GetCallerIdentity


@pytest.fixture
def table(account: Account, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A module of two monitors (etl in Tokyo), and the commands' clock at NOW."""
    dynamodb = client("dynamodb")
    create_state_table(dynamodb, TABLE)
    monitors = {
        "etl": monitor(f"{SM}etl", timezone="Asia/Tokyo"),
        "billing": monitor(f"{SM}billing"),
    }
    write_registry(dynamodb, TABLE, manifest(NAME, REGION, ACCOUNT), monitors)
    set_clock(monkeypatch, NOW)
    return dynamodb


def set_clock(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    for module in (pause, status):
        monkeypatch.setattr(module, "datetime", clock(moment))


def item(dynamodb: Any, key: str) -> Any:
    """The item of ``key`` as the table holds it; None without one."""
    return dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": key}}).get("Item")


def json_row(capsys: pytest.CaptureFixture[str], name: str) -> Any:
    """``status --format json``'s row of monitor ``name``."""
    code, out = run("status", capsys, "--format", "json")
    assert code in (EXIT_OK, EXIT_NOT_OK), out
    return next(m for m in json.loads(out)["monitors"] if m["monitor"] == name)


def test_pause_then_status_shows_it(table: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(
        "pause", capsys, "etl", "--until", "2026-03-12T09:00:00+09:00", "--reason", "INC-42"
    )
    assert code == EXIT_OK, out
    assert out.startswith(
        f"Paused etl of {NAME}:\n"
        "  until   2026-03-12 00:00:00 UTC (2026-03-12 09:00:00 JST, Asia/Tokyo)\n"
        f"  by      {ME}\n"
        "  reason  INC-42\n"
        "Problems its checks find meanwhile are held, not sent: after the pause, the hourly\n"
    )
    assert "still gets its RECOVERED" in out
    assert "2026-03-12 00:00:00 UTC; `resume etl` ends it sooner." in out
    assert item(table, monitor_key("etl")) == {
        "pk": {"S": "monitor#etl"},
        "paused_until": {"N": str(millis(at("2026-03-12T00:00")))},
        "paused_by": {"S": ME},
        "pause_reason": {"S": "INC-42"},
        "paused_at": {"N": str(millis(NOW))},
    }

    code, out = run("status", capsys)
    assert code == EXIT_OK  # never checked: a pause alone needs no one
    assert [line.split()[:2] for line in out.splitlines() if line.startswith("etl ")] == [
        ["etl", "PAUSED"]
    ]
    assert f"Paused: 1 monitor(s)\n  etl: until 2026-03-12 00:00, by {ME}: INC-42\n" in out
    row = json_row(capsys, "etl")
    assert (row["status"], row["held_until"]) == (None, None)  # not UNREADABLE
    assert row["pause"] == {
        "until": "2026-03-12T00:00:00Z",
        "by": ME,
        "reason": "INC-42",
        "at": "2026-03-11T09:12:00Z",
    }
    assert json_row(capsys, "billing")["pause"] is None


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (
            ["etl", "--until", "2026-03-11T09:00:00Z", "--reason", "x"],
            "--until 2026-03-11 09:00:00 UTC is not in the future (now 2026-03-11 09:12:00 UTC)",
        ),
        (["etl", "--until", "0m", "--reason", "x"], "is not in the future"),
        (
            ["etl", "--until", "30d1m", "--reason", "x"],
            "--until 2026-04-10 09:13:00 UTC is more than 30 days ahead, the longest pause, "
            "because a forgotten pause silences the monitor: pause for less",
        ),
        (
            ["etl", "--until", "2026-12-08T09:00:00", "--reason", "x"],
            "--until '2026-12-08T09:00:00' must be an RFC 3339 time with its offset",
        ),
        (["etl", "--until", "90", "--reason", "x"], "or a duration from now (90m, 3h, 2d"),
        (["etl", "--until", "soon", "--reason", "x"], "--until 'soon' must be"),
        (["etl", "--until", "3h", "--reason", "  "], "--reason must be 1 to 500 characters, not 0"),
        (["etl", "--until", "3h", "--reason", "x" * 501], "--reason must be 1 to 500 characters"),
        (["etl", "--until", "3h", "--reason", "x", "--by", ""], "--by must be 1 to 500"),
        (
            ["etl-nightly", "--until", "3h", "--reason", "x"],
            f"{NAME} declares no monitor 'etl-nightly'; nearest: etl, billing (`status` lists",
        ),
    ],
)
def test_pause_refuses_with_the_fix(
    table: Any, capsys: pytest.CaptureFixture[str], flags: list[str], says: str
) -> None:
    code, out = run("pause", capsys, *flags)
    assert (code, out.startswith("error: ")) == (EXIT_USAGE, True)
    assert says in out
    assert item(table, monitor_key("etl")) is None


def test_a_duration_counts_from_now_and_30_days_is_the_longest(
    table: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("pause", capsys, "billing", "--until", "90m", "--reason", "r")[0] == EXIT_OK
    assert item(table, monitor_key("billing"))["paused_until"] == {
        "N": str(millis(NOW + timedelta(minutes=90)))
    }
    code, out = run("pause", capsys, "billing", "--until", "30d", "--reason", "r")
    assert code == EXIT_OK
    assert "until   2026-04-10 09:12:00 UTC\n" in out  # a monitor in UTC: one time


def test_pause_keeps_the_status_and_replaces_a_pause_saying_so(
    table: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = StateStore(TABLE, table)
    store.record(
        "etl", Status.FAILED, at("2026-03-10T17:00"), (), NOW, since=at("2026-03-09T17:00")
    )
    before = item(table, monitor_key("etl"))
    assert run("pause", capsys, "etl", "--until", "3h", "--reason", "first")[0] == EXIT_OK

    set_clock(monkeypatch, NOW + timedelta(hours=1))
    code, out = run("pause", capsys, "etl", "--until", "1d", "--reason", "longer", "--by", "ci")
    assert code == EXIT_OK
    assert (
        "  reason  longer\nIt replaces the pause:\n"
        "  until   2026-03-11 12:12:00 UTC (2026-03-11 21:12:00 JST, Asia/Tokyo)\n"
        f"  by      {ME}\n  reason  first\n"
    ) in out
    after = item(table, monitor_key("etl"))
    assert {k: v for k, v in after.items() if k not in PAUSE_ATTRIBUTES} == before
    assert monitor_state(after) == monitor_state(before)
    assert (after["paused_by"], after["pause_reason"]) == ({"S": "ci"}, {"S": "longer"})

    code, out = run("status", capsys)
    assert code == EXIT_NOT_OK  # FAILED still needs someone, paused or not
    assert "etl      FAILED PAUSED  2026-03-09 17:00" in out
    assert "  etl: until 2026-03-12 10:12, by ci: longer\n" in out


def test_a_pause_that_has_ended_shows_nothing_and_is_not_replaced_but_overwritten(
    table: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    StateStore(TABLE, table).record("etl", Status.OK, at("2026-03-10T17:00"), (), NOW)
    assert run("pause", capsys, "etl", "--until", "2h", "--reason", "deploy")[0] == EXIT_OK
    set_clock(monkeypatch, NOW + timedelta(hours=2))  # it ends at NOW + 2h exactly
    code, out = run("status", capsys)
    assert (code, "PAUSED" in out, "Paused:" in out) == (EXIT_OK, False, False)
    assert json_row(capsys, "etl")["pause"] is None
    code, out = run("pause", capsys, "etl", "--until", "1h", "--reason", "again")
    assert (code, "replaces" in out) == (EXIT_OK, False)  # nothing paused to replace
    set_clock(monkeypatch, NOW + timedelta(hours=3))
    code, out = run("resume", capsys, "etl")
    assert (code, "removed the pause (it had ended already)\n" in out) == (EXIT_OK, True)


def test_a_held_status_shows_until_when(table: Any, capsys: pytest.CaptureFixture[str]) -> None:
    held = at("2026-03-11T12:00")
    StateStore(TABLE, table).record(
        "etl", Status.LATE, at("2026-03-11T09:00"), (), NOW, held_until=held
    )
    code, out = run("status", capsys)
    assert code == EXIT_NOT_OK
    assert "etl      LATE (held until 2026-03-11 12:00)  2026-03-11 09:00" in out
    assert json_row(capsys, "etl")["held_until"] == "2026-03-11T12:00:00Z"


def test_resume_removes_the_pause_keeps_the_status_and_releases_a_held_alert(
    table: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    StateStore(TABLE, table).record("etl", Status.OK, at("2026-03-10T17:00"), (), NOW)
    before = item(table, monitor_key("etl"))
    assert run("pause", capsys, "etl", "--until", "6h", "--reason", "INC-7")[0] == EXIT_OK
    until = {"N": str(millis(NOW + timedelta(hours=6)))}
    held = {"pk": {"S": held_key("etl")}, "until": until, "held_by": {"S": "pause"}}
    table.put_item(TableName=TABLE, Item=held)

    later = NOW + timedelta(hours=1)
    set_clock(monkeypatch, later)
    calls = count_calls(monkeypatch)
    code, out = run("resume", capsys, "etl")
    assert code == EXIT_OK
    assert calls == {"BatchGetItem": 2, "UpdateItem": 2}
    assert out == (
        f"Resumed etl of {NAME}: removed the pause\n"
        "  until   2026-03-11 15:12:00 UTC (2026-03-12 00:12:00 JST, Asia/Tokyo)\n"
        f"  by      {ME}\n"
        "  reason  INC-7\n"
        "The alert held until 2026-03-11 15:12:00 UTC is due now: the next audit\n"
        "(within the hour) sends it if its problem still holds.\n"
    )
    assert item(table, monitor_key("etl")) == before
    assert item(table, held_key("etl")) == {**held, "until": {"N": str(millis(later))}}
    code, out = run("status", capsys)
    assert (code, "PAUSED" in out) == (EXIT_OK, False)


def test_resume_leaves_a_held_alert_already_due_alone(
    table: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("pause", capsys, "etl", "--until", "6h", "--reason", "INC-8")[0] == EXIT_OK
    until = {"N": str(millis(NOW - timedelta(minutes=5)))}
    due = {"pk": {"S": held_key("etl")}, "until": until, "held_by": {"S": "pause"}}
    table.put_item(TableName=TABLE, Item=due)
    code, out = run("resume", capsys, "etl")
    assert code == EXIT_OK
    assert out.endswith("  reason  INC-8\nNo alert the pause held waits for a later time.\n")
    assert item(table, held_key("etl")) == due
    assert item(table, monitor_key("etl")) == {"pk": {"S": "monitor#etl"}}
    assert json_row(capsys, "etl")["status"] is None  # an item without a status: not UNREADABLE


def test_resume_leaves_a_maintenance_windows_hold_to_the_window(
    table: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("pause", capsys, "etl", "--until", "6h", "--reason", "INC-9")[0] == EXIT_OK
    until = {"N": str(millis(NOW + timedelta(hours=2)))}
    window = {"pk": {"S": held_key("etl")}, "until": until, "held_by": {"S": "maintenance window"}}
    table.put_item(TableName=TABLE, Item=window)
    code, out = run("resume", capsys, "etl")
    assert (code, out.endswith("No alert the pause held waits for a later time.\n")) == (
        EXIT_OK,
        True,
    )
    assert item(table, held_key("etl")) == window


def test_resume_of_a_monitor_not_paused_writes_nothing(
    table: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_calls(monkeypatch)
    code, out = run("resume", capsys, "etl")
    assert (code, out) == (EXIT_OK, f"etl of {NAME} was not paused: nothing to do.\n")
    assert calls == {"BatchGetItem": 2, "UpdateItem": 1}
    assert item(table, monitor_key("etl")) is None
    code, out = run("resume", capsys, "nightly")
    assert (code, "declares no monitor 'nightly'" in out) == (EXIT_USAGE, True)


def test_pause_asks_sts_who_unless_told(
    table: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_calls(monkeypatch)
    assert run("pause", capsys, "etl", "--until", "3h", "--reason", "r")[0] == EXIT_OK
    assert calls == {"BatchGetItem": 2, "GetCallerIdentity": 1, "UpdateItem": 1}
    calls.clear()
    assert run("pause", capsys, "etl", "--until", "3h", "--reason", "r", "--by", "bot")[0] == 0
    assert calls == {"BatchGetItem": 2, "UpdateItem": 1}


def test_a_refused_write_names_the_permission(
    table: Any, capsys: pytest.CaptureFixture[str], refuse: Callable[[str, str], None]
) -> None:
    refuse("UpdateItem", "AccessDeniedException")
    code, out = run("pause", capsys, "etl", "--until", "3h", "--reason", "r", "--by", "me")
    assert code == 3
    assert "could not write monitor#etl" in out
    assert "your credentials need dynamodb:UpdateItem on the table" in out
