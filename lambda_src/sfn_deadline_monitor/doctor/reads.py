"""The doctor's reads: one function per check that asks AWS (read-only calls only) and hands
the answers to its judgement (doctor/checks.py, doctor/access.py). A resource AWS says does
not exist is read as None; any other error is left to the caller (doctor/command.py), which
reports the check as one it could not make.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from .. import aws
from ..alerts.bus import SOURCE
from ..audit.machines import list_state_machines
from ..check.monitor_settings import base_state_machine_arn
from ..errors import error_code
from ..state.deployment import Deployment
from ..state.registry import Manifest, RoleSpec
from . import access, checks
from .checks import Finding
from .iam_conditions import Context, values, written_for
from .iam_policy import Statement, decide, statements
from .roles import Role, role
from .tags import tag_contexts

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_scheduler import EventBridgeSchedulerClient
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient

T = TypeVar("T")
# What each service answers for a resource that does not exist.
NOT_FOUND = frozenset(
    {
        "ResourceNotFoundException",  # Lambda, DynamoDB, Scheduler, EventBridge
        "NotFound",  # SNS
        "NotFoundException",  # KMS
        "NoSuchEntity",  # IAM
        "QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
    }
)
ALARMS_PER_CALL = 100  # DescribeAlarms takes at most 100 names


@dataclass(frozen=True)
class Clients:
    iam: IAMClient
    kms: KMSClient
    sns: SNSClient
    sqs: SQSClient
    events: EventBridgeClient
    scheduler: EventBridgeSchedulerClient
    cloudwatch: CloudWatchClient
    functions: LambdaClient


def clients(region: str) -> Clients:
    session, config = boto3.session.Session(region_name=region), aws.retry_config()
    return Clients(
        iam=session.client("iam", config=config),
        kms=session.client("kms", config=config),
        sns=session.client("sns", config=config),
        sqs=session.client("sqs", config=config),
        events=session.client("events", config=config),
        scheduler=session.client("scheduler", config=config),
        cloudwatch=session.client("cloudwatch", config=config),
        functions=session.client("lambda", config=config),
    )


def error_text(error: ClientError | BotoCoreError) -> str:
    if isinstance(error, ClientError):
        detail = error.response.get("Error", {})
        return f"{detail.get('Code', 'Error')}: {detail.get('Message', '')}".rstrip(": ")
    return str(error)


def unless_missing(call: Callable[[], T]) -> T | None:
    """The call's answer, or None when AWS says the resource does not exist."""
    try:
        return call()
    except ClientError as error:
        if error_code(error) in NOT_FOUND:
            return None
        raise


def table(d: Deployment) -> list[Finding]:
    status = d.dynamodb.describe_table(TableName=d.table)["Table"]["TableStatus"]
    return [checks.table(d.table, status, len(d.registry.monitors))]


def function(c: Clients, m: Manifest) -> tuple[list[Finding], Role | None]:
    """The function's check, and its role's statements for the access checks (None when
    there is no function, or its role could not be read)."""
    configuration: Any = unless_missing(
        lambda: c.functions.get_function_configuration(FunctionName=m.function_arn)
    )
    findings = [checks.function(m.function_arn, configuration)]
    if configuration is None:
        return findings, None
    try:
        return findings, role(c.iam, configuration["Role"])
    except (ClientError, BotoCoreError) as error:
        return [*findings, checks.unverified("the function's role", error_text(error))], None


def topic(c: Clients, use: str, arn: str) -> list[Finding]:
    attributes = unless_missing(lambda: c.sns.get_topic_attributes(TopicArn=arn)["Attributes"])
    return [checks.topic(use, arn, attributes)]


def publish(c: Clients, m: Manifest, role: Role) -> list[Finding]:
    attributes = unless_missing(
        lambda: c.sns.get_topic_attributes(TopicArn=m.alert_topic_arn)["Attributes"]
    )
    topic_policy = statements(attributes["Policy"]) if attributes and "Policy" in attributes else []
    decide_for = partial(decide, role.arn, identity=role.identity, boundary=role.boundary)
    decisions = {
        ("sns:Publish", m.alert_topic_arn): decide_for(
            "sns:Publish", m.alert_topic_arn, resource_policy=topic_policy
        )
    }
    key = m.kms_keys.get("alert_topic")
    if key is not None:
        # SNS uses the topic's key on the publisher's behalf (kms:ViaService).
        through_sns = {"kms:ViaService": f"sns.{m.alert_topic_arn.split(':')[3]}.amazonaws.com"}
        for action in ("kms:GenerateDataKey", "kms:Decrypt"):
            decisions[action, key] = decide_for(action, key, context=through_sns)
    return [access.publish(role.arn, m.alert_topic_arn, decisions)]


def alert_events(c: Clients, bus_arn: str, role: Role) -> list[Finding]:
    """The bus the function puts its alerts on exists, and its role may put them there."""
    exists = unless_missing(lambda: c.events.describe_event_bus(Name=bus_arn)) is not None
    decision = decide(
        role.arn,
        "events:PutEvents",
        bus_arn,
        role.identity,
        boundary=role.boundary,
        context={"events:source": SOURCE},
    )
    return [access.put_events(role.arn, bus_arn, exists, decision)]


def key(c: Clients, m: Manifest, use: str) -> list[Finding]:
    arn = m.kms_keys[use]

    def facts() -> tuple[str, list[Statement]]:
        state = c.kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyState"]
        return state, statements(c.kms.get_key_policy(KeyId=arn, PolicyName="default")["Policy"])

    return [access.key(use, arn, unless_missing(facts), m.key_policies.get(use, []))]


def schedules(c: Clients, d: Deployment, kind: str, group: str) -> list[Finding]:
    if kind == "audit":
        expected = {"audit": True}
    else:
        expected = {
            name: spec.enabled
            for name, spec in d.registry.monitors.items()
            if any(s.kind == kind and s.group == group for s in spec.schedules)
        }
    listed: list[Any] | None = None
    if unless_missing(lambda: c.scheduler.get_schedule_group(Name=group)) is not None:
        pages = c.scheduler.get_paginator("list_schedules").paginate(GroupName=group)
        listed = [s for page in pages for s in page["Schedules"]]
    return checks.schedules(kind, group, expected, listed, d.registry.manifest.function_arn)


def failure_rules(c: Clients, m: Manifest) -> list[Finding]:
    def facts(name: str) -> tuple[str, list[str]]:
        state = c.events.describe_rule(Name=name)["State"]
        targets = c.events.list_targets_by_rule(Rule=name)["Targets"]
        return state, [t["Arn"] for t in targets]

    found = {name: unless_missing(partial(facts, name)) for name in m.failure_rules}
    return checks.failure_rules(found, m.function_arn)


def state_machines(m: Manifest, machines: dict[str, str], role: Role | None) -> list[Finding]:
    """List, as the caller, the state machines of each region of the monitors the function
    reads with its own role (``machines``: by monitor), and weigh whether that role may
    list each one's executions (not when the role could not be read)."""
    listed: dict[str, str | None] = {}
    tags: dict[str, Context] = {}
    for region in sorted({arn.split(":")[3] for arn in machines.values()}):
        listed |= list_state_machines(aws.client("stepfunctions", region=region))
        tags |= tag_contexts(m, region)
    may_read = {
        monitor: decide(
            role.arn,
            "states:ListExecutions",
            base_state_machine_arn(arn),
            role.identity,
            boundary=role.boundary,
            context=tags.get(base_state_machine_arn(arn)),
        )
        for monitor, arn in machines.items()
        if role is not None
    }
    return access.state_machines(m.function_arn.split(":")[4], machines, listed, may_read)


def member_role(role: Role | None, arn: str, machines: dict[str, str]) -> list[Finding]:
    """Assume the member role as the caller (aws.client does); list its account's state
    machines in each region of its monitors' (as the audit does), and one execution of
    each monitor's state machine (as its checks do)."""
    may_assume = (
        None
        if role is None
        else decide(role.arn, "sts:AssumeRole", arn, role.identity, boundary=role.boundary)
    )
    assume_error: str | None = None
    listed: dict[str, str | None] = {}
    list_error: str | None = None
    reads: dict[str, str | None] = {}
    for region in sorted({machine.split(":")[3] for machine in machines.values()}):
        try:
            sfn = aws.client("stepfunctions", role_arn=arn, region=region)
        except ClientError as error:
            assume_error = error_text(error)
            break
        try:
            listed |= list_state_machines(sfn)
        except ClientError as error:
            list_error = error_text(error)
        for monitor, machine in sorted(machines.items()):
            if machine.split(":")[3] == region:
                try:
                    sfn.list_executions(stateMachineArn=machine, maxResults=1)
                    reads[monitor] = None
                except ClientError as error:
                    reads[monitor] = error_text(error)
    return access.member_role(
        arn,
        may_assume,
        assume_error,
        machines=machines,
        listed=None if assume_error or list_error else listed,
        list_error=list_error,
        reads=reads,
    )


def alarms(c: Clients, m: Manifest) -> list[Finding]:
    found: dict[str, Any] = {}
    for start in range(0, len(m.alarms), ALARMS_PER_CALL):
        batch = list(m.alarms[start : start + ALARMS_PER_CALL])
        for alarm in c.cloudwatch.describe_alarms(AlarmNames=batch)["MetricAlarms"]:
            found[alarm["AlarmName"]] = alarm
    return checks.alarms(m.alarms, found, m.alarm_topic_arn)


def queue(c: Clients, use: str, url: str) -> list[Finding]:
    names: Any = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    found = unless_missing(
        lambda: c.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    )
    messages = None if found is None else sum(int(found.get(name, "0")) for name in names)
    return [checks.queue(use, url, messages)]


def role_actions(c: Clients, use: str, spec: RoleSpec) -> list[Finding]:
    """Every action the module's role uses, decided on each resource its policies grant
    it, against those policies and its permissions boundary, for the request each grant
    was written for (a key's grant through one service: iam_conditions.written_for)."""
    r = role(c.iam, spec.arn)
    decisions = {
        action: [
            (
                resource,
                decide(
                    r.arn, action, resource, r.identity, boundary=r.boundary, context=written_for(s)
                ),
            )
            for s in r.identity
            if s.get("Effect") == "Allow" and action in values(s.get("Action"))
            for resource in values(s.get("Resource"))
        ]
        for action in spec.actions
    }
    return [access.role_actions(use, spec.arn, spec.actions, decisions)]
