"""Dependencies on emulated AWS: a downstream alert names its failing upstream first and
carries it as a message attribute, an upstream's alert names the monitors waiting for
it, suppression holds back only what it may and never a RECOVERED, and the upstream's
statuses cost no read more than the monitor's own."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from sfn_deadline_monitor import aws, handler
from sfn_deadline_monitor.state.store import StateStore
from testkit.account import Account
from testkit.checks import attributes
from testkit.events import at, clock, event

# nightly-etl is due at 02:00, billing, which waits for it, at 06:30 (UTC).
ETL_DUE, BILLING_DUE = at("2026-03-10T02:00"), at("2026-03-10T06:30")
DAY = timedelta(days=1)


@pytest.fixture
def machines(account: Account, state_table: Any) -> dict[str, str]:
    return {name: account.state_machine(name) for name in ("nightly-etl", "billing")}


def check(
    monkeypatch: pytest.MonkeyPatch, arn: str, deadline: Any, **overrides: Any
) -> dict[str, Any]:
    """The handler's check of ``deadline``, run a minute after it."""
    monkeypatch.setattr(handler, "datetime", clock(deadline + timedelta(minutes=1)))
    payload = event(arn, deadline, timezone="UTC", **overrides)
    return handler.lambda_handler(payload, None)


def etl(monkeypatch: pytest.MonkeyPatch, arn: str, deadline: Any = ETL_DUE) -> dict[str, Any]:
    return check(
        monkeypatch,
        arn,
        deadline,
        monitor="nightly-etl",
        schedule_expression="cron(0 2 * * ? *)",
        downstream=["billing"],
    )


def billing(
    monkeypatch: pytest.MonkeyPatch, arn: str, deadline: Any = BILLING_DUE, **overrides: Any
) -> dict[str, Any]:
    return check(
        monkeypatch,
        arn,
        deadline,
        monitor="billing",
        lookback_minutes=120,
        schedule_expression="cron(30 6 * * ? *)",
        upstream=["nightly-etl"],
        **overrides,
    )


def reads(calls: list[str]) -> list[str]:
    return [c for c in calls if c in ("GetItem", "BatchGetItem")]


@pytest.fixture
def dynamodb_calls() -> list[str]:
    """The DynamoDB operations the handler's own client makes from now on."""
    calls: list[str] = []
    aws.client("dynamodb").meta.events.register(
        "before-call.dynamodb.*", lambda event_name, **_: calls.append(event_name.split(".")[-1])
    )
    return calls


def test_a_downstream_alert_names_its_failing_upstream_first(
    account: Account,
    machines: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    dynamodb_calls: list[str],
) -> None:
    # No run of either: nightly-etl is MISSING at 02:00, billing at 06:30.
    assert etl(monkeypatch, machines["nightly-etl"])["status"] == "MISSING"
    assert reads(dynamodb_calls) == ["GetItem"]  # no upstream: as before
    [upstream_alert] = account.published()
    assert "Affects:        downstream billing" in upstream_alert["Message"]
    assert "upstream" not in attributes(upstream_alert)

    dynamodb_calls.clear()
    assert billing(monkeypatch, machines["billing"])["status"] == "MISSING"
    # Its own status and its upstream's, in one read.
    assert reads(dynamodb_calls) == ["BatchGetItem"]
    [alert] = account.published()
    body = alert["Message"].splitlines()
    assert body[2] == "Caused by:      upstream nightly-etl: MISSING at 2026-03-10 02:00:00 UTC"
    assert attributes(alert)["upstream"] == "nightly-etl"


def test_yesterdays_upstream_problem_explains_nothing(
    account: Account, machines: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    etl(monkeypatch, machines["nightly-etl"], ETL_DUE - DAY)
    account.published()
    billing(monkeypatch, machines["billing"])
    [alert] = account.published()
    assert "Caused by" not in alert["Message"]
    assert "upstream" not in attributes(alert)


def test_json_alerts_carry_the_upstream_and_the_downstream(
    account: Account, machines: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    check(
        monkeypatch,
        machines["nightly-etl"],
        ETL_DUE,
        monitor="nightly-etl",
        downstream=["billing"],
        message_format="json",
    )
    billing(monkeypatch, machines["billing"], message_format="json")
    upstream_alert, alert = (json.loads(n["Message"]) for n in account.published())
    assert (upstream_alert["downstream"], upstream_alert["upstream"]) == (["billing"], [])
    assert alert["upstream"] == [
        {"monitor": "nightly-etl", "status": "MISSING", "as_of": "2026-03-10T02:00:00Z"}
    ]
    assert alert["downstream"] == []


def test_suppression_holds_a_missing_back_and_never_the_recovered(
    account: Account,
    machines: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    state_table: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    etl(monkeypatch, machines["nightly-etl"])
    assert [attributes(n)["status"] for n in account.published()] == ["MISSING"]
    capsys.readouterr()
    summary = billing(monkeypatch, machines["billing"], upstream_suppresses=True)
    assert (summary["status"], summary["notified"], summary["suppressed"]) == (
        "MISSING",
        False,
        True,
    )
    assert account.published() == []
    # Recorded all the same: its RECOVERED follows it.
    last = StateStore("monitor-state", state_table).last("billing")
    assert last is not None and last.status.value == "MISSING"
    line = json.loads(capsys.readouterr().out)
    assert (line["upstream_problems"], line["suppressed"], line["MISSING"]) == (
        ["nightly-etl"],
        True,
        1,
    )

    # The next night both run: nightly-etl recovers, and so does billing, out loud.
    account.execution(
        machines["nightly-etl"],
        status="SUCCEEDED",
        start=ETL_DUE + DAY - timedelta(hours=2),
        stop=ETL_DUE + DAY - timedelta(hours=1),
    )
    account.execution(
        machines["billing"],
        status="SUCCEEDED",
        start=BILLING_DUE + DAY - timedelta(hours=1),
        stop=BILLING_DUE + DAY - timedelta(minutes=30),
    )
    etl(monkeypatch, machines["nightly-etl"], ETL_DUE + DAY)
    billing(monkeypatch, machines["billing"], BILLING_DUE + DAY, upstream_suppresses=True)
    statuses = [(attributes(n)["monitor"], attributes(n)["status"]) for n in account.published()]
    assert statuses == [("nightly-etl", "RECOVERED"), ("billing", "RECOVERED")]


def test_suppression_never_holds_back_a_failed_run(
    account: Account, machines: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    etl(monkeypatch, machines["nightly-etl"])
    account.published()
    account.execution(
        machines["billing"],
        status="FAILED",
        start=BILLING_DUE - timedelta(hours=1),
        stop=BILLING_DUE - timedelta(minutes=50),
    )
    billing(monkeypatch, machines["billing"], upstream_suppresses=True)
    [alert] = account.published()
    assert attributes(alert)["status"] == "FAILED"
    assert attributes(alert)["upstream"] == "nightly-etl"


def test_an_upstream_status_that_cannot_be_read_leaves_the_alert_whole(
    account: Account, machines: dict[str, str], monkeypatch: pytest.MonkeyPatch, state_table: Any
) -> None:
    """An upstream item of a later release: no cause named, nothing held back."""
    state_table.put_item(
        TableName="monitor-state",
        Item={"pk": {"S": "monitor#nightly-etl"}, "status": {"S": "PAUSED_BY_LATER_RELEASE"}},
    )
    billing(monkeypatch, machines["billing"], upstream_suppresses=True)
    [alert] = account.published()
    assert attributes(alert)["status"] == "MISSING"
    assert "upstream" not in attributes(alert)
