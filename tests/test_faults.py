"""Exactly one alert through any single fault: every AWS call of the check, the failure
event and the recovery notice, failing in each way botocore can report, once or through
all of Lambda's retries (testkit/faults.py, testkit/fault_paths.py), with each alert's
event on a bus never lost either. The tables are the ones in docs/failure-modes.md
(`python -m dev.fault_table` writes them)."""

from __future__ import annotations

import boto3
import pytest

from sfn_deadline_monitor.state import records
from testkit.account import REGION, Account
from testkit.fault_paths import PATHS, Path, run_path
from testkit.faults import expected, table
from testkit.paths import ROOT

# Every step through every fault: 1 min 25 s of CPU time (make quick leaves it to make test).
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name.split(" (")[0])
def test_exactly_one_alert_through_any_single_fault(
    account: Account, monkeypatch: pytest.MonkeyPatch, path: Path
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")  # botocore's resend of a lost answer
    monkeypatch.setattr(records, "WRITE_PAUSES", (0, 0))  # the test's clock: no waiting
    # Nor botocore's backoff between attempts, nor the state reads' pauses (time.sleep is
    # one function for every module).
    monkeypatch.setattr("time.sleep", lambda _: None)
    rows = run_path(account, boto3.client("dynamodb", region_name=REGION), path)
    wrong = [
        f"{step.name} / {kind} / {'once' if once else 'lasting'}: {outcome}"
        for (step, kind), outcomes in rows.items()
        for once, outcome in outcomes.items()
        if not expected(outcome, kind, step)
    ]
    assert wrong == []
    rendered = table(path.name, rows)
    assert rendered in (ROOT / "docs" / "failure-modes.md").read_text(), (
        "docs/failure-modes.md is stale: run `python -m dev.fault_table`"
    )
