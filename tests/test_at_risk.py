"""The at-risk check through the handler, with real executions in emulated Step Functions:
AT_RISK for a run slower than its history, or no run past the usual start; silence for a
normal run, a first run and a young job; one warning per deadline; RECOVERED after it
when the run made it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.stepfunctions.models import stepfunctions_backends

from testkit.account import REGION, Account
from testkit.checks import answer_once, check
from testkit.events import event, recent


def daily_at(moment: datetime) -> str:
    return f"cron({moment.minute} {moment.hour} * * ? *)"


class Job:
    """A job due daily at ``deadline``, with ``days`` of successful runs that each started
    two hours before their deadline and took 40 to 44 minutes."""

    def __init__(self, account: Account, deadline: datetime, days: int) -> None:
        self.account, self.deadline = account, deadline
        self.arn = account.state_machine("etl")
        for day in range(1, days + 1):
            start = deadline - timedelta(days=day, hours=2)
            took = timedelta(minutes=40 + day % 5)
            account.execution(
                self.arn, status="SUCCEEDED", start=start, stop=start + took, name=f"d{day}"
            )

    def run_today(
        self, started: datetime, status: str = "RUNNING", stop: datetime | None = None
    ) -> None:
        self.account.execution(self.arn, status=status, start=started, stop=stop, name="today")

    def at_risk_check(self, at: datetime | None = None, **overrides: Any) -> dict[str, Any]:
        payload = event(
            self.arn,
            at or recent(),
            monitor="etl",
            timezone="UTC",
            check="at_risk",
            deadline_expression=daily_at(self.deadline),
            **overrides,
        )
        del payload["notify_on_success"]
        return check(payload)


@pytest.fixture
def deadline() -> datetime:
    """The deadline still to come: 20 minutes from now."""
    return (recent() + timedelta(minutes=20)).replace(second=0)


def test_a_run_that_will_end_after_the_deadline_is_at_risk(
    account: Account, deadline: datetime
) -> None:
    job = Job(account, deadline, days=20)
    job.run_today(recent() - timedelta(minutes=10))
    result = job.at_risk_check()
    (alert,) = account.published()
    assert (result["status"], result["prediction"], result["list_calls"]) == (
        "AT_RISK",
        "slow_run",
        1,
    )
    assert alert["Subject"].startswith("[AT_RISK] etl: run today to end ")
    assert (
        "its last 20 successful runs took 40m 00s to 44m 00s (90th percentile 44m 00s)"
        in alert["Message"]
    )
    assert "Expected end:" in alert["Message"]


def test_an_overdue_run_is_at_risk_and_may_be_stuck(account: Account, deadline: datetime) -> None:
    job = Job(account, deadline, days=20)
    job.run_today(recent() - timedelta(minutes=90))
    job.at_risk_check(message_format="json")
    report = json.loads(account.published()[0]["Message"])
    assert report["status"] == "AT_RISK"
    assert report["prediction"]["kind"] == "slow_run"
    assert report["prediction"]["expected_finish"] is None
    assert "so it is overdue and may be stuck" in report["advice"]


def test_no_run_past_the_usual_start_is_at_risk(account: Account) -> None:
    """The job starts two hours before its deadline; 90 minutes before, nothing has."""
    deadline = (recent() + timedelta(minutes=90)).replace(second=0)
    Job(account, deadline, days=10).at_risk_check()
    (alert,) = account.published()
    assert alert["Subject"].startswith("[AT_RISK] etl: no run started, usually by ")
    assert "in each of its last 10 windows one had started by this point" in alert["Message"]


@pytest.mark.parametrize(
    ("days", "started_minutes_ago", "prediction"),
    [
        (20, 1, "on_track"),  # at its usual pace it ends in 43 minutes, the deadline is in 60
        (0, 10, "no_history"),  # a first run
        (4, 10, "no_history"),  # too little history: 4 successful runs, 5 needed
    ],
)
def test_silence_for_a_normal_run_a_first_run_and_a_young_job(
    account: Account, days: int, started_minutes_ago: int, prediction: str
) -> None:
    deadline = (recent() + timedelta(minutes=60)).replace(second=0)
    job = Job(account, deadline, days=days)
    job.run_today(recent() - timedelta(minutes=started_minutes_ago))
    result = job.at_risk_check()
    assert (result["status"], result["prediction"]) == ("OK", prediction)
    assert account.published() == []


def test_one_warning_per_deadline_then_recovered_when_the_run_made_it(
    account: Account, state_table: Any
) -> None:
    """The deadline has just passed; its at-risk check, due 20 minutes before, ran late."""
    deadline = recent().replace(second=0) - timedelta(minutes=1)
    job = Job(account, deadline, days=20)
    job.run_today(deadline - timedelta(minutes=30))
    job.at_risk_check(deadline - timedelta(minutes=20))
    job.at_risk_check(deadline - timedelta(minutes=20), attempt_number="2")
    (warning,) = account.published()
    assert warning["Subject"].startswith("[AT_RISK] etl: run today to end")
    # The run made it after all: the deadline check follows up with RECOVERED.
    finish(job.arn, "today", deadline - timedelta(minutes=2))
    result = check(event(job.arn, deadline, monitor="etl", timezone="UTC"))
    (notice,) = account.published()
    assert result["status"] == "RECOVERED"
    assert notice["Subject"].endswith("after AT_RISK")


def test_an_ok_at_risk_check_takes_no_claim_so_a_later_warning_for_its_deadline_is_sent(
    account: Account, state_table: Any, deadline: datetime
) -> None:
    """On track at the first at-risk check, the run then fails before the deadline: the
    second at-risk check for the same deadline must still warn. A claim is taken only when
    a warning is sent (one warning per deadline), never on OK."""
    job = Job(account, deadline, days=20)
    job.run_today(recent() - timedelta(minutes=30))  # ends at its usual pace 14 min from now
    scheduled = deadline - timedelta(minutes=20)
    assert job.at_risk_check(scheduled)["status"] == "OK"
    assert account.published() == []
    finish(job.arn, "today", recent(), status="FAILED")
    assert job.at_risk_check(scheduled, attempt_number="2")["status"] == "AT_RISK"
    (warning,) = account.published()
    assert warning["Subject"].startswith("[AT_RISK] etl:")


def finish(state_machine_arn: str, name: str, stop: datetime, status: str = "SUCCEEDED") -> None:
    """Let a running execution end with ``status`` at ``stop`` (moto runs none by itself
    here)."""
    backend = stepfunctions_backends[DEFAULT_ACCOUNT_ID][REGION]
    machine = backend.describe_state_machine(state_machine_arn)
    execution = next(e for e in machine.executions if e.name == name)
    execution.status, execution.stop_date = status, stop


@pytest.mark.parametrize(("others_in_window", "list_calls"), [(79, 1), (80, 2)])
def test_the_pace_is_read_further_only_when_the_page_holds_fewer_than_20_successes(
    account: Account, deadline: datetime, others_in_window: int, list_calls: int
) -> None:
    """A page of 100 holds today's run, the window's other runs, then the newest earlier
    successes, and a token (more runs are older). With 20 successes on it the pace is
    known; with 19 one filtered listing (SUCCEEDED, 20 at most) adds the 20th."""
    job = Job(account, deadline, days=25)
    started = recent() - timedelta(minutes=10)
    for n in range(others_in_window):
        stop = started - timedelta(seconds=n + 1)
        account.execution(job.arn, status="ABORTED", start=stop, stop=stop, name=f"a{n}")
    job.run_today(started)
    result = job.at_risk_check()
    assert (result["status"], result["prediction"], result["list_calls"]) == (
        "AT_RISK",
        "slow_run",
        list_calls,
    )
    (alert,) = account.published()
    assert "its last 20 successful runs took 40m 00s to 44m 00s" in alert["Message"]
    assert "Last run:      d1 SUCCEEDED" in alert["Message"]  # the history read, in the alert


def test_a_window_too_long_to_read_still_reads_the_pace_from_before_its_start(
    account: Account, deadline: datetime
) -> None:
    """After 50 pages that never reach the window's start, the successes are listed
    (filtered) from before the window's start: the run read is still judged."""
    job = Job(account, deadline, days=20)
    started = recent() - timedelta(minutes=10)
    today = f"{job.arn.replace(':stateMachine:', ':execution:')}:today"
    page = {
        "executions": [
            {
                "executionArn": today,
                "stateMachineArn": job.arn,
                "name": "today",
                "status": "RUNNING",
                "startDate": started.timestamp(),
            }
        ],
        "nextToken": "more",
    }
    answer_once("ListExecutions", 200, page, times=50)
    result = job.at_risk_check()
    assert (result["status"], result["prediction"], result["list_calls"]) == (
        "AT_RISK",
        "slow_run",
        51,
    )
    (alert,) = account.published()
    assert "its last 20 successful runs took 40m 00s to 44m 00s" in alert["Message"]
