"""Where moto answers otherwise than AWS, make it answer as AWS does (documented behaviour
only), so that tests assert AWS's answer, not the emulator's. Installed by the moto
launcher (testkit/moto_server.py) and by the in-process test fixtures.

- ValidateStateMachineDefinition and ListStateMachineVersions, which the Terraform AWS
  provider calls for every aws_sfn_state_machine and moto 5.2 lacks (HTTP 500).
- A Step Functions read of another account's resource: AccessDeniedException (Step
  Functions has no resource policies); moto looks in the caller's account instead.
- ListExecutions of an EXPRESS state machine: StateMachineTypeNotSupported; moto lists it.
- StartExecution and ListExecutions through a version or alias ARN: AWS starts the version
  (an alias's routed one) and lists the executions started through it, each naming its
  stateMachineVersionArn and stateMachineAliasArn; moto refuses both ARNs. Every closed
  execution carries its stopDate (moto leaves it out for TIMED_OUT).
- DescribeKey on the predefined aliases alias/aws/sns and alias/aws/sqs: AWS associates
  each with the AWS managed key of its service; moto knows neither alias.
- CreateSchedule repeated with the ClientToken of the request that created the schedule:
  AWS answers as it did ("a unique, case-sensitive identifier you provide to ensure the
  idempotency of the request", docs.aws.amazon.com/scheduler/latest/APIReference/
  API_CreateSchedule.html; the AWS SDKs fill it in and keep it across their retries);
  moto ignores it, so an SDK retry of a create moto had completed under load (the
  1,000-monitor apply) failed with ConflictException.
- A rule's input transformer: a string placeholder outside quotes, `"summary": <subject>`,
  becomes a quoted JSON string (docs.aws.amazon.com/eventbridge/latest/userguide/
  eb-transform-target-input.html); moto writes it bare, fails to parse its own output and
  refuses the PutEvents (testkit/input_transformer.py renders as AWS documents).
- A DynamoDB write is atomic: "Individual write operations such as UpdateItem are atomic
  and always operate on the most recent version of the item, regardless of concurrency"
  (docs.aws.amazon.com/amazondynamodb/latest/developerguide/
  BestPractices_ImplementingVersionControl.html). moto reads the item, evaluates the
  condition and writes in steps that requests on other threads interleave with, so two
  conditional puts of one new key could both succeed (tests/test_emulator_answers.py
  shows it; it explains the one load-test run in CI where both deliveries of a check
  were handled). Here DynamoDB requests are handled one at a time.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable
from typing import Any

from moto.core.common_types import TYPE_RESPONSE
from moto.core.exceptions import AWSError
from moto.core.responses import ActionResult
from moto.dynamodb.responses import DynamoHandler
from moto.events.utils import EventTemplateParser
from moto.kms import utils as kms_utils
from moto.kms.models import KmsBackend
from moto.scheduler.responses import EventBridgeSchedulerResponse
from moto.stepfunctions.responses import StepFunctionResponse

from testkit import input_transformer

_INSTALLED = "_aws_answers_installed"
_DYNAMODB_REQUEST = threading.Lock()


class _AccessDeniedError(AWSError):
    TYPE = "AccessDeniedException"
    STATUS = 400


class _TypeNotSupportedError(AWSError):
    TYPE = "StateMachineTypeNotSupported"
    STATUS = 400


def _validate_state_machine_definition(self: StepFunctionResponse) -> ActionResult:
    """Accept every definition, as AWS does for a well-formed one."""
    return ActionResult({"result": "OK", "diagnostics": []})


def _list_state_machine_versions(self: StepFunctionResponse) -> ActionResult:
    """The published versions of a state machine, newest first (usually none)."""
    machine = self.stepfunction_backend.describe_state_machine(self._get_param("stateMachineArn"))
    versions = sorted(
        getattr(machine, "versions", {}).values(), key=lambda v: v.version, reverse=True
    )
    return ActionResult(
        {
            "stateMachineVersions": [
                {"stateMachineVersionArn": v.arn, "creationDate": v.creation_date} for v in versions
            ]
        }
    )


def _own_account(self: StepFunctionResponse, arn: str, action: str) -> None:
    if len(arn.split(":")) > 6 and arn.split(":")[4] != self.current_account:
        raise _AccessDeniedError(
            f"User: arn:aws:sts::{self.current_account}:assumed-role/caller is not authorized "
            f"to perform: states:{action} on resource: {arn}"
        )


def _started_through(self: StepFunctionResponse, arn: str) -> dict[str, str]:
    """The version (and alias) a version or alias ARN starts, as ListExecutions names them."""
    parts = arn.split(":")
    if len(parts) < 8:
        return {}
    if parts[7].isdigit():
        return {"stateMachineVersionArn": arn}
    alias = self.stepfunction_backend.describe_state_machine_alias(arn)
    version = alias.routing_configuration[0]["stateMachineVersionArn"]
    return {"stateMachineAliasArn": arn, "stateMachineVersionArn": version}


def _start_execution(self: StepFunctionResponse) -> ActionResult:
    arn = self._get_param("stateMachineArn")
    through = _started_through(self, arn)
    execution = self.stepfunction_backend.start_execution(
        ":".join(arn.split(":")[:7]),
        self._get_param("name"),
        self._get_param("input", if_none="{}"),
    )
    execution.started_through = through  # type: ignore[attr-defined]  # the emulator's own field
    return ActionResult(
        {"executionArn": execution.execution_arn, "startDate": execution.start_date}
    )


def _list_executions(self: StepFunctionResponse) -> ActionResult:
    arn = self._get_param("stateMachineArn")
    _own_account(self, arn, "ListExecutions")
    base = ":".join(arn.split(":")[:7])
    machine = self.stepfunction_backend.describe_state_machine(base)
    if getattr(machine, "type", "STANDARD") == "EXPRESS":
        raise _TypeNotSupportedError(
            f"This operation is not supported by this type of state machine: {arn}"
        )
    page, token = self.stepfunction_backend.list_executions(
        base,
        status_filter=self._get_param("statusFilter"),
        max_results=self._get_int_param("maxResults"),
        next_token=self._get_param("nextToken"),
    )
    items = []
    for execution in page:
        through = getattr(execution, "started_through", {})
        if arn != base and arn not in through.values():
            continue
        item = {
            "executionArn": execution.execution_arn,
            "name": execution.name,
            "startDate": execution.start_date,
            "stateMachineArn": base,
            "status": execution.status,
            **through,
        }
        if execution.status != "RUNNING" and execution.stop_date is not None:
            item["stopDate"] = execution.stop_date
        items.append(item)
    return ActionResult({"executions": items, "nextToken": token})


def _refusing_other_accounts(
    read: Callable[[StepFunctionResponse], ActionResult], action: str, parameter: str
) -> Callable[[StepFunctionResponse], ActionResult]:
    def answer(self: StepFunctionResponse) -> ActionResult:
        _own_account(self, self._get_param(parameter) or "", action)
        return read(self)

    return answer


def _generating_aws_managed(generate: Callable[..., str | None]) -> Callable[..., str | None]:
    def generate_aws_managed(self: KmsBackend, alias_name: str) -> str | None:
        key_id = generate(self, alias_name)
        if key_id is not None:
            self.keys[key_id].key_manager = "AWS"
        return key_id

    return generate_aws_managed


def _idempotent(create: Callable[[EventBridgeSchedulerResponse], str]) -> Callable[..., str]:
    # The token each schedule was created with, by (account, region, group, name).
    tokens: dict[tuple[str, str, str, str], str] = {}

    def create_schedule(self: EventBridgeSchedulerResponse) -> str:
        backend, token = self.scheduler_backend, self._get_param("ClientToken")
        group = self._get_param("GroupName") or "default"
        key = (backend.account_id, backend.region_name, group, self.uri.split("/")[-1])
        existing = getattr(backend.schedule_groups.get(group), "schedules", {}).get(key[3])
        if token and existing is not None and tokens.get(key) == token:
            return json.dumps({"ScheduleArn": existing.arn})
        answer = create(self)
        if token:
            tokens[key] = token
        return answer

    return create_schedule


def _documented_transformer(parse: Callable[..., Any]) -> Callable[..., Any]:
    """moto's renderer for a target without a template (the whole event), AWS's
    documented one for a template."""

    def rendered(input_template: str | None, input_paths_map: Any, event: Any) -> Any:
        if not input_template:
            return parse(input_template, input_paths_map, event)
        try:
            return input_transformer.render(input_template, input_paths_map or {}, event)
        except KeyError:
            # A path the event lacks creates no variable, and AWS still delivers (and
            # PutEvents succeeds): the emulator hands the target the template as it is.
            return input_template

    return staticmethod(rendered)


def _one_at_a_time(call_action: Callable[[DynamoHandler], TYPE_RESPONSE]) -> Callable[..., Any]:
    """A DynamoDB request handled while no other is, so each write is atomic as in AWS."""

    @functools.wraps(call_action)
    def handled_alone(self: DynamoHandler) -> TYPE_RESPONSE:
        with _DYNAMODB_REQUEST:
            return call_action(self)

    return handled_alone


def install() -> None:
    """Patch moto, once per process."""
    if getattr(StepFunctionResponse, _INSTALLED, False):
        return
    setattr(StepFunctionResponse, _INSTALLED, True)
    for name, action in (
        ("validate_state_machine_definition", _validate_state_machine_definition),
        ("list_state_machine_versions", _list_state_machine_versions),
    ):
        if not hasattr(StepFunctionResponse, name):
            setattr(StepFunctionResponse, name, action)
    replaced: dict[str, Any] = {
        "start_execution": _start_execution,
        "list_executions": _list_executions,
        "describe_execution": _refusing_other_accounts(
            StepFunctionResponse.describe_execution, "DescribeExecution", "executionArn"
        ),
        "describe_state_machine": _refusing_other_accounts(
            StepFunctionResponse.describe_state_machine, "DescribeStateMachine", "stateMachineArn"
        ),
    }
    for name, action in replaced.items():
        setattr(StepFunctionResponse, name, action)
    EventBridgeSchedulerResponse.create_schedule = _idempotent(  # type: ignore[method-assign]
        EventBridgeSchedulerResponse.create_schedule
    )
    EventTemplateParser.parse = _documented_transformer(EventTemplateParser.parse)  # type: ignore[method-assign]
    DynamoHandler.call_action = _one_at_a_time(DynamoHandler.call_action)  # type: ignore[method-assign]
    kms_utils.RESERVED_ALIASES.extend(["alias/aws/sns", "alias/aws/sqs"])
    KmsBackend._generate_default_keys = _generating_aws_managed(  # type: ignore[method-assign]
        KmsBackend._generate_default_keys
    )
