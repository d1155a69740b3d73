"""Delivering a verdict: dedupe and follow-up through the state table, publish, record.

Without a state table every verdict is sent as it is. With one, a check already handled
sends nothing, and OK after a problem becomes RECOVERED. Whatever fails, the alert goes
out first: a state table that failed is reported by raising after the publish, and a
publish that failed frees the check's claim and raises, so that Lambda's retries and the
failure queue keep it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .. import aws
from ..check.context import CheckContext
from ..check.contract import AT_RISK, START
from ..check.executions import reread_executions
from ..check.verdict import Status, Verdict, follow_up
from ..logs import log
from ..metrics import DEFAULT_NAMESPACE, metrics_document
from ..state.records import MonitorState
from ..state.store import ClaimHeldError, StateStore
from .message import Alert, compose

TOPIC_ENV = "ALERT_TOPIC_ARN"
NAMESPACE_ENV = "METRICS_NAMESPACE"
STATE_TABLE_ENV = "STATE_TABLE_NAME"


class StateTableError(RuntimeError):
    """The state table failed: the alert was sent without it, and Lambda should retry."""


@dataclass(frozen=True)
class Delivery:
    """One verdict on its way out: where it goes, how it reads, what it is about.

    ``key`` claims the check in the state table (None: it cannot be told from another
    delivery of itself); ``as_of`` is the moment the verdict is about; ``role_arn`` reads
    the earlier problem runs of a RECOVERED notice.
    """

    topic_arn: str
    check: CheckContext
    verdict: Verdict
    message_format: str
    key: str | None
    as_of: datetime
    lease: timedelta
    role_arn: str | None = None
    notify_on_success: bool = False
    list_calls: int | None = 0
    # The scheduled time of a scheduled check, recorded for the audit once it completed.
    scheduled: datetime | None = None


@dataclass(frozen=True)
class Memory:
    """What the state table holds for this delivery.

    ``store`` is where to record the outcome (None: no table, or one that could not be
    reached before anything was claimed); ``claim`` is this invocation's claim, to close
    or release; ``read_error`` says the last status could not be read, so it must not be
    overwritten (a RECOVERED may still be due).
    """

    store: StateStore | None
    claim: str | None = None
    previous: MonitorState | None = None
    read_error: str | None = None


class Duplicate:
    """The check was handled already: nothing is sent."""


def state_store() -> StateStore | None:
    """The state table, when the module created one (STATE_TABLE_NAME is set)."""
    table = os.environ.get(STATE_TABLE_ENV)
    return StateStore(table, aws.client("dynamodb")) if table else None


def settle(delivery: Delivery) -> dict[str, Any]:
    """Dedupe, follow up on the last status, publish, remember, and log the check.

    The log line (and its metrics) is written whether or not the publish succeeds.
    """
    memory = recall(state_store(), delivery)
    if isinstance(memory, Duplicate):
        log("duplicate", monitor=delivery.check.monitor, key=delivery.key)
        return {"monitor": delivery.check.monitor, "status": None, "duplicate": True}
    delivery = _followed_up(delivery, memory.previous)
    try:
        message_id = send(delivery)
    except Exception as error:
        failure = f"{error}{release(memory, delivery)}"
        _log_check(
            delivery, memory, message_id=None, publish_error=failure, state_error=memory.read_error
        )
        raise
    state_error = remember(memory, delivery) or memory.read_error
    summary = _log_check(delivery, memory, message_id=message_id, state_error=state_error)
    if state_error is not None:
        raise StateTableError(
            f"the state table failed ({state_error}); the alert was sent without duplicate "
            "suppression or recovery notices"
        )
    return summary


def recall(store: StateStore | None, delivery: Delivery) -> Memory | Duplicate:
    """Claim the check and read the monitor's last status.

    A claim another invocation holds raises ClaimHeldError, for Lambda to retry this
    delivery once that one has finished or lapsed. A table that fails before anything was
    claimed is left out; one that fails after the claim keeps it, to close it later.
    """
    if store is None:
        return Memory(store=None)
    claim = None
    try:
        if delivery.key is not None:
            if not store.claim(delivery.key, delivery.check.checked_at, delivery.lease):
                return Duplicate()
            claim = delivery.key
        return Memory(store, claim, store.last(delivery.check.monitor))
    except ClaimHeldError:
        log("claim_held", monitor=delivery.check.monitor, key=delivery.key)
        raise
    except (ClientError, BotoCoreError) as error:
        return Memory(store if claim else None, claim, read_error=str(error))


def is_quiet_early_check(delivery: Delivery) -> bool:
    """A start check that found a run, or an at-risk check that found none at risk, says
    nothing about success: it neither recovers a monitor nor overwrites its last status."""
    return delivery.check.check in (START, AT_RISK) and delivery.verdict.status is Status.OK


def _followed_up(delivery: Delivery, previous: MonitorState | None) -> Delivery:
    """Turn OK after a problem into RECOVERED, with the earlier problem runs as they are now.

    A late retry of a check older than the stored status follows nothing: it is reported
    as it is.
    """
    if previous is None or previous.as_of > delivery.as_of or is_quiet_early_check(delivery):
        return delivery
    status = follow_up(delivery.verdict.status, previous.status)
    if status is not Status.RECOVERED:
        return delivery
    try:
        sfn = aws.client(
            "stepfunctions", delivery.role_arn, aws.region_of(delivery.check.state_machine_arn)
        )
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


def send(delivery: Delivery) -> str | None:
    """Publish the alert; OK is only sent to monitors that ask for it. The message id."""
    if delivery.verdict.status is Status.OK and not delivery.notify_on_success:
        return None
    return publish(
        delivery.topic_arn, compose(delivery.check, delivery.verdict, delivery.message_format)
    )


def release(memory: Memory, delivery: Delivery) -> str:
    """Free this invocation's claim, so that the retry may send what this one could not.
    Returns what to add to the error when even that failed."""
    if memory.store is None or memory.claim is None:
        return ""
    try:
        memory.store.release(memory.claim, delivery.check.checked_at)
    except (ClientError, BotoCoreError) as error:
        return f"; the claim was not released: {error}"
    return ""


def remember(memory: Memory, delivery: Delivery) -> str | None:
    """Record the reported status (unless the last one could not be read) and close the
    claim; the error, if the table failed."""
    if memory.store is None:
        return None
    try:
        if memory.read_error is None and not is_quiet_early_check(delivery):
            status, previous = delivery.verdict.status, memory.previous
            memory.store.record(
                delivery.check.monitor,
                status,
                delivery.as_of,
                tuple(f.execution.arn for f in delivery.verdict.problems),
                delivery.check.checked_at,
                since=previous.since_if(status, delivery.as_of) if previous else None,
            )
        if memory.claim is not None:
            memory.store.complete(memory.claim, delivery.check.checked_at)
        if delivery.scheduled is not None:
            memory.store.mark_checked(
                delivery.check.monitor,
                delivery.check.check,
                delivery.scheduled,
                delivery.check.checked_at,
            )
    except (ClientError, BotoCoreError) as error:
        return str(error)
    return None


def publish(topic_arn: str, alert: Alert) -> str:
    """Publish an alert; its status and monitor become attributes subscribers filter on."""
    response = aws.client("sns", region=aws.region_of(topic_arn)).publish(
        TopicArn=topic_arn,
        Subject=alert.subject,
        Message=alert.body,
        MessageAttributes={
            key: {"DataType": "String", "StringValue": value}
            for key, value in alert.attributes.items()
        },
    )
    return str(response["MessageId"])


def _log_check(
    delivery: Delivery,
    memory: Memory,
    *,
    message_id: str | None,
    publish_error: str | None = None,
    state_error: str | None = None,
) -> dict[str, Any]:
    """The check's one log line, with its metrics; returns the summary it logged."""
    check, verdict = delivery.check, delivery.verdict
    summary = {
        "monitor": check.monitor,
        "check": check.check,
        "status": verdict.status.value,
        "state_machine_arn": check.state_machine_arn,
        "deadline": check.window.deadline.isoformat() if check.window else None,
        "executions_in_window": len(verdict.findings),
        "problems": len(verdict.problems),
        "list_calls": delivery.list_calls,
        "notified": message_id is not None,
        "message_id": message_id,
        "publish_error": publish_error,
        "state_error": state_error,
        "previous_status": memory.previous.status.value if memory.previous else None,
        "reason": verdict.reason or None,
        # An at-risk check says what it predicted, or why it could not ("no_history").
        "prediction": check.prediction.kind if check.prediction else None,
    }
    namespace = os.environ.get(NAMESPACE_ENV, DEFAULT_NAMESPACE)
    metrics = metrics_document(
        check.monitor,
        verdict.status,
        check.checked_at,
        namespace,
        alert_sent=message_id is not None,
    )
    log("check", **summary, **metrics)
    return summary
