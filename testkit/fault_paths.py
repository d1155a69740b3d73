"""The paths the fault-injection suite drives (testkit/faults.py): each sets up what the
check will find and gives the event, and ``run_path`` runs every case of one path."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sfn_deadline_monitor import aws, handler
from testkit.account import Account
from testkit.checks import LambdaContext
from testkit.events import at, event, status_change
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
TABLE = "monitor-state"


def _missing(account: Account) -> dict[str, Any]:
    return event(account.state_machine(), DAY1)


def _cross_account(account: Account) -> dict[str, Any]:
    return event(member_state_machine(), DAY1, role_arn=MEMBER_ROLE)


def _recovery(account: Account) -> dict[str, Any]:
    """A run that succeeded on day 2, after none on day 1 (``_day_one`` reports it)."""
    sm = account.state_machine()
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-11T15:00"), stop=at("2026-03-11T15:30")
    )
    return event(sm, DAY2)


def _day_one(payload: dict[str, Any]) -> None:
    """MISSING on day 1, sent before the fault: what the day-2 check recovers from."""
    day_one = {**payload, "scheduled_time": DAY1.strftime("%Y-%m-%dT%H:%M:%SZ")}
    handler.lambda_handler(day_one, LambdaContext(aws_request_id="day-1"))


def _failure_event(account: Account) -> dict[str, Any]:
    sm = account.state_machine()
    start, stop = at("2026-03-10T15:00"), at("2026-03-10T15:05")
    run = account.execution(sm, status="FAILED", start=start, stop=stop, name="run-1")
    return status_change(run, "FAILED", start, stop)


@dataclass(frozen=True)
class Path:
    """A way the check sends an alert, at a function timeout of an example's: ``setup``
    makes what the check finds and returns its event; ``before`` runs before each case."""

    name: str
    setup: Callable[[Account], dict[str, Any]]
    lambda_timeout: int
    before: Callable[[dict[str, Any]], None] | None = None
    # Whether the check assumes a member role: once a session, so each case starts one.
    assumes_role: bool = False


PATHS = (
    Path("Deadline check, MISSING (lambda_timeout 900 s, the longest)", _missing, 900),
    Path(
        "Deadline check through a member role, FAILED (cross-account)",
        _cross_account,
        60,
        assumes_role=True,
    ),
    Path("Deadline check after MISSING, RECOVERED (120 s)", _recovery, 120, _day_one),
    Path("Failure event, FAILED (lambda_timeout 10 s, the shortest)", _failure_event, 10),
)


def run_path(
    account: Account, dynamodb: Any, path: Path
) -> dict[tuple[Step, str], dict[bool, Outcome]]:
    """Every (step, fault) case of ``path``, once and lasting, each on a fresh table."""
    payload = path.setup(account)

    def check(request: str) -> None:
        handler.lambda_handler(payload, LambdaContext(path.lambda_timeout * 1000, request))

    cases = [(step, kind) for step in STEPS for kind in KINDS if applies_to(kind, step)]
    rows: dict[tuple[Step, str], dict[bool, Outcome]] = {}
    with installed() as injector:
        for step, kind in cases:
            outcomes = {}
            for once in (True, False):
                create_state_table(dynamodb, TABLE)
                if path.before is not None:
                    path.before(payload)
                account.published()
                if path.assumes_role:
                    aws.reset_clients()
                fault = Fault(step, kind, once)
                outcomes[once] = run_case(check, lambda: len(account.published()), injector, fault)
                dynamodb.delete_table(TableName=TABLE)
            if outcomes[True].reached:
                rows[(step, kind)] = outcomes
    return rows
