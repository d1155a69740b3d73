"""Faults injected at botocore's boundary, and Lambda's retries replayed, for the
fault-injection suite (tests/test_faults.py, the table in docs/failure-modes.md).

A fault is installed as a botocore event hook on every session created while it is
active (``botocore.handlers.BUILTIN_HANDLERS``, as moto installs itself), so it reaches
each client the check makes, an assumed role's included. Two doors:

- ``before-call`` answers the call with an error, or raises a connection timeout, before
  anything is sent: an error that outlasted botocore's own retries (or one it does not
  retry), as the check sees it;
- ``before-send``, after moto has served the request, raises a read timeout: AWS did what
  was asked and the answer was lost; botocore sends the request again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore import handlers
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError
from botocore.model import OperationModel

from sfn_deadline_monitor import aws

# The error each service answers for a kind of fault (its API reference's error list).
ERROR_CODES: dict[str, dict[str, tuple[int, str]]] = {
    "throttled": {
        "events": (400, "ThrottlingException"),
        "dynamodb": (400, "ThrottlingException"),
        "sns": (400, "Throttled"),
        "states": (400, "ThrottlingException"),
        "sts": (400, "Throttling"),
        "scheduler": (429, "ThrottlingException"),
        "sqs": (400, "RequestThrottled"),
    },
    "server error": {
        "events": (500, "InternalException"),
        "dynamodb": (500, "InternalServerError"),
        "sns": (500, "InternalError"),
        "states": (500, "InternalFailure"),
        "sts": (500, "InternalFailure"),
        "scheduler": (500, "InternalServerException"),
        "sqs": (500, "InternalError"),
    },
    "access denied": {
        "events": (400, "AccessDeniedException"),
        "dynamodb": (400, "AccessDeniedException"),
        "sns": (403, "AuthorizationError"),
        "states": (400, "AccessDeniedException"),
        "sts": (403, "AccessDenied"),
        "scheduler": (403, "AccessDeniedException"),
        "sqs": (403, "AccessDenied"),
    },
    "key refused": {"sns": (400, "KMSAccessDenied")},
}
# Kinds raised rather than answered.
TIMEOUT_BEFORE = "timeout before sent"
ANSWER_LOST = "answer lost"
KINDS = (*ERROR_CODES, TIMEOUT_BEFORE, ANSWER_LOST)


@dataclass(frozen=True)
class Step:
    """One AWS call of the check, told apart from the others by its operation and, for
    DynamoDB, by the kind of item it names."""

    name: str
    service: str
    operation: str
    item: str | None = None

    def matches(self, service: str, operation: str, params: dict[str, Any]) -> bool:
        if (service, operation) != (self.service, self.operation):
            return False
        if self.item is None:
            return True
        key = params.get("Item", params.get("Key", {})).get("pk", {}).get("S", "")
        return str(key).startswith(self.item)


@dataclass
class Fault:
    """``kind`` at ``step``, for the first call only (``once``) or for every call while
    it is active (the test clears it)."""

    step: Step
    kind: str
    once: bool
    active: bool = True
    hits: int = field(default=0)

    def applies(self, service: str, operation: str, params: dict[str, Any]) -> bool:
        if not self.active or not self.step.matches(service, operation, params):
            return False
        self.hits += 1
        if self.once:
            self.active = False
        return True


def _service(model: OperationModel) -> str:
    return str(model.service_model.signing_name)


@dataclass
class Injector:
    """The fault the installed hooks inject, if any: set per case, so that the clients
    (and botocore's loaded models) outlive the cases."""

    fault: Fault | None = None

    def applies(self, service: str, operation: str, params: dict[str, Any]) -> Fault | None:
        fault = self.fault
        return fault if fault is not None and fault.applies(service, operation, params) else None


@contextmanager
def installed() -> Iterator[Injector]:
    """Install the hooks for every botocore session made meanwhile."""
    injector = Injector()
    lost = []  # the call whose answer the next send loses (calls are sequential)
    given: dict[str, Any] = {}  # the parameters of the call being made, as the code gave them

    def keep_params(params: dict[str, Any], **_: Any) -> None:
        given.clear()
        given.update(params)

    def before_call(model: OperationModel, **_: Any) -> Any:
        fault = injector.applies(_service(model), model.name, given)
        if fault is None:
            return None
        if fault.kind == ANSWER_LOST:
            lost.append(model.name)
            return None
        if fault.kind == TIMEOUT_BEFORE:
            raise ConnectTimeoutError(endpoint_url=f"https://{_service(model)}.example")
        status, code = ERROR_CODES[fault.kind][_service(model)]
        response = AWSResponse("https://fault.example", status, {}, None)  # type: ignore[arg-type]
        error = {"Code": code, "Message": f"injected {fault.kind}"}
        return response, {"Error": error, "ResponseMetadata": {"HTTPStatusCode": status}}

    def before_send(request: Any, **_: Any) -> None:
        if lost:
            lost.clear()
            raise ReadTimeoutError(endpoint_url=request.url)

    hooks: list[tuple[str, Callable[..., Any]]] = [
        ("before-parameter-build", keep_params),
        ("before-call", before_call),
        ("before-send", before_send),
    ]
    handlers.BUILTIN_HANDLERS.extend(hooks)
    aws.reset_clients()
    try:
        yield injector
    finally:
        for hook in hooks:
            handlers.BUILTIN_HANDLERS.remove(hook)
        aws.reset_clients()


def applies_to(kind: str, step: Step) -> bool:
    """Whether ``kind`` exists for ``step``'s service."""
    return kind not in ERROR_CODES or step.service in ERROR_CODES[kind]


# Lambda runs an asynchronous event, then retries it twice (one minute, then two, later),
# with the same request ID (docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-
# handling.html). The retries are replayed at once: every claim the earlier attempt left
# is then still live, the hardest case (at lambda_timeout = 900 a lease of 16 minutes
# outlasts both retries).
ATTEMPTS = 3
CLAIM = Step("claim", "dynamodb", "PutItem", "handled#")
READ = Step("read the last status", "dynamodb", "GetItem", "monitor#")
PUT_EVENT = Step("put the alert's event", "events", "PutEvents")
PUBLISH = Step("publish", "sns", "Publish")
RECORD = Step("record the status", "dynamodb", "UpdateItem", "monitor#")
COMPLETE = Step("complete the claim", "dynamodb", "UpdateItem", "handled#")
MARK = Step("mark the check done", "dynamodb", "PutItem", "checked#")
STEPS = (
    Step("assume the member role", "sts", "AssumeRole"),
    Step("list the runs", "states", "ListExecutions"),
    Step("describe a failed run", "states", "DescribeExecution"),
    CLAIM,
    READ,
    Step("read the registry and records", "dynamodb", "BatchGetItem"),
    Step("list the schedules", "scheduler", "ListSchedules"),
    Step("read the queues' depth", "sqs", "GetQueueAttributes"),
    Step("list the state machines", "states", "ListStateMachines"),
    Step("record the open problems", "dynamodb", "PutItem", "audit"),
    PUT_EVENT,
    PUBLISH,
    RECORD,
    COMPLETE,
    MARK,
)


@dataclass(frozen=True)
class Outcome:
    """What one case sent: ``alerts`` (SNS messages) and ``events`` (on the alert bus) in
    all, and whether the event outlasted Lambda's retries (it then waits in the
    check-failures queue and is replayed)."""

    alerts: int
    events: int
    queued: bool
    reached: bool

    @property
    def named_duplicate(self) -> bool:
        """The one duplicate AWS cannot prevent (docs/failure-modes.md): a Publish whose
        answer was lost after SNS took it, sent again by botocore."""
        return self.alerts == 2

    def cell(self, kind: str, step: Step) -> str:
        if self.alerts == 1:
            text = "1, after the replay" if self.queued else "1"
        elif self.alerts == 2 and kind == ANSWER_LOST and step == PUBLISH:
            text = "2 (the named duplicate)"
        else:
            text = f"{self.alerts} ({'LOST' if self.alerts == 0 else 'DUPLICATE'})"
        return text if self.events == self.alerts else f"{text}; events {self.events}"


def run_case(
    check: Callable[[str, bool], None],
    published: Callable[[], int],
    injector: Injector,
    fault: Fault,
    events: Callable[[], int],
) -> Outcome:
    """The event checked as Lambda runs it under ``fault``: once, then up to two retries
    with the same request ID; replayed once the fault cleared if all three failed (the
    replay command's new request); then, for a fault that cleared at once, delivered
    again by the Scheduler (at least once) under another request ID. ``check(request,
    later)`` runs the function; ``later`` runs it after every claim's lease has lapsed, as
    a replay or a redelivery's retries do."""
    failures = 0
    injector.fault = fault
    try:
        for _ in range(ATTEMPTS):
            try:
                check("request-1", False)
                break
            except Exception:  # Lambda's retry, as for any error the function raises
                failures += 1
    finally:
        injector.fault = None
    queued = failures == ATTEMPTS
    if queued:
        check("replay", True)
    if fault.once:
        check("redelivery", True)
    return Outcome(published(), events(), queued, fault.hits > 0)


def expected(outcome: Outcome, kind: str, step: Step) -> bool:
    """Exactly one alert, or the named duplicate of a lost Publish answer; and its event,
    again only where the event went out before a publish that failed (its retry puts it
    again) or where botocore resent a PutEvents whose answer was lost."""
    if kind == ANSWER_LOST and step == PUBLISH:
        alerts = outcome.alerts in (1, 2)
    else:
        alerts = outcome.alerts == 1
    event_again = step == PUBLISH or (step == PUT_EVENT and kind == ANSWER_LOST)
    return alerts and (outcome.events >= 1 if event_again else outcome.events == 1)


def table(path: str, rows: dict[tuple[Step, str], dict[bool, Outcome]]) -> str:
    """The markdown table of one path's cases: a row per step and fault, the alerts sent
    when the fault happens once and when it lasts through Lambda's retries."""
    lines = [
        f"**{path}**",
        "",
        "| Step | Fault | Fails once | Never clears |",
        "|---|---|---|---|",
    ]
    for (step, kind), outcomes in rows.items():
        once, lasting = outcomes[True], outcomes[False]
        lines.append(
            f"| {step.name} | {kind} | {once.cell(kind, step)} | {lasting.cell(kind, step)} |"
        )
    return "\n".join(lines) + "\n"
