"""Does a monitored state machine exist, and is it STANDARD? Judged from ListStateMachines,
which lists one account's state machines in one region with their type, 1,000 a call:
one read per account and region, whatever the number of monitors. The audit (as the
function, or through a monitor's member role) and ``doctor`` (as the caller) share it.

A check reads the runs with ListExecutions, which AWS refuses for a state machine that
does not exist and for an EXPRESS one: a typo in ``state_machine_arn`` passes plan and
apply, and without this shows first as an ERROR at the monitor's deadline. A version or
alias ARN is judged by its state machine, which is what ListStateMachines lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..check.monitor_settings import base_state_machine_arn

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient

MISSING, NOT_STANDARD = "state_machine_missing", "state_machine_not_standard"
# What ListExecutions answers for each, for a reader that reads the runs without listing.
FAULT_CODES = {"StateMachineDoesNotExist": MISSING, "StateMachineTypeNotSupported": NOT_STANDARD}
FIXES = {
    MISSING: "correct the monitor's state_machine_arn (a typo?) or create the state machine",
    NOT_STANDARD: "watch an EXPRESS state machine through its CloudWatch Logs or its "
    "ExecutionsFailed and ExecutionsTimedOut metrics, and remove this monitor",
}
PAGE_SIZE = 1000  # ListStateMachines' largest maxResults

# The state machines of one account and region: ARN to type (None where AWS gave none).
Listing = Mapping[str, str | None]


def list_state_machines(sfn: SFNClient) -> dict[str, str | None]:
    """Every state machine of the client's account in its region."""
    pages = sfn.get_paginator("list_state_machines").paginate(
        PaginationConfig={"PageSize": PAGE_SIZE}
    )
    return {m["stateMachineArn"]: m.get("type") for page in pages for m in page["stateMachines"]}


def fault(arn: str, account: str, listed: Listing) -> tuple[str, str] | None:
    """What keeps a check from reading ``arn``, as (kind, what), given the state machines
    ``listed`` in ``account`` and the ARN's region. None when it exists and is STANDARD,
    and when it belongs to another account, which this listing cannot tell."""
    base = base_state_machine_arn(arn)
    parts = base.split(":")
    if parts[4] != account:
        return None
    if base not in listed:
        return MISSING, f"its state machine {base} does not exist in {account}/{parts[3]}"
    kind = listed[base]
    if kind is not None and kind != "STANDARD":
        return NOT_STANDARD, f"its state machine {base} is {kind}: ListExecutions cannot read it"
    return None
