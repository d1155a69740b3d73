"""The deadline history on emulated AWS: 90 days of real deadline checks of two jobs, then
``report`` of them, every figure against a hand computation.

The two jobs' runs follow a pattern whose figures are worked out in the comments below,
by hand, not by the code under test.

etl (UTC, deadline 02:00, window 23:00 to 02:00), day d = 0..89 from 2026-01-01:
- d % 30 == 15 (d = 15, 45, 75): no run: 3 missing;
- d % 10 == 7 (9 days): FAILED after 20 minutes (00:00 to 00:20);
- d % 10 == 3 (9 days): SUCCEEDED 00:00 to 02:00 + (d // 10 + 1) minutes: late by 1 to 9
  minutes;
- the 69 other days: SUCCEEDED 00:00 to 01:00 + (d % 50) minutes: met, with a margin of
  3600 - 60 * (d % 50) seconds.
billing (Asia/Tokyo, deadline 18:00 = 09:00 UTC), the same 90 days: one run 07:00 to
08:00 UTC (1 hour, a margin of 3600 s) each day but d = 0 and 45: 2 missing.
new-job is declared and has no history.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from moto.core import DEFAULT_ACCOUNT_ID as ACCOUNT

from sfn_deadline_monitor import handler
from sfn_deadline_monitor.alerts import delivery
from sfn_deadline_monitor.cli import report
from sfn_deadline_monitor.cli.common import EXIT_ERROR, EXIT_OK, EXIT_USAGE
from sfn_deadline_monitor.state.outcomes import Outcome, outcome_item, read_outcome
from testkit.account import REGION, Account
from testkit.applied import table_items
from testkit.deployed_module import NAME, TABLE, client, run
from testkit.events import at, clock, event
from testkit.registry_items import manifest, monitor, write_registry
from testkit.state_table import create_state_table

# 90 days of checks: 22 s of CPU time (make quick leaves it to make test).
pytestmark = pytest.mark.slow

FIRST_DAY = at("2026-01-01T00:00")
DAYS = 90
# The report runs at the end of the 90th day: its last 90 days are the 90 days checked.
REPORT_AT = FIRST_DAY + timedelta(days=DAYS)


def _etl_runs(account: Account, arn: str) -> None:
    for d in range(DAYS):
        midnight = FIRST_DAY + timedelta(days=d)
        if d % 30 == 15:
            continue
        if d % 10 == 7:
            stop, status = midnight + timedelta(minutes=20), "FAILED"
        elif d % 10 == 3:
            stop, status = midnight + timedelta(hours=2, minutes=d // 10 + 1), "SUCCEEDED"
        else:
            stop, status = midnight + timedelta(hours=1, minutes=d % 50), "SUCCEEDED"
        account.execution(arn, status=status, start=midnight, stop=stop, name=f"etl-{d:02d}")


def _billing_runs(account: Account, arn: str) -> None:
    for d in range(DAYS):
        if d in (0, 45):
            continue
        start = FIRST_DAY + timedelta(days=d, hours=7)
        stop = start + timedelta(hours=1)
        account.execution(arn, status="SUCCEEDED", start=start, stop=stop, name=f"bill-{d:02d}")


# The state table's items after the 180 checks, kept by the first test that makes them:
# the checks run on a fixed clock against the same runs and ARNs in every test's account,
# so every later test of the file puts the same items in its own table (the checks took
# 14 s alone and about 30 s in the suite, for each of four tests).
_CHECKED_ITEMS: list[dict[str, Any]] = []


def _check_every_deadline(arns: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    deadlines = {"etl": timedelta(hours=2), "billing": timedelta(hours=9)}
    zones = {"etl": "UTC", "billing": "Asia/Tokyo"}
    for d in range(DAYS):
        for name, arn in arns.items():
            deadline = FIRST_DAY + timedelta(days=d) + deadlines[name]
            monkeypatch.setattr(handler, "datetime", clock(deadline + timedelta(minutes=15)))
            payload = event(arn, deadline, monitor=name, timezone=zones[name])
            assert handler.lambda_handler(payload, None)["monitor"] == name


@pytest.fixture
def history(account: Account, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The two jobs' 90 days, each deadline checked by the handler 15 minutes after it."""
    dynamodb = client("dynamodb")
    create_state_table(dynamodb, TABLE)
    monkeypatch.setenv(delivery.STATE_TABLE_ENV, TABLE)
    monkeypatch.setenv(delivery.HISTORY_ENV, "400")
    arns = {"etl": account.state_machine("etl"), "billing": account.state_machine("billing")}
    _etl_runs(account, arns["etl"])
    _billing_runs(account, arns["billing"])
    if _CHECKED_ITEMS:
        for item in _CHECKED_ITEMS:
            dynamodb.put_item(TableName=TABLE, Item=item)
    else:
        _check_every_deadline(arns, monkeypatch)
        _CHECKED_ITEMS.extend(table_items(client, TABLE).values())
    write_registry(
        dynamodb,
        TABLE,
        manifest(NAME, REGION, ACCOUNT),
        {
            "etl": monitor(arns["etl"]),
            "billing": monitor(
                arns["billing"], schedule="cron(0 18 * * ? *)", timezone="Asia/Tokyo"
            ),
            "new-job": monitor(account.state_machine("new-job")),
        },
    )
    monkeypatch.setattr(report, "datetime", clock(REPORT_AT))
    return arns


def test_each_deadline_check_keeps_its_outcome(history: dict[str, str]) -> None:
    """One item per deadline checked, read back as written (day in the monitor's zone)."""
    items = client("dynamodb").scan(TableName=TABLE)["Items"]
    outcomes = [read_outcome(i) for i in items if i["pk"]["S"].startswith("outcome#")]
    assert len(outcomes) == 2 * DAYS
    late = next(o for o in outcomes if o.run_name == "etl-83")
    assert (late.outcome, late.margin, late.duration) == (
        "late",
        timedelta(minutes=-9),
        timedelta(hours=2, minutes=9),
    )
    first_billing = min((o for o in outcomes if o.monitor == "billing"), key=lambda o: o.deadline)
    # 18:00 in Tokyo on 2026-01-01 is 09:00 UTC that day.
    assert (first_billing.day, first_billing.outcome) == ("2026-01-01", "missing")
    assert outcome_item(late, at("2027-01-01T00:00"))["expires_at"] == {"N": "1798761600"}


def test_report_json_matches_the_hand_computation(
    history: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run("report", capsys, "--days", str(DAYS), "--format", "json")
    assert code == EXIT_OK, out
    figures = json.loads(out)
    monitors = {m["monitor"]: m for m in figures["monitors"]}
    assert set(monitors) == {"etl", "billing", "new-job"}
    etl, billing = monitors["etl"], monitors["billing"]
    assert etl["counts"] == {
        "met": 69,
        "late": 9,
        "missing": 3,
        "failed": 9,
        "too_fast": 0,
        "unknown": 0,
        "skipped": 0,
    }
    assert etl["deadlines"] == 90
    assert etl["share_met"] == 0.7667  # 69 / 90, to 4 places
    assert billing["counts"]["met"] == 88 and billing["counts"]["missing"] == 2
    assert monitors["new-job"]["deadlines"] == 0 and monitors["new-job"]["share_met"] is None
    assert figures["rollup"]["deadlines"] == 180
    assert figures["rollup"]["share_met"] == 0.8722  # 157 / 180
    # Durations of etl's 87 runs that ended: 9 of 20 min, 69 met of 60 + d % 50 min, 9
    # late of 121 to 129 min. Nearest rank: p50 the 44th, the 35th shortest met run (81
    # min); p90 the 79th, past the 78 failed and met ones: the shortest late (121 min).
    assert (etl["p50_duration_s"], etl["p90_duration_s"], etl["max_duration_s"]) == (
        81 * 60,
        121 * 60,
        129 * 60,
    )
    # Worst days: one deadline not met each; the late ones first, the latest the most.
    worst = [(w["day"], w["not_met"], w["tightest_margin_s"]) for w in etl["worst_days"]]
    assert worst == [
        ("2026-03-25", 1, -540),
        ("2026-03-15", 1, -480),
        ("2026-03-05", 1, -420),
        ("2026-02-23", 1, -360),
        ("2026-02-13", 1, -300),
    ]
    # The tightest: the late runs of d = 83, 73 and 63 (2026-03-25, -15, -05).
    tight = [(m["day"], m["margin_s"]) for m in etl["tightest_margins"]]
    assert tight == [("2026-03-25", -540), ("2026-03-15", -480), ("2026-03-05", -420)]
    assert billing["max_duration_s"] == 3600


def test_every_format_shows_the_figures(
    history: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The same history in the other formats."""
    for fmt in ("text", "csv", "markdown", "html"):
        code, out = run("report", capsys, "--days", str(DAYS), "--format", fmt)
        assert code == EXIT_OK, out
        for name in ("etl", "billing", "new-job"):
            assert name in out, fmt
        # etl: 69 of 90 met, 76.7 %; the deployment: 157 of 180, 87.2 %.
        if fmt == "csv":
            rows = {line.split(",")[0]: line.split(",") for line in out.splitlines()[1:]}
            assert rows["etl"][1:8] == ["90", "69", "9", "3", "9", "0", "0"]
        else:
            assert "76.7" in out and "87.2" in out, fmt


def test_a_monitor_flag_reports_only_that_monitor(
    history: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run("report", capsys, "--monitor", "billing", "--format", "json")
    assert code == EXIT_OK, out
    figures: dict[str, Any] = json.loads(out)
    assert [m["monitor"] for m in figures["monitors"]] == ["billing"]
    # The last 30 days: the deadlines of 2026-03-02 to 2026-03-31 (d = 60 to 89), all met.
    assert figures["monitors"][0]["counts"]["met"] == 30


def test_no_history_is_kept_with_a_retention_of_0(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """history_retention_days = 0: the check writes its status, not its outcome."""
    dynamodb = client("dynamodb")
    create_state_table(dynamodb, TABLE)
    monkeypatch.setenv(delivery.STATE_TABLE_ENV, TABLE)
    monkeypatch.setenv(delivery.HISTORY_ENV, "0")
    arn = account.state_machine("etl")
    monkeypatch.setattr(handler, "datetime", clock(FIRST_DAY + timedelta(hours=2, minutes=1)))
    handler.lambda_handler(event(arn, FIRST_DAY + timedelta(hours=2), monitor="etl"), None)
    keys = {i["pk"]["S"] for i in dynamodb.scan(TableName=TABLE)["Items"]}
    assert "monitor#etl" in keys
    assert not any(key.startswith("outcome#") for key in keys)


@pytest.fixture
def registered(account: Account) -> Any:
    """The module's table and registry, with one monitor and no history yet."""
    dynamodb = client("dynamodb")
    create_state_table(dynamodb, TABLE)
    arn = account.state_machine("etl")
    write_registry(dynamodb, TABLE, manifest(NAME, REGION, ACCOUNT), {"etl": monitor(arn)})
    return dynamodb


def test_an_outcome_of_a_later_release_is_left_out_and_said(
    registered: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read tolerantly: an outcome this release does not know is counted, not guessed."""
    deadline = REPORT_AT - timedelta(days=1)
    met = Outcome("etl", deadline, "2026-03-31", "met", deadline)
    later = {**outcome_item(met, REPORT_AT), "outcome": {"S": "waived"}}
    later["pk"] = {"S": "outcome#etl#later"}
    later["deadline_at"] = {"N": str(int((deadline - timedelta(days=1)).timestamp() * 1000))}
    for item in (outcome_item(met, REPORT_AT), later):
        registered.put_item(TableName=TABLE, Item=item)
    monkeypatch.setattr(report, "datetime", clock(REPORT_AT))
    code, out = run("report", capsys, "--format", "json", "--days", "7")
    assert code == EXIT_OK
    assert "note: 1 outcomes could not be read by this release and are left out" in out
    figures = json.loads(out[: out.index("note:")])
    assert figures["monitors"][0]["counts"]["met"] == 1
    assert figures["monitors"][0]["deadlines"] == 1


def test_a_table_without_the_outcomes_index_names_the_fix(
    account: Account, capsys: pytest.CaptureFixture[str]
) -> None:
    """A table an earlier release made, not yet applied with this one."""
    dynamodb = client("dynamodb")
    dynamodb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    arn = account.state_machine("etl")
    write_registry(dynamodb, TABLE, manifest(NAME, REGION, ACCOUNT), {"etl": monitor(arn)})
    code, out = run("report", capsys)
    assert code == EXIT_ERROR
    assert "apply this release of the module: it adds the table's outcomes index" in out


@pytest.mark.parametrize("days", ["0", "3661"])
def test_a_period_out_of_bounds_is_refused(
    registered: Any, capsys: pytest.CaptureFixture[str], days: str
) -> None:
    code, out = run("report", capsys, "--days", days)
    assert code == EXIT_USAGE
    assert f"--days must be 1 to 3660, not {days}" in out
