"""``status`` on emulated AWS, and its judgement of a monitor's next deadline."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from moto.core import DEFAULT_ACCOUNT_ID as ACCOUNT

from sfn_deadline_monitor.__main__ import main
from sfn_deadline_monitor.check.schedule_expression import parse
from sfn_deadline_monitor.check.verdict import Status
from sfn_deadline_monitor.cli import status
from sfn_deadline_monitor.cli.common import EXIT_ERROR, EXIT_NOT_OK, EXIT_OK, EXIT_USAGE
from sfn_deadline_monitor.state.discovered import discovered_items
from sfn_deadline_monitor.state.records import OpenProblem, audit_item
from sfn_deadline_monitor.state.registry import MonitorSpec, ScheduleSpec
from sfn_deadline_monitor.state.store import StateStore
from testkit.account import REGION, Account
from testkit.checks import count_calls
from testkit.deployed_module import NAME, TABLE, Deployed, client, run
from testkit.events import at
from testkit.registry_items import discovery, manifest, monitor, write_registry
from testkit.state_table import create_state_table

SM = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:"
NOW = at("2026-03-11T09:12")


@pytest.fixture
def table(account: Account) -> Any:
    dynamodb = client("dynamodb")
    create_state_table(dynamodb, TABLE)
    return dynamodb


def registry(dynamodb: Any, monitors: dict[str, dict[str, Any]]) -> None:
    groups = {"deadline": NAME, "start": f"{NAME}-start", "audit": f"{NAME}-audit"}
    write_registry(
        dynamodb, TABLE, manifest(NAME, REGION, ACCOUNT, schedule_groups=groups), monitors
    )


def test_every_monitor_with_its_status_checks_deadline_and_problems(
    table: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    registry(
        table,
        {
            "billing": monitor(
                f"{SM}billing", schedule="cron(30 6 ? * MON-FRI *)", timezone="Europe/Berlin"
            ),
            "etl": monitor(f"{SM}etl", timezone="Asia/Tokyo", start="cron(15 0 * * ? *)"),
            "legacy": monitor(f"{SM}legacy", schedule="rate(1 day)", enabled=False),
        },
    )
    store = StateStore(TABLE, table)
    store.record(
        "billing", Status.FAILED, at("2026-03-10T05:30"), (), NOW, since=at("2026-03-09T05:30")
    )
    store.mark_checked("billing", "deadline", at("2026-03-10T05:30"), NOW)
    store.record("etl", Status.OK, at("2026-03-10T17:00"), (), NOW)
    store.mark_checked("etl", "deadline", at("2026-03-10T17:00"), NOW)
    store.mark_checked("etl", "start", at("2026-03-10T15:15"), NOW)
    quiet = OpenProblem("etl", "quiet", "no check since 2026-03-10 17:00", at("2026-03-11T08:00"))
    queue = OpenProblem(None, "queue_messages", "check-failures holds 2", at("2026-03-11T08:00"))
    table.put_item(TableName=TABLE, Item=audit_item({p.key: p for p in (quiet, queue)}, NOW))

    code, out = run("status", capsys, "--format", "json")
    assert code == EXIT_NOT_OK, out
    report = json.loads(out)
    rows = {m["monitor"]: m for m in report["monitors"]}
    assert rows["billing"]["status"] == "FAILED"
    assert rows["billing"]["since"] == "2026-03-09T05:30:00Z"
    assert rows["billing"]["last_checks"] == {"deadline": "2026-03-10T05:30:00Z"}
    assert rows["etl"]["last_checks"] == {
        "deadline": "2026-03-10T17:00:00Z",
        "start": "2026-03-10T15:15:00Z",
    }
    assert [p["kind"] for p in rows["etl"]["problems"]] == ["quiet"]
    assert rows["etl"]["next_deadline"].endswith("T17:00:00Z")  # 02:00 in Tokyo
    assert (rows["legacy"]["next_deadline"], rows["legacy"]["next_deadline_note"]) == (
        None,
        "disabled",
    )
    assert [p["kind"] for p in report["other_problems"]] == ["queue_messages"]
    assert report["audited_at"] == "2026-03-11T09:12:00Z"

    code, out = run("status", capsys)
    assert code == EXIT_NOT_OK
    assert "  (module): queue_messages since 2026-03-11 08:00: check-failures holds 2" in out
    assert "2 of 3 monitor(s) need attention; the module has 1 problem(s)." in out


def test_a_discovered_monitor_is_listed_with_the_declared_ones_and_a_declared_name_wins(
    table: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    found = {
        "orders": {**monitor(f"{SM}orders", timezone="Asia/Tokyo"), "digest": "0" * 16},
        "etl": {**monitor(f"{SM}etl-by-tag"), "digest": "1" * 16},  # declared since
    }
    given = manifest(NAME, REGION, ACCOUNT, discovery=discovery(NAME, REGION, ACCOUNT))
    write_registry(table, TABLE, given, {"etl": monitor(f"{SM}etl")})
    for item in discovered_items(found, NOW):
        table.put_item(TableName=TABLE, Item=item)

    _, out = run("status", capsys, "--format", "json")
    rows = {m["monitor"]: m for m in json.loads(out)["monitors"]}
    assert {name: row["discovered"] for name, row in rows.items()} == {
        "etl": False,
        "orders": True,
    }
    assert rows["orders"]["next_deadline"].endswith("T17:00:00Z")  # 02:00 in Tokyo
    _, out = run("status", capsys)
    assert "Discovered by tags: orders" in out


def test_healthy_and_never_checked_monitors_need_no_attention(
    table: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    registry(table, {"etl": monitor(f"{SM}etl"), "new": monitor(f"{SM}new")})
    StateStore(TABLE, table).record("etl", Status.RECOVERED, at("2026-03-10T02:00"), (), NOW)
    code, out = run("status", capsys)
    assert code == EXIT_OK
    assert "Open problems: unknown (no audit has run yet)" in out
    assert "0 of 2 monitor(s) need attention." in out


def test_at_1000_monitors_it_reads_in_23_calls(
    table: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    registry(table, {f"job-{n:04d}": monitor(f"{SM}job-{n:04d}") for n in range(1000)})
    calls = count_calls(monkeypatch)
    code, out = run("status", capsys)
    assert code == EXIT_OK
    # The manifest, the 10 chunks at once, then 2,001 keys 100 a call.
    assert calls == {"BatchGetItem": 1 + 1 + 21}
    assert "0 of 1000 monitor(s) need attention." in out


def test_unreadable_or_unnamed_tables(account: Account, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("status", capsys)[0] == EXIT_ERROR
    assert main(["status", "--region", REGION]) == EXIT_USAGE


def test_the_region_comes_from_the_flag_the_configuration_or_aws_region(
    deployed: Deployed, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/commands.md's exports set AWS_REGION, which botocore does not read."""
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", REGION)
    assert main(["status", "--name", NAME]) == EXIT_OK
    capsys.readouterr()
    monkeypatch.delenv("AWS_REGION")
    assert main(["status", "--name", NAME]) == EXIT_USAGE
    assert "no region: give --region" in capsys.readouterr().err
    assert main(["status", "--name", NAME, "--region", REGION]) == EXIT_OK


def spec(
    expression: str,
    *,
    timezone: str = "UTC",
    enabled: bool = True,
    start: str | None = None,
    end: str | None = None,
) -> MonitorSpec:
    schedule = ScheduleSpec(
        "deadline",
        NAME,
        parse(expression),
        None if start is None else at(start),
        None if end is None else at(end),
    )
    return MonitorSpec(
        "m", f"{SM}m", None, timezone, timedelta(hours=3), enabled, (schedule,), None
    )


@pytest.mark.parametrize(
    ("monitor_spec", "last_check", "expected"),
    [
        (spec("cron(0 2 * * ? *)", timezone="Asia/Tokyo"), None, (at("2026-03-11T17:00"), "")),
        (spec("cron(0 2 * * ? *)", start="2026-04-01T00:00"), None, (at("2026-04-01T02:00"), "")),
        (
            spec("cron(0 2 * * ? *)", end="2026-03-11T00:00"),
            None,
            (None, "none (the schedule has ended)"),
        ),
        (spec("rate(1 day)", start="2026-03-01T06:00"), None, (at("2026-03-12T06:00"), "")),
        (
            spec("rate(1 hour)"),
            None,
            (None, "unknown (a rate, not checked yet)"),
        ),
        (
            spec("rate(1 hour)"),
            at("2026-03-11T07:40"),
            (at("2026-03-11T09:40"), "counted from the last check (a rate)"),
        ),
        (
            spec("at(2026-03-20T10:00:00)", timezone="Europe/Berlin"),
            None,
            (at("2026-03-20T09:00"), ""),
        ),
        (spec("cron(0 2 * * ? *)", enabled=False), None, (None, "disabled")),
    ],
)
def test_next_deadline(monitor_spec: MonitorSpec, last_check: Any, expected: tuple) -> None:
    assert status.next_deadline(monitor_spec, last_check, NOW) == expected
