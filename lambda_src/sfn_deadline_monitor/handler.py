"""Lambda entry point: read the window's executions, judge them, publish the alert.

A thin layer of AWS wiring around the pure ``contract``, ``verdict`` and ``message``
modules. Every way the check can fail becomes an ERROR alert; only a failed publish
raises, so that the invocation fails and the retry and dead-letter path keeps the event.
"""

from __future__ import annotations

import json
import math
import os
import sys
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .contract import (
    CheckRequest,
    InvalidEventError,
    base_state_machine_arn,
    monitor_name_of,
    parse_event,
)
from .message import CheckContext, compose
from .metrics import DEFAULT_NAMESPACE, metrics_document
from .verdict import Execution, Status, Verdict, Window, judge

TOPIC_ENV = "ALERT_TOPIC_ARN"
NAMESPACE_ENV = "METRICS_NAMESPACE"
# ListExecutions page size: one page covers a job that runs up to 99 times per window (the
# listing stops at the first execution older than the window).
PAGE_SIZE = 100
# Pages one check reads at most, to finish well within the function's timeout.
MAX_PAGES = 50
# DescribeExecution calls per check, for the error and cause of failed executions.
MAX_DESCRIBED = 5
MAX_ERROR_CHARS = 256
MAX_CAUSE_CHARS = 1024
# Time kept back from the function's timeout to publish the alert: past it, the check
# stops reading and reports what it could not read, rather than timing out silently.
RESERVE_SECONDS = 15

_EXPRESS_ADVICE = (
    "it is an EXPRESS state machine, whose executions ListExecutions cannot read; "
    "monitor it with its CloudWatch Logs or the ExecutionsFailed/ExecutionsTimedOut metrics"
)


_clients = threading.local()


def _client(service: str) -> Any:
    """One client per service and thread, created on first use to keep cold starts short.

    Per thread because Lambda runs one invocation per environment at a time: a check
    run beside others in one process (a load test, a CLI) then has its own clients and
    its own retry quota, as each concurrent check has in Lambda. Throttling is retried in
    standard mode unless AWS_RETRY_MODE says otherwise; boto3 itself honours
    AWS_ENDPOINT_URL, which is how the same code runs against moto.
    """
    clients = vars(_clients)
    if "session" not in clients:
        # One session per thread: boto3's default session is not thread-safe, and one
        # session loads the endpoint and credential data once for both services.
        clients["session"] = boto3.session.Session()
    if service not in clients:
        config = Config(
            retries={
                "mode": os.environ.get("AWS_RETRY_MODE", "standard"),
                "total_max_attempts": int(os.environ.get("AWS_MAX_ATTEMPTS", "8")),
            },
            connect_timeout=5,
            read_timeout=20,
        )
        clients[service] = clients["session"].client(service, config=config)
    return clients[service]


def reset_clients() -> None:
    """Forget this thread's clients, for callers that change endpoint or credentials."""
    vars(_clients).clear()


@dataclass(frozen=True)
class WindowExecutions:
    """What ListExecutions showed of one window."""

    executions: list[Execution]
    list_calls: int
    complete: bool


def lambda_handler(event: Any, context: Any = None) -> dict[str, Any]:
    """Check one monitor's window and publish what it found."""
    topic_arn = os.environ.get(TOPIC_ENV)
    if not topic_arn:
        raise RuntimeError(f"{TOPIC_ENV} is not set: the function has nowhere to send alerts")
    now = datetime.now(UTC)
    stop_at = math.inf
    if context is not None:
        remaining = context.get_remaining_time_in_millis() / 1000
        stop_at = time.monotonic() + remaining - RESERVE_SECONDS
    try:
        request = parse_event(event, now)
    except InvalidEventError as invalid:
        verdict = Verdict(Status.ERROR, reason=f"malformed event: {invalid}")
        check = CheckContext(
            monitor=monitor_name_of(event),
            state_machine_arn="",
            window=None,
            timezone="UTC",
            checked_at=now,
        )
        return _report(topic_arn, check, verdict, "text", notify=True, list_calls=0)

    window = Window.ending_at(request.deadline, request.lookback)
    check = CheckContext(
        monitor=request.monitor,
        state_machine_arn=request.state_machine_arn,
        window=window,
        timezone=request.timezone,
        checked_at=now,
        deadline_from_invocation_time=request.deadline_from_invocation_time,
        scheduler_execution_id=request.scheduler_execution_id,
        attempt_number=request.attempt_number,
    )
    verdict, list_calls = run_check(request, window, stop_at)
    notify = verdict.status is not Status.OK or request.notify_on_success
    return _report(
        topic_arn, check, verdict, request.message_format, notify=notify, list_calls=list_calls
    )


def run_check(
    request: CheckRequest, window: Window, stop_at: float = math.inf
) -> tuple[Verdict, int | None]:
    """Judge the window; any AWS error becomes an ERROR verdict that names it.

    ``stop_at`` (time.monotonic()) is when to stop reading and report. The second value
    is the number of ListExecutions calls, None when a call failed.
    """
    sfn = _client("stepfunctions")
    list_calls = None
    try:
        seen = list_window_executions(sfn, request.state_machine_arn, window, stop_at)
        list_calls = seen.list_calls
        verdict = judge(seen.executions, window, complete=seen.complete)
        if verdict.status is Status.MISSING and _is_express(sfn, request.state_machine_arn):
            return Verdict(Status.ERROR, reason=_EXPRESS_ADVICE), list_calls
        return describe_failures(sfn, verdict, stop_at), list_calls
    except ClientError as error:
        return Verdict(Status.ERROR, reason=explain_client_error(error)), list_calls
    except BotoCoreError as error:
        return Verdict(Status.ERROR, reason=f"AWS could not be reached: {error}"), list_calls


def explain_client_error(error: ClientError) -> str:
    """Say what an AWS error means for the check and what fixes it."""
    code = error.response.get("Error", {}).get("Code", "Unknown")
    text = error.response.get("Error", {}).get("Message", "")
    operation = error.operation_name
    hints = {
        "StateMachineDoesNotExist": "the state machine does not exist (deleted or renamed?); "
        "update or remove this monitor",
        "StateMachineTypeNotSupported": _EXPRESS_ADVICE,
        "AccessDeniedException": "the function's role may not read this state machine; "
        "is it in this account and region, and monitored through this module's monitors?",
        "InvalidArn": "the state machine ARN is not valid",
        "ThrottlingException": "Step Functions throttled the check beyond its retries",
    }
    hint = hints.get(code, "the call failed after retries")
    return f"{operation} answered {code}: {hint} ({text})" if text else f"{operation}: {hint}"


def list_window_executions(
    sfn: Any, state_machine_arn: str, window: Window, stop_at: float = math.inf
) -> WindowExecutions:
    """Read ListExecutions, newest first, until executions start before the window.

    ListExecutions has no time filter, so this stops at the first execution older than
    the window: a job that runs once per window costs exactly one call. A page may be
    empty and still carry a nextToken, so only a missing token ends the listing.
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
        for item in page.get("executions", []):
            execution = _execution(item)
            if execution.start < window.start:
                return WindowExecutions(executions, calls, complete=True)
            if window.contains(execution.start):
                executions.append(execution)
        token = page.get("nextToken")
        if not token:
            return WindowExecutions(executions, calls, complete=True)
    return WindowExecutions(executions, calls, complete=False)


def describe_failures(sfn: Any, verdict: Verdict, stop_at: float = math.inf) -> Verdict:
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
        execution = finding.execution
        try:
            detail = sfn.describe_execution(executionArn=execution.arn)
        except (ClientError, BotoCoreError) as error:
            code = (
                error.response.get("Error", {}).get("Code", "Unknown")
                if isinstance(error, ClientError)
                else type(error).__name__
            )
            findings[index] = replace(
                finding, execution=replace(execution, error=f"(DescribeExecution: {code})")
            )
            continue
        findings[index] = replace(
            finding,
            execution=replace(
                execution,
                error=_clip(detail.get("error"), MAX_ERROR_CHARS),
                cause=_clip(detail.get("cause"), MAX_CAUSE_CHARS),
                redrive_count=detail.get("redriveCount", execution.redrive_count),
                stop=detail.get("stopDate", execution.stop),
            ),
        )
    return replace(verdict, findings=tuple(findings))


def _is_express(sfn: Any, state_machine_arn: str) -> bool:
    """Only asked when nothing ran: an EXPRESS machine would always look MISSING."""
    description = sfn.describe_state_machine(
        stateMachineArn=base_state_machine_arn(state_machine_arn)
    )
    return description.get("type") == "EXPRESS"


def _execution(item: dict[str, Any]) -> Execution:
    """An execution from a ListExecutions item; the name is also the ARN's last part."""
    return Execution(
        arn=item["executionArn"],
        name=item.get("name") or item["executionArn"].rsplit(":", 1)[-1],
        status=item["status"],
        start=item["startDate"],
        stop=item.get("stopDate"),
        redrive_count=item.get("redriveCount", 0),
    )


def _clip(text: str | None, limit: int) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 20] + f"... ({len(text)} chars)"


def _report(
    topic_arn: str,
    check: CheckContext,
    verdict: Verdict,
    message_format: str,
    *,
    notify: bool,
    list_calls: int | None,
) -> dict[str, Any]:
    """Publish the alert when one is due, then write the check's one log line.

    The line (and its metrics) is written even when the publish fails, before the error
    is raised again for Lambda to retry.
    """
    message_id = None
    publish_error = None
    try:
        if notify:
            alert = compose(check, verdict, message_format)
            response = _client("sns").publish(
                TopicArn=topic_arn,
                Subject=alert.subject,
                Message=alert.body,
                MessageAttributes={
                    key: {"DataType": "String", "StringValue": value}
                    for key, value in alert.attributes.items()
                },
            )
            message_id = response["MessageId"]
    except (ClientError, BotoCoreError) as error:
        publish_error = str(error)
        raise
    finally:
        summary = {
            "monitor": check.monitor,
            "status": verdict.status.value,
            "state_machine_arn": check.state_machine_arn,
            "deadline": check.window.deadline.isoformat() if check.window else None,
            "executions_in_window": len(verdict.findings),
            "problems": len(verdict.problems),
            "list_calls": list_calls,
            "notified": message_id is not None,
            "message_id": message_id,
            "publish_error": publish_error,
            "reason": verdict.reason or None,
        }
        namespace = os.environ.get(NAMESPACE_ENV, DEFAULT_NAMESPACE)
        metrics = metrics_document(check.monitor, verdict.status, check.checked_at, namespace)
        _log({"event": "check", **summary, **metrics})
    return summary


def _log(line: dict[str, Any]) -> None:
    """One structured JSON line per check: for Logs Insights, and metrics through EMF."""
    sys.stdout.write(json.dumps(line, default=str) + "\n")
    sys.stdout.flush()
