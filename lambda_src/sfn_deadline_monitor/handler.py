"""Lambda entry point: read the window's executions, judge them, publish the alert.

A thin layer of AWS wiring around the pure ``contract``, ``verdict`` and ``message``
modules. Every way the check can fail becomes an ERROR alert. A failed publish raises, so
that the invocation fails and the retry and dead-letter path keeps the event; so does a
state table that could not be read or written, after the alert went out without it.
"""

from __future__ import annotations

import json
import math
import os
import sys
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .contract import (
    START,
    CheckRequest,
    InvalidEventError,
    StatusChange,
    base_state_machine_arn,
    message_format_of,
    monitor_name_of,
    parse_event,
)
from .message import Alert, CheckContext, compose
from .metrics import DEFAULT_NAMESPACE, metrics_document
from .state import ClaimHeldError, MonitorState, StateStore, handled_key
from .verdict import (
    Execution,
    Finding,
    Status,
    Verdict,
    Window,
    follow_up,
    judge,
    judge_start,
)

TOPIC_ENV = "ALERT_TOPIC_ARN"
NAMESPACE_ENV = "METRICS_NAMESPACE"
STATE_TABLE_ENV = "STATE_TABLE_NAME"
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
# A claim on a check outlives the invocation that made it by this much, then lapses so
# that a retry can handle a check whose function died before it could send.
CLAIM_MARGIN = timedelta(minutes=1)
# A claim's lease when the function's remaining time is unknown (run outside Lambda).
UNTIMED_LEASE = timedelta(minutes=15)
# Assumed-role credentials are renewed this long before they expire.
CREDENTIALS_MARGIN = timedelta(minutes=5)

_EXPRESS_ADVICE = (
    "it is an EXPRESS state machine, whose executions ListExecutions cannot read; "
    "monitor it with its CloudWatch Logs or the ExecutionsFailed/ExecutionsTimedOut metrics"
)


_clients = threading.local()


def _client(service: str, role_arn: str | None = None) -> Any:
    """One client per service, role and thread, created on first use.

    Per thread because Lambda runs one invocation per environment at a time: a check
    run beside others in one process (a load test, a CLI) then has its own clients and
    its own retry quota, as each concurrent check has in Lambda. Throttling is retried in
    standard mode unless AWS_RETRY_MODE says otherwise; boto3 itself honours
    AWS_ENDPOINT_URL, which is how the same code runs against moto. With ``role_arn``
    the client uses that role's credentials, assumed and renewed here.
    """
    clients = vars(_clients).setdefault("clients", {})
    session = _session(role_arn)
    key = (service, role_arn)
    cached = clients.get(key)
    if cached is None or cached[0] is not session:
        config = Config(
            retries={
                "mode": os.environ.get("AWS_RETRY_MODE", "standard"),
                "total_max_attempts": int(os.environ.get("AWS_MAX_ATTEMPTS", "8")),
            },
            connect_timeout=5,
            read_timeout=20,
        )
        clients[key] = (session, session.client(service, config=config))
    return clients[key][1]


def _session(role_arn: str | None) -> boto3.session.Session:
    """This thread's session, or one with the credentials of ``role_arn`` (cross-account).

    One session per thread: boto3's default session is not thread-safe, and one session
    loads the endpoint and credential data once for every service.
    """
    sessions = vars(_clients).setdefault("sessions", {})
    cached = sessions.get(role_arn)
    if cached is not None and cached[1] - datetime.now(UTC) > CREDENTIALS_MARGIN:
        return cached[0]
    if role_arn is None:
        session, expires = boto3.session.Session(), datetime.max.replace(tzinfo=UTC)
    else:
        credentials = _client("sts").assume_role(
            RoleArn=role_arn, RoleSessionName="sfn-deadline-monitor"
        )["Credentials"]
        session = boto3.session.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
        expires = credentials["Expiration"]
    sessions[role_arn] = (session, expires)
    return session


def reset_clients() -> None:
    """Forget this thread's clients, for callers that change endpoint or credentials."""
    vars(_clients).clear()


def state_store() -> StateStore | None:
    """The state table, when the module created one (STATE_TABLE_NAME is set)."""
    table = os.environ.get(STATE_TABLE_ENV)
    return StateStore(table, _client("dynamodb")) if table else None


class StateTableError(RuntimeError):
    """The state table failed: the alert was sent without it, and Lambda should retry."""


@dataclass(frozen=True)
class WindowExecutions:
    """What ListExecutions showed of one window."""

    executions: list[Execution]
    list_calls: int
    complete: bool


def lambda_handler(event: Any, context: Any = None) -> dict[str, Any]:
    """Check one monitor (or report one failure event) and publish what it found."""
    topic_arn = os.environ.get(TOPIC_ENV)
    if not topic_arn:
        raise RuntimeError(f"{TOPIC_ENV} is not set: the function has nowhere to send alerts")
    now = datetime.now(UTC)
    stop_at = math.inf
    lease = UNTIMED_LEASE
    if context is not None:
        remaining = context.get_remaining_time_in_millis() / 1000
        stop_at = time.monotonic() + remaining - RESERVE_SECONDS
        lease = timedelta(seconds=remaining) + CLAIM_MARGIN
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
        delivery = Delivery(topic_arn, check, verdict, message_format_of(event), None, now, lease)
        return _settle(delivery, None, 0)

    check = check_context(request, now)
    if isinstance(request, StatusChange):
        execution = request.execution
        key = handled_key(
            request.monitor, request.check, f"{execution.arn}#{execution.redrive_count}"
        )
        delivery = Delivery(
            topic_arn,
            check,
            report_status_change(request, stop_at),
            request.message_format,
            key,
            execution.stop or now,
            lease,
        )
        return _settle(delivery, request.role_arn, 0, stop_at)

    verdict, list_calls = run_check(request, check.window, stop_at)
    # Without a scheduled time a check cannot be told from another delivery of itself.
    key = (
        None
        if request.deadline_from_invocation_time
        else handled_key(request.monitor, request.check, request.deadline.isoformat())
    )
    delivery = Delivery(
        topic_arn,
        check,
        verdict,
        request.message_format,
        key,
        request.deadline,
        lease,
        notify_on_success=request.notify_on_success,
    )
    return _settle(delivery, request.role_arn, list_calls, stop_at)


def check_context(request: CheckRequest | StatusChange, now: datetime) -> CheckContext:
    """What the alert says about the check itself; a failure event has no window."""
    scheduled = isinstance(request, CheckRequest)
    return CheckContext(
        monitor=request.monitor,
        state_machine_arn=request.state_machine_arn,
        window=Window.ending_at(request.deadline, request.lookback) if scheduled else None,
        timezone=request.timezone,
        checked_at=now,
        check=request.check,
        deadline_from_invocation_time=scheduled and request.deadline_from_invocation_time,
        scheduler_execution_id=request.scheduler_execution_id if scheduled else None,
        attempt_number=request.attempt_number if scheduled else None,
    )


def run_check(
    request: CheckRequest, window: Window, stop_at: float = math.inf
) -> tuple[Verdict, int | None]:
    """Judge the window; any AWS error becomes an ERROR verdict that names it.

    ``stop_at`` (time.monotonic()) is when to stop reading and report. The second value
    is the number of ListExecutions calls, None when a call failed.
    """
    list_calls = None
    try:
        sfn = _client("stepfunctions", request.role_arn)
        seen = list_window_executions(sfn, request.state_machine_arn, window, stop_at)
        list_calls = seen.list_calls
        rule = judge_start if request.check == START else judge
        verdict = rule(seen.executions, window, complete=seen.complete)
        if verdict.status is Status.MISSING and _is_express(sfn, request.state_machine_arn):
            return Verdict(Status.ERROR, reason=_EXPRESS_ADVICE), list_calls
        return describe_failures(sfn, verdict, stop_at), list_calls
    except ClientError as error:
        return Verdict(Status.ERROR, reason=explain_client_error(error)), list_calls
    except BotoCoreError as error:
        return Verdict(Status.ERROR, reason=f"AWS could not be reached: {error}"), list_calls


def report_status_change(request: StatusChange, stop_at: float = math.inf) -> Verdict:
    """A FAILED verdict for the failed execution an event reported, with its error and cause.

    Events carry the error and cause; only when one lacks them is the execution described.
    The alert matters more than its details: a role that cannot be assumed leaves it
    without them.
    """
    execution = replace(
        request.execution,
        error=_clip(request.execution.error, MAX_ERROR_CHARS),
        cause=_clip(request.execution.cause, MAX_CAUSE_CHARS),
    )
    verdict = Verdict(Status.FAILED, (Finding(execution, Status.FAILED),))
    if execution.error or execution.cause:
        return verdict
    try:
        sfn = _client("stepfunctions", request.role_arn)
    except (ClientError, BotoCoreError):
        return verdict
    return describe_failures(sfn, verdict, stop_at)


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
    if operation == "AssumeRole":
        hint = (
            "the function may not assume the monitor's role_arn: is modules/member-role "
            "deployed in the state machine's account, trusting this function's role?"
        )
    else:
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


def reread_executions(sfn: Any, arns: tuple[str, ...]) -> tuple[Execution, ...]:
    """The executions an earlier alert was about, as they are now (redriven since?).

    Best effort: a recovery notice is worth sending even when one cannot be read.
    """
    executions = []
    for arn in arns:
        try:
            detail = sfn.describe_execution(executionArn=arn)
        except (ClientError, BotoCoreError):
            continue
        executions.append(
            Execution(
                arn=arn,
                name=detail.get("name") or arn.rsplit(":", 1)[-1],
                status=detail["status"],
                start=detail["startDate"],
                stop=detail.get("stopDate"),
                redrive_count=detail.get("redriveCount", 0),
            )
        )
    return tuple(executions)


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


@dataclass(frozen=True)
class Delivery:
    """One verdict on its way out: where it goes, how it reads, what it is about.

    ``key`` claims the check in the state table (None: it cannot be told from another
    delivery of itself); ``as_of`` is the moment the verdict is about.
    """

    topic_arn: str
    check: CheckContext
    verdict: Verdict
    message_format: str
    key: str | None
    as_of: datetime
    lease: timedelta
    notify_on_success: bool = False


def _settle(
    delivery: Delivery,
    role_arn: str | None,
    list_calls: int | None,
    stop_at: float = math.inf,
) -> dict[str, Any]:
    """Dedupe, follow up on the last status, publish, remember, and log the check.

    Without a state table every verdict is sent as it is. With one, a check already
    handled sends nothing, and OK after a problem becomes RECOVERED. The log line (and
    its metrics) is written even when the publish fails, before the error is raised
    again for Lambda to retry.
    """
    store = state_store()
    check = delivery.check
    recalled = _recall(store, delivery) if store is not None else (False, None, None)
    if recalled is None:
        _log({"event": "duplicate", "monitor": check.monitor, "key": delivery.key})
        return {"monitor": check.monitor, "status": None, "duplicate": True}
    claimed, previous, state_error = recalled
    if state_error is not None and not claimed:
        store = None  # unreachable: go on without it
    delivery = _follow_up(delivery, previous, role_arn)
    check, verdict = delivery.check, delivery.verdict

    message_id = None
    publish_error = None
    sent = False
    try:
        if verdict.status is not Status.OK or delivery.notify_on_success:
            message_id = publish(
                delivery.topic_arn, compose(check, verdict, delivery.message_format)
            )
        sent = True
        if store is not None:
            # A status written without reading the last one could hide a RECOVERED due.
            record = state_error is None
            state_error = _remember(store, delivery, claimed, record=record) or state_error
    except (ClientError, BotoCoreError) as error:
        publish_error = str(error)
        raise
    finally:
        if not sent and claimed:
            # Whatever stopped the alert, the retry must be free to send it.
            try:
                store.release(delivery.key, check.checked_at)
            except (ClientError, BotoCoreError) as release_error:
                publish_error = f"{publish_error}; the claim was not released: {release_error}"
        summary = {
            "monitor": check.monitor,
            "check": check.check,
            "status": verdict.status.value,
            "state_machine_arn": check.state_machine_arn,
            "deadline": check.window.deadline.isoformat() if check.window else None,
            "executions_in_window": len(verdict.findings),
            "problems": len(verdict.problems),
            "list_calls": list_calls,
            "notified": message_id is not None,
            "message_id": message_id,
            "publish_error": publish_error,
            "state_error": state_error,
            "previous_status": previous.status.value if previous else None,
            "reason": verdict.reason or None,
        }
        namespace = os.environ.get(NAMESPACE_ENV, DEFAULT_NAMESPACE)
        metrics = metrics_document(check.monitor, verdict.status, check.checked_at, namespace)
        _log({"event": "check", **summary, **metrics})
    if state_error is not None:
        raise StateTableError(
            f"the state table failed ({state_error}); the alert was sent without duplicate "
            "suppression or recovery notices"
        )
    return summary


def _recall(
    store: StateStore, delivery: Delivery
) -> tuple[bool, MonitorState | None, str | None] | None:
    """Claim the check and read the monitor's last status: (claimed, previous, error).

    None when the check was handled already. A claim another invocation holds raises,
    for Lambda to retry this delivery once that one has finished or lapsed.
    """
    claimed = False
    try:
        if delivery.key is not None:
            if not store.claim(delivery.key, delivery.check.checked_at, delivery.lease):
                return None
            claimed = True
        return claimed, store.last(delivery.check.monitor), None
    except ClaimHeldError:
        _log({"event": "claim_held", "monitor": delivery.check.monitor, "key": delivery.key})
        raise
    except (ClientError, BotoCoreError) as error:
        return claimed, None, str(error)


def _is_quiet_start(delivery: Delivery) -> bool:
    """A start check that found a run says nothing about success: it neither recovers a
    monitor nor overwrites its last status."""
    return delivery.check.check == START and delivery.verdict.status is Status.OK


def _follow_up(delivery: Delivery, previous: MonitorState | None, role_arn: str | None) -> Delivery:
    """Turn OK after a problem into RECOVERED, with the earlier problem runs as they are now.

    A late retry of a check older than the stored status follows nothing: it is reported
    as it is.
    """
    if previous is None or previous.as_of > delivery.as_of or _is_quiet_start(delivery):
        return delivery
    status = follow_up(delivery.verdict.status, previous.status)
    if status is not Status.RECOVERED:
        return delivery
    try:
        sfn = _client("stepfunctions", role_arn)
        earlier = reread_executions(sfn, previous.problem_executions)
    except (ClientError, BotoCoreError):
        earlier = ()
    check = replace(
        delivery.check,
        previous_status=previous.status,
        previous_as_of=previous.as_of,
        earlier_problems=earlier,
    )
    return replace(delivery, check=check, verdict=replace(delivery.verdict, status=status))


def _remember(store: StateStore, delivery: Delivery, claimed: bool, *, record: bool) -> str | None:
    """Store the reported status (if ``record``) and close the claim; the error, if the
    table failed."""
    try:
        if record and not _is_quiet_start(delivery):
            problems = tuple(f.execution.arn for f in delivery.verdict.problems)
            store.record(
                delivery.check.monitor,
                delivery.verdict.status,
                delivery.as_of,
                problems,
                delivery.check.checked_at,
            )
        if claimed:
            store.complete(delivery.key, delivery.check.checked_at)
    except (ClientError, BotoCoreError) as error:
        return str(error)
    return None


def publish(topic_arn: str, alert: Alert) -> str:
    """Publish an alert; its status and monitor become attributes subscribers filter on."""
    response = _client("sns").publish(
        TopicArn=topic_arn,
        Subject=alert.subject,
        Message=alert.body,
        MessageAttributes={
            key: {"DataType": "String", "StringValue": value}
            for key, value in alert.attributes.items()
        },
    )
    return response["MessageId"]


def _log(line: dict[str, Any]) -> None:
    """One structured JSON line per check: for Logs Insights, and metrics through EMF."""
    sys.stdout.write(json.dumps(line, default=str) + "\n")
    sys.stdout.flush()
