"""The verdict: pure functions that judge a window's executions against its deadline.

Nothing here talks to AWS, so every rule is tested table-driven without an emulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Status(StrEnum):
    """What a check concludes. Subscribers filter on these exact strings."""

    OK = "OK"
    FAILED = "FAILED"
    LATE = "LATE"
    MISSING = "MISSING"
    ERROR = "ERROR"
    # OK after a check that was not: only reported when the state table is on.
    RECOVERED = "RECOVERED"
    # Before the deadline: the run will likely miss it (an at-risk check's prediction).
    AT_RISK = "AT_RISK"
    # OK by the deadline, but in a fraction of the usual time: it likely did nothing.
    TOO_FAST = "TOO_FAST"
    # No run on a day the monitor's calendar excludes: nothing was expected. Never sent.
    SKIPPED = "SKIPPED"


@dataclass(frozen=True)
class Window:
    """The look-back window ``[start, deadline)`` that one check examines.

    Half-open on purpose: an execution that starts exactly at the deadline cannot have
    finished by it, so it belongs to the next window rather than to this one.
    """

    start: datetime
    deadline: datetime

    @classmethod
    def ending_at(cls, deadline: datetime, lookback: timedelta) -> Window:
        return cls(start=deadline - lookback, deadline=deadline)

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.deadline


@dataclass(frozen=True)
class Execution:
    """One Step Functions execution, as ListExecutions and DescribeExecution report it."""

    arn: str
    name: str
    status: str
    start: datetime
    stop: datetime | None = None
    redrive_count: int = 0
    error: str | None = None
    cause: str | None = None


@dataclass(frozen=True)
class Finding:
    """An execution in the window and what it means for the deadline."""

    execution: Execution
    status: Status


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check.

    ``findings`` holds every execution examined, newest first. ``reason`` says why a
    check reached ERROR (it could not be made) and is empty otherwise.
    """

    status: Status
    findings: tuple[Finding, ...] = ()
    reason: str = ""

    @property
    def problems(self) -> tuple[Finding, ...]:
        """The findings someone on call has to look at."""
        return tuple(f for f in self.findings if f.status is not Status.OK)


# Not finished yet: RUNNING, or PENDING_REDRIVE, a run that a redrive is about to start
# again (docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html).
IN_PROGRESS = ("RUNNING", "PENDING_REDRIVE")


def assess(execution: Execution, deadline: datetime) -> Status:
    """Judge one execution: OK only if it SUCCEEDED and stopped by the deadline.

    A run still in progress is late; every other status (FAILED, TIMED_OUT, ABORTED, and
    any status added to Step Functions later) is a failure: an unknown status is never OK.
    """
    if execution.status == "SUCCEEDED":
        if execution.stop is not None and execution.stop > deadline:
            return Status.LATE
        return Status.OK
    if execution.status in IN_PROGRESS:
        return Status.LATE
    return Status.FAILED


# FAILED outranks LATE, which outranks OK.
_RANK = {Status.OK: 0, Status.LATE: 1, Status.FAILED: 2}


def judge(executions: list[Execution], window: Window, *, complete: bool = True) -> Verdict:
    """Judge the executions that started in ``window``.

    ``executions`` may include executions outside the window; they are ignored, so the
    caller can hand over whole pages. ``complete`` is False when the caller could not
    read the whole window: such a check is never OK nor MISSING, because what was not
    read may have failed, or may be the run that was thought missing.
    """
    findings = tuple(
        Finding(execution, assess(execution, window.deadline))
        for execution in executions
        if window.contains(execution.start)
    )
    if not findings:
        status = Status.MISSING
    else:
        status = max((f.status for f in findings), key=_RANK.__getitem__)
    if status in (Status.OK, Status.MISSING) and not complete:
        return Verdict(
            Status.ERROR,
            findings,
            reason="the check could not read the whole window (too many executions, or "
            "too little time left); the executions not read may have failed",
        )
    return Verdict(status, findings)


def judge_start(executions: list[Execution], window: Window, *, complete: bool = True) -> Verdict:
    """Judge an early start check: did any run start in ``window``, whatever its status?

    Only MISSING is worth an alert this early; how the run ends is for the deadline check
    (and the failure events) to judge.
    """
    started = tuple(Finding(e, Status.OK) for e in executions if window.contains(e.start))
    if started:
        return Verdict(Status.OK, started)
    if not complete:
        return Verdict(
            Status.ERROR,
            reason="the check could not read the whole window (too many executions, or "
            "too little time left); a run may have started in the part not read",
        )
    return Verdict(Status.MISSING)


# The statuses that are a problem: each opens or continues an episode of its monitor
# (alerts/incident.py), which the first OK after it ends as RECOVERED.
PROBLEMS = frozenset(
    {Status.FAILED, Status.LATE, Status.MISSING, Status.ERROR, Status.AT_RISK, Status.TOO_FAST}
)


def follow_up(current: Status, previous: Status | None) -> Status:
    """The status to report given the monitor's last reported one.

    OK after a problem (FAILED, LATE, MISSING, ERROR, AT_RISK or TOO_FAST) becomes
    RECOVERED, so whoever was alerted hears that the job is healthy again; any other
    status is reported as it is.
    """
    if current is Status.OK and previous in PROBLEMS:
        return Status.RECOVERED
    return current
