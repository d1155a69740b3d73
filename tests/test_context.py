"""Alerts that explain themselves: what the runs before the window show, and advice chosen
from it, tested with real executions in emulated Step Functions. A healthy check still
costs one ListExecutions call; an alert at most two more."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

from testkit.account import Account
from testkit.checks import check, only_alert
from testkit.events import at, event, recent

DEADLINE = at("2026-11-29T05:22")
DAILY = "cron(22 5 * * ? *)"


def days_before(days: float, hour_offset: float = 0) -> datetime:
    return DEADLINE - timedelta(days=days, hours=hour_offset)


def deadline_check(sm: str, **overrides: object) -> dict:
    return event(sm, DEADLINE, timezone="UTC", schedule_expression=DAILY, **overrides)


def test_missing_names_the_run_still_going_since_yesterday(account: Account) -> None:
    """The issue's case: the only run started 26 hours ago and is still RUNNING."""
    deadline = recent()
    started = deadline - timedelta(hours=26)
    sm = account.state_machine("etl")
    account.execution(sm, status="RUNNING", start=started, name="stuck")
    result = check(event(sm, deadline, monitor="etl", timezone="UTC", schedule_expression=DAILY))
    body = only_alert(account)["Message"]
    assert (result["status"], result["list_calls"]) == ("MISSING", 1)
    since = started.strftime("%Y-%m-%d %H:%M UTC")
    assert re.search(rf"but stuck has been running since {since} \(26h 00m 0\ds\)", body)
    assert "open it first, stop it if it cannot finish" in body
    assert f"Still running: stuck, since {started:%Y-%m-%d %H:%M:%S} UTC (26h 00m" in body
    assert not re.search(r"UTC \(\d{4}-", body)  # a UTC monitor's times are printed once


def test_a_run_going_since_beyond_the_page_read_costs_two_more_calls(account: Account) -> None:
    """Past the first page, a RUNNING and a SUCCEEDED listing find what the page did not
    show; the healthy reading (one page) is unchanged."""
    sm = account.state_machine()
    account.execution(sm, status="RUNNING", start=days_before(3), name="stuck")
    for n in range(120):
        start = days_before(2) + timedelta(minutes=20 * n)
        account.execution(
            sm, status="SUCCEEDED", start=start, stop=start + timedelta(minutes=5), name=f"r{n:03}"
        )
    result = check(deadline_check(sm))
    assert (result["status"], result["list_calls"]) == ("MISSING", 3)
    assert account.calls["ListExecutions"] == 3
    assert "but stuck has been running since" in only_alert(account)["Message"]


def test_missing_with_no_run_ever_says_so(account: Account) -> None:
    sm = account.state_machine()
    check(deadline_check(sm, message_format="json"))
    report = json.loads(only_alert(account)["Message"])
    assert report["before_window"]["never_ran"] is True
    assert report["advice"].startswith("The state machine has no runs at all")


def test_missing_after_a_failed_run_points_at_it(account: Account) -> None:
    sm = account.state_machine()
    account.execution(
        sm,
        status="FAILED",
        start=days_before(1, 1),
        stop=days_before(1, 0.5),
        name="yesterday",
    )
    check(deadline_check(sm))
    body = only_alert(account)["Message"]
    assert "the last run before it, yesterday, ended FAILED at 2026-11-28 04:52 UTC" in body
    assert "Last run:      yesterday FAILED, 2026-11-28 04:22:00 UTC to" in body


def test_missing_when_earlier_windows_were_empty_too_suspects_the_schedule(
    account: Account,
) -> None:
    """The job runs daily at 10:00, the monitor looks at 02:22-05:22: every window is empty."""
    sm = account.state_machine()
    for day in range(1, 8):
        start = days_before(day) + timedelta(hours=4, minutes=38)
        account.execution(
            sm, status="SUCCEEDED", start=start, stop=start + timedelta(minutes=30), name=f"d{day}"
        )
    check(deadline_check(sm, message_format="json"))
    report = json.loads(only_alert(account)["Message"])
    assert report["before_window"]["runs_per_window"] == 0
    assert "schedule or lookback_minutes may not match" in report["advice"]
    assert report["before_window"]["last_success"]["name"] == "d1"


def test_missing_after_a_normal_history_gives_the_usual_advice_and_the_facts(
    account: Account,
) -> None:
    sm = account.state_machine()
    for day in range(1, 8):
        start = days_before(day, 2)
        account.execution(
            sm, status="SUCCEEDED", start=start, stop=start + timedelta(minutes=40), name=f"d{day}"
        )
    check(deadline_check(sm))
    body = only_alert(account)["Message"]
    assert "Nothing started the state machine in the window. Check what triggers it" in body
    assert "Last run:      d1 SUCCEEDED, 2026-11-28 03:22:00 UTC to" in body
    assert "Last success:" not in body  # the last run, shown once
    assert "Usual runs:    1 a window" in body
    assert "Usual pace:    40m 00s to 40m 00s over the last 7 successful runs" in body


def test_late_run_slower_than_its_history_is_called_likely_stuck(account: Account) -> None:
    sm = account.state_machine()
    for day in range(1, 11):
        start = days_before(day, 2)
        took = timedelta(minutes=35 + day)
        account.execution(sm, status="SUCCEEDED", start=start, stop=start + took, name=f"d{day}")
    account.execution(sm, status="RUNNING", start=DEADLINE - timedelta(hours=2), name="today")
    result = check(deadline_check(sm))
    body = only_alert(account)["Message"]
    assert (result["status"], result["list_calls"]) == ("LATE", 1)
    assert "longer than 9 in 10 of its last 10 successful runs (36m 00s to 45m 00s)" in body
    assert "it is likely stuck" in body


def test_late_run_at_its_usual_pace_gets_an_expected_finish(account: Account) -> None:
    """A run that started late and is not slow: when it should end, not "stuck"."""
    deadline = recent()
    sm = account.state_machine()
    for day in range(1, 6):
        start = deadline - timedelta(days=day, hours=2)
        account.execution(
            sm, status="SUCCEEDED", start=start, stop=start + timedelta(hours=1), name=f"d{day}"
        )
    started = deadline - timedelta(minutes=10)
    account.execution(sm, status="RUNNING", start=started, name="today")
    check(event(sm, deadline, timezone="UTC", schedule_expression="rate(1 day)"))
    body = only_alert(account)["Message"]
    finish = (started + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M UTC")
    assert f"today started at {started.strftime('%Y-%m-%d %H:%M UTC')}" in body
    assert f"(90th percentile 1h 00m 00s) it should finish about {finish}" in body
    assert "stuck" not in body


def test_late_run_that_finished_after_the_deadline_is_not_called_stuck(account: Account) -> None:
    sm = account.state_machine()
    account.execution(
        sm,
        status="SUCCEEDED",
        start=DEADLINE - timedelta(hours=1),
        stop=DEADLINE + timedelta(minutes=5),
        name="today",
    )
    check(deadline_check(sm))
    body = only_alert(account)["Message"]
    assert "today succeeded at 2026-11-29 05:27 UTC, after its deadline" in body
    assert "stuck" not in body


def test_late_without_enough_history_keeps_the_general_advice(account: Account) -> None:
    sm = account.state_machine()
    account.execution(sm, status="RUNNING", start=DEADLINE - timedelta(hours=2), name="today")
    check(deadline_check(sm, message_format="json"))
    report = json.loads(only_alert(account)["Message"])
    assert report["before_window"]["pace"] is None
    assert report["advice"].startswith("The run has not finished by its deadline.")


def test_start_check_with_a_stuck_run_says_there_is_still_time(account: Account) -> None:
    sm = account.state_machine()
    account.execution(sm, status="RUNNING", start=days_before(1), name="stuck")
    start_check = deadline_check(sm, check="start", message_format="chat")
    del start_check["notify_on_success"]
    check(start_check)
    content = json.loads(only_alert(account)["Message"])["content"]
    (advice,) = content["nextSteps"]
    assert "but stuck has been running since" in advice
    assert advice.endswith("There is still time before the deadline.")
    assert "*Still running since 2026-11-28 05:22 UTC:* stuck" in content["description"]


def test_a_healthy_check_costs_one_call_whatever_the_history(account: Account) -> None:
    sm = account.state_machine()
    for n in range(150):
        start = days_before(1) + timedelta(minutes=5 * n)
        account.execution(sm, status="SUCCEEDED", start=start, stop=start, name=f"old{n:03}")
    account.execution(
        sm, status="SUCCEEDED", start=days_before(0, 1), stop=days_before(0, 0.5), name="today"
    )
    result = check(deadline_check(sm))
    assert (result["status"], result["list_calls"]) == ("OK", 1)
    assert account.calls["ListExecutions"] == 1
