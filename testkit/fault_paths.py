"""The paths the fault-injection suite drives (testkit/faults.py): each sets up what the
check will find and gives the event, and ``run_path`` runs every case of one path."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from unittest import mock

from sfn_deadline_monitor import aws, handler
from sfn_deadline_monitor.alerts.bus import EVENT_BUS_ENV
from sfn_deadline_monitor.alerts.delivery import STATE_TABLE_ENV
from testkit.account import Account
from testkit.bus import AlertBus
from testkit.checks import LambdaContext
from testkit.deployed_module import NAME, client, deploy
from testkit.deployed_module import TABLE as DEPLOYED_TABLE
from testkit.events import at, clock, event, status_change
from testkit.faults import (
    KINDS,
    STEPS,
    Fault,
    Outcome,
    Step,
    applies_to,
    installed,
    run_case,
)
from testkit.member import MEMBER_ROLE, member_state_machine
from testkit.state_table import create_state_table

DAY1, DAY2 = at("2026-03-10T17:00"), at("2026-03-11T17:00")
# The function's clock in every case: after both deadlines; a replay, or a redelivery
# retried until the claim it met lapsed, runs later than the longest lease (900 s + 60 s).
NOW = at("2026-03-11T18:00")
LEASES_LAPSED = timedelta(minutes=20)
TABLE = "monitor-state"


# What a path's setup gives: the event, and what to do before each case on a fresh table.
Setup = tuple[dict[str, Any], Callable[[], None] | None]


def _missing(account: Account) -> Setup:
    return event(account.state_machine(), DAY1), None


def _cross_account(account: Account) -> Setup:
    return event(member_state_machine(), DAY1, role_arn=MEMBER_ROLE), None


def _recovery(account: Account) -> Setup:
    """A run that succeeded on day 2, after none on day 1: MISSING on day 1 is sent
    before each case, and is what the day-2 check recovers from."""
    sm = account.state_machine()
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-11T15:00"), stop=at("2026-03-11T15:30")
    )
    day_one = event(sm, DAY1)
    return event(sm, DAY2), lambda: _run(day_one, "day-1")


def _failure_event(account: Account) -> Setup:
    sm = account.state_machine()
    start, stop = at("2026-03-10T15:00"), at("2026-03-10T15:05")
    run = account.execution(sm, status="FAILED", start=start, stop=stop, name="run-1")
    return status_change(run, "FAILED", start, stop), None


def _audit(account: Account) -> Setup:
    """A deployed module (testkit.deployed_module) whose etl schedule was disabled by
    hand: each audit on a fresh table (the registry written again) reports it once."""
    deployed = deploy(account)
    scheduler = client("scheduler")
    schedule = scheduler.get_schedule(GroupName=NAME, Name="etl")
    scheduler.update_schedule(
        Name="etl",
        GroupName=NAME,
        ScheduleExpression=schedule["ScheduleExpression"],
        FlexibleTimeWindow=schedule["FlexibleTimeWindow"],
        Target=schedule["Target"],
        State="DISABLED",
    )
    scheduled = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"version": 1, "check": "audit", "scheduled_time": scheduled}, deployed.write


def _run(payload: dict[str, Any], request: str) -> None:
    with mock.patch.object(handler, "datetime", clock(NOW)):
        handler.lambda_handler(payload, LambdaContext(aws_request_id=request))


@dataclass(frozen=True)
class Path:
    """A way the function sends an alert, at a function timeout of an example's: ``setup``
    makes what the check finds, in a state table named ``table``."""

    name: str
    setup: Callable[[Account], Setup]
    lambda_timeout: int
    table: str = TABLE


PATHS = (
    Path("Deadline check, MISSING (lambda_timeout 900 s, the longest)", _missing, 900),
    Path(
        "Deadline check through a member role, FAILED (cross-account)",
        _cross_account,
        60,
    ),
    Path("Deadline check after MISSING, RECOVERED (120 s)", _recovery, 120),
    Path("Failure event, FAILED (lambda_timeout 10 s, the shortest)", _failure_event, 10),
    Path(
        "The audit, a schedule disabled by hand (60 s)",
        _audit,
        60,
        table=DEPLOYED_TABLE,
    ),
)


def run_path(
    account: Account, dynamodb: Any, path: Path
) -> dict[tuple[Step, str], dict[bool, Outcome]]:
    """Every (step, fault) case of ``path``, once and lasting, each on a fresh table, with
    the alerts also put on an event bus (event_bus_name)."""
    payload, before = path.setup(account)
    alert_bus = AlertBus.create(client)

    def check(request: str, later: bool) -> None:
        moment = NOW + (LEASES_LAPSED if later else timedelta(0))
        with mock.patch.object(handler, "datetime", clock(moment)):
            handler.lambda_handler(payload, LambdaContext(path.lambda_timeout * 1000, request))

    cases = [(step, kind) for step in STEPS for kind in KINDS if applies_to(kind, step)]
    rows: dict[tuple[Step, str], dict[bool, Outcome]] = {}
    environment = {STATE_TABLE_ENV: path.table, EVENT_BUS_ENV: alert_bus.arn}
    with installed() as injector, mock.patch.dict(os.environ, environment):
        for step, kind in cases:
            outcomes = {}
            for once in (True, False):
                with suppress(dynamodb.exceptions.ResourceNotFoundException):
                    dynamodb.delete_table(TableName=path.table)
                create_state_table(dynamodb, path.table)
                if before is not None:
                    before()
                account.published()
                alert_bus.events()
                if step.operation == "AssumeRole":  # credentials are kept per session
                    aws.reset_clients()
                fault = Fault(step, kind, once)
                outcomes[once] = run_case(
                    check,
                    lambda: len(account.published()),
                    injector,
                    fault,
                    lambda: len(alert_bus.events()),
                )
            if outcomes[True].reached:
                rows[(step, kind)] = outcomes
    return rows
