"""Too fast through the handler, with real executions in emulated Step Functions: TOO_FAST
for a run done in a fraction of its usual time, silence for a young job, RECOVERED when a
normal run follows."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from testkit.account import Account
from testkit.checks import attributes, check, only_alert
from testkit.events import at, event

DEADLINE = at("2026-03-10T17:00")
TENTH = {"fraction_of_median": 0.1}


def nightly(account: Account, days: int) -> str:
    """A job due at 17:00 UTC whose last ``days`` nights each succeeded in 40 to 44 minutes
    (41m 30s at the median of 6 nights), starting at 15:00."""
    arn = account.state_machine()
    for day in range(1, days + 1):
        start = DEADLINE - timedelta(days=day, hours=2)
        took = timedelta(minutes=40 + day % 5)
        account.execution(arn, status="SUCCEEDED", start=start, stop=start + took, name=f"d{day}")
    return arn


def run_on(account: Account, arn: str, deadline: datetime, took: timedelta, name: str) -> None:
    start = deadline - timedelta(hours=2)
    account.execution(arn, status="SUCCEEDED", start=start, stop=start + took, name=name)


def deadline_check(arn: str, deadline: datetime, **overrides: Any) -> dict[str, Any]:
    return check(event(arn, deadline, **{"min_duration": TENTH, **overrides}))


def test_a_run_done_in_a_fraction_of_its_usual_time_is_too_fast_then_recovers(
    account: Account, state_table: Any
) -> None:
    arn = nightly(account, days=6)
    run_on(account, arn, DEADLINE, timedelta(seconds=12), "tonight")
    result = deadline_check(arn, DEADLINE)
    alert = only_alert(account)
    assert (result["status"], result["list_calls"]) == ("TOO_FAST", 1)
    assert attributes(alert) == {
        "status": "TOO_FAST",
        "monitor": "nightly-etl",
        "severity": "error",
        "incident_key": "nightly-etl@2026-03-10T17:00:00Z",
    }
    assert (
        alert["Subject"] == "[TOO_FAST] nightly-etl: run tonight succeeded in 12s, usually 41m 30s"
    )
    assert (
        "What to do:     tonight succeeded in 12s, under 10% of its usual duration (4m 09s); "
        "the median of its last 6 successful runs is 41m 30s. A run this short often did "
        "nothing: check its input"
    ) in alert["Message"]
    assert "1. SUCCEEDED  tonight  (TOO_FAST)" in alert["Message"]
    # The next night's run takes its usual time.
    tomorrow = DEADLINE + timedelta(days=1)
    run_on(account, arn, tomorrow, timedelta(minutes=41), "tomorrow")
    assert deadline_check(arn, tomorrow)["status"] == "RECOVERED"
    notice = only_alert(account)
    assert notice["Subject"].endswith("after TOO_FAST")
    assert attributes(notice)["incident_key"] == "nightly-etl@2026-03-10T17:00:00Z"


def test_too_little_history_is_no_judgement(account: Account) -> None:
    arn = nightly(account, days=4)
    run_on(account, arn, DEADLINE, timedelta(seconds=12), "tonight")
    result = deadline_check(arn, DEADLINE)
    assert (result["status"], result["notified"]) == ("OK", False)
    assert account.published() == []


def test_a_bound_in_seconds_needs_no_history(account: Account) -> None:
    arn = nightly(account, days=0)
    run_on(account, arn, DEADLINE, timedelta(seconds=12), "first")
    deadline_check(arn, DEADLINE, min_duration={"seconds": 60}, message_format="json")
    report = json.loads(only_alert(account)["Message"])
    assert (report["status"], report["executions"][0]["duration_seconds"]) == ("TOO_FAST", 12)
    assert report["advice"].startswith("first succeeded in 12s, under the monitor's min_duration")
    assert report["before_window"]["pace"] is None
