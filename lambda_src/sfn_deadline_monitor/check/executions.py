"""Reading a window's executions from Step Functions, and explaining what went wrong.

ListExecutions has no time filter and returns the newest executions first, so the window
is read page by page until an execution older than it appears; the older runs on that page
are kept for the alert's context. Every AWS error becomes a verdict of ERROR that names the
cause and the fix: a check never passes silently.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import BotoCoreError, ClientError

from .. import aws
from ..errors import THROTTLING_CODES, error_code, explain_client_error
from ..formatting import clip
from .calendar import judge_day
from .contract import AT_RISK, START, CheckRequest
from .failure_events import StatusChange
from .history import PACE_RUNS, History
from .risk import Prediction, predict
from .too_fast import judge_duration, needs_more_runs
from .verdict import Execution, Finding, Status, Verdict, Window, judge, judge_start

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient

# One page covers a job that runs up to 99 times a window (the listing stops at the
# first execution older than the window).
PAGE_SIZE = 100
# Pages one check reads at most, to finish well within the function's timeout.
MAX_PAGES = 50
# DescribeExecution calls per check, for the error and cause of failed executions.
MAX_DESCRIBED = 5
# Runs still going since before the window that a MISSING or LATE alert looks for.
MAX_RUNNING_EARLIER = 10
# The filtered listings beyond the page read, each a status and how many: for an alert's
# context (at most two calls), and for the pace of an at-risk or too-fast judgement (one).
Wanted = tuple[tuple[Literal["RUNNING", "SUCCEEDED"], int], ...]
ALERT_CONTEXT: Wanted = (("RUNNING", MAX_RUNNING_EARLIER), ("SUCCEEDED", PACE_RUNS))
PACE_ONLY: Wanted = (("SUCCEEDED", PACE_RUNS),)
MAX_ERROR_CHARS = 256
MAX_CAUSE_CHARS = 1024


class ThrottledError(RuntimeError):
    """AWS throttled the check beyond botocore's retries.

    Raised rather than reported: when many checks fall due at once (1,000 monitors with
    one deadline), ListExecutions' token bucket (200 calls, refilled at 5 a second in the
    largest Regions) runs dry for minutes, and an ERROR alert for each would be false.
    Lambda retries the invocation a minute later, then two; a check still throttled then
    goes to the check-failures queue, whose alarm fires.
    """


@dataclass(frozen=True)
class WindowExecutions:
    """What ListExecutions showed of one window; ``complete`` is False when the check
    stopped reading before the window's start (too many pages, or too little time).
    ``history`` holds the older runs on the last page read."""

    executions: list[Execution]
    list_calls: int
    complete: bool
    history: History = field(default_factory=History)


@dataclass(frozen=True)
class Reading:
    """A check's verdict, what the runs beyond its window show, and what it cost:
    ``list_calls`` is None when a call failed."""

    verdict: Verdict
    list_calls: int | None
    history: History = field(default_factory=History)
    prediction: Prediction | None = None


def read_window(request: CheckRequest, now: datetime, stop_at: float = math.inf) -> Reading:
    """Judge the request's window; an AWS error becomes an ERROR verdict that names it,
    except throttling, which raises ThrottledError for Lambda to retry the check.

    ``now`` is when an at-risk check predicts from; ``stop_at`` (time.monotonic()) is when
    to stop reading and report.
    """
    try:
        sfn = aws.client(
            "stepfunctions", request.role_arn, aws.region_of(request.state_machine_arn)
        )
        seen = list_window_executions(sfn, request.state_machine_arn, request.window, stop_at)
        if request.check == AT_RISK:
            return _at_risk(sfn, request, seen, stop_at, now)
        rule = judge_start if request.check == START else judge
        verdict = rule(seen.executions, request.window, complete=seen.complete)
        verdict = judge_day(verdict, request.calendar, request.calendar_day, request.timezone)
        wanted: Wanted = ()
        if verdict.status in (Status.MISSING, Status.LATE):
            wanted = ALERT_CONTEXT
        elif needs_more_runs(verdict, request.min_duration, seen.history):
            wanted = PACE_ONLY
        history, extra_calls = look_further(
            sfn, request.state_machine_arn, request.window, seen.history, stop_at, wanted=wanted
        )
        verdict = judge_duration(verdict, request.min_duration, history)
        verdict = describe_failures(sfn, verdict, stop_at)
        return Reading(verdict, seen.list_calls + extra_calls, history)
    except ClientError as error:
        if error_code(error) in THROTTLING_CODES:
            raise ThrottledError(explain_client_error(error)) from error
        reason = explain_client_error(error)
    except BotoCoreError as error:
        reason = f"AWS could not be reached: {error}"
    # Only the client and the window's listing raise: the calls made are unknown.
    return Reading(Verdict(Status.ERROR, reason=reason), None)


def report_status_change(request: StatusChange, stop_at: float = math.inf) -> Verdict:
    """A FAILED verdict for the execution an event reported, with its error and cause.

    Events carry the error and cause; only when one lacks them is the execution described.
    The alert matters more than its details: a role that cannot be assumed leaves it
    without them.
    """
    execution = replace(
        request.execution,
        error=clip(request.execution.error, MAX_ERROR_CHARS),
        cause=clip(request.execution.cause, MAX_CAUSE_CHARS),
    )
    verdict = Verdict(Status.FAILED, (Finding(execution, Status.FAILED),))
    if execution.error or execution.cause:
        return verdict
    try:
        sfn = aws.client(
            "stepfunctions", request.role_arn, aws.region_of(request.state_machine_arn)
        )
    except (ClientError, BotoCoreError):
        return verdict
    return describe_failures(sfn, verdict, stop_at)


def list_window_executions(
    sfn: SFNClient, state_machine_arn: str, window: Window, stop_at: float = math.inf
) -> WindowExecutions:
    """Read ListExecutions, newest first, until executions start before the window.

    A job that runs once per window costs exactly one call. A page may be empty and still
    carry a nextToken, so only a missing token ends the listing.
    """
    executions: list[Execution] = []
    calls = 0
    token: str | None = None
    while calls < MAX_PAGES and time.monotonic() < stop_at:
        kwargs: dict[str, Any] = {"stateMachineArn": state_machine_arn, "maxResults": PAGE_SIZE}
        if token:
            kwargs["nextToken"] = token
        page = sfn.list_executions(**kwargs)
        calls += 1
        # `executions` is required in the answer (ListExecutions' API reference): a page
        # without it is an error, never an empty window.
        read = [_execution(item) for item in page["executions"]]
        executions += [e for e in read if window.contains(e.start)]
        token = page.get("nextToken")
        before = tuple(e for e in read if e.start < window.start)
        if before or not token:
            history = History(before, complete=not token)
            return WindowExecutions(executions, calls, complete=True, history=history)
    return WindowExecutions(executions, calls, complete=False)


def _at_risk(
    sfn: SFNClient,
    request: CheckRequest,
    seen: WindowExecutions,
    stop_at: float,
    now: datetime,
) -> Reading:
    """Predict from the window read and the job's recent successful runs: one filtered
    listing more when the page read holds fewer than PACE_RUNS of them."""
    history, extra_calls = seen.history, 0
    if len(history.successes) < PACE_RUNS:
        history, extra_calls = look_further(
            sfn, request.state_machine_arn, request.window, history, stop_at, wanted=PACE_ONLY
        )
    windows = request.earlier_windows(PACE_RUNS)
    verdict, prediction = predict(seen.executions, request.window, history, windows, now)
    verdict = judge_day(verdict, request.calendar, request.deadline, request.timezone, prediction)
    return Reading(verdict, seen.list_calls + extra_calls, history, prediction)


def look_further(
    sfn: SFNClient,
    state_machine_arn: str,
    window: Window,
    seen: History,
    stop_at: float,
    *,
    wanted: Wanted,
) -> tuple[History, int]:
    """What the page read did not show: runs still going since before it, and the last
    successful runs. One call for each status wanted; a call that fails only leaves the
    alert without that line. Returns the history and the calls made (none when nothing is
    wanted)."""
    if seen.complete or not wanted:
        return seen, 0
    bound = seen.read[-1].start if seen.read else window.start
    found: dict[str, tuple[Execution, ...]] = {}
    calls = 0
    for status, limit in wanted:
        if time.monotonic() >= stop_at:
            break
        calls += 1
        try:
            page = sfn.list_executions(
                stateMachineArn=state_machine_arn, statusFilter=status, maxResults=limit
            )
        except (ClientError, BotoCoreError):
            continue
        found[status] = tuple(e for e in map(_execution, page["executions"]) if e.start < bound)
    history = replace(
        seen,
        running_earlier=found.get("RUNNING", ()),
        successes_earlier=found.get("SUCCEEDED", ()),
    )
    return history, calls


def describe_failures(sfn: SFNClient, verdict: Verdict, stop_at: float = math.inf) -> Verdict:
    """Add error, cause and redrive count to the first few failed executions.

    A failed DescribeExecution only leaves its execution without details: the verdict,
    already FAILED, stands.
    """
    findings = list(verdict.findings)
    described = 0
    for index, finding in enumerate(findings):
        if finding.status is not Status.FAILED or described >= MAX_DESCRIBED:
            continue
        if time.monotonic() >= stop_at:
            break
        described += 1
        findings[index] = replace(finding, execution=_described(sfn, finding.execution))
    return replace(verdict, findings=tuple(findings))


def _described(sfn: SFNClient, execution: Execution) -> Execution:
    try:
        detail = sfn.describe_execution(executionArn=execution.arn)
    except ClientError as error:
        return replace(execution, error=f"(DescribeExecution: {error_code(error)})")
    except BotoCoreError as error:
        return replace(execution, error=f"(DescribeExecution: {type(error).__name__})")
    return replace(
        execution,
        error=clip(detail.get("error"), MAX_ERROR_CHARS),
        cause=clip(detail.get("cause"), MAX_CAUSE_CHARS),
        redrive_count=detail.get("redriveCount", execution.redrive_count),
        stop=detail.get("stopDate", execution.stop),
    )


def reread_executions(sfn: SFNClient, arns: tuple[str, ...]) -> tuple[Execution, ...]:
    """The executions an earlier alert was about, as they are now (redriven since?).

    Best effort: a recovery notice is worth sending even when one cannot be read.
    """
    executions = []
    for arn in arns:
        try:
            detail = sfn.describe_execution(executionArn=arn)
        except (ClientError, BotoCoreError):
            continue
        executions.append(_execution(detail))
    return tuple(executions)


def _execution(item: Mapping[str, Any]) -> Execution:
    """An execution from a ListExecutions item or a DescribeExecution answer."""
    return Execution(
        arn=item["executionArn"],
        name=item.get("name") or item["executionArn"].rsplit(":", 1)[-1],
        status=item["status"],
        start=item["startDate"],
        stop=item.get("stopDate"),
        redrive_count=item.get("redriveCount", 0),
    )
