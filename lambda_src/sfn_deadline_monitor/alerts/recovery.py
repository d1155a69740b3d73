"""RECOVERED: an OK after a problem, with the runs that problem was about as they are now
(a redriven run may have SUCCEEDED since)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from botocore.exceptions import BotoCoreError, ClientError

from .. import aws
from ..check.context import CheckContext
from ..check.executions import reread_executions
from ..check.verdict import Status, Verdict, follow_up
from ..state.records import MonitorState


def followed_up(
    check: CheckContext,
    verdict: Verdict,
    previous: MonitorState | None,
    as_of: datetime,
    role_arn: str | None,
) -> tuple[CheckContext, Verdict]:
    """The check and verdict to report given the monitor's last status: OK after a problem
    becomes RECOVERED. A late retry of a check older than the stored status follows
    nothing: it is reported as it is. The earlier runs are read as ``role_arn``; one that
    cannot be read leaves the notice without it."""
    if previous is None or previous.as_of > as_of:
        return check, verdict
    status = follow_up(verdict.status, previous.status)
    if status is not Status.RECOVERED:
        return check, verdict
    try:
        sfn = aws.client("stepfunctions", role_arn, aws.region_of(check.state_machine_arn))
        earlier = reread_executions(sfn, previous.problem_executions)
    except (ClientError, BotoCoreError):
        earlier = ()
    recovered = replace(
        check,
        previous_status=previous.status,
        previous_as_of=previous.as_of,
        earlier_problems=earlier,
    )
    return recovered, replace(verdict, status=status)
