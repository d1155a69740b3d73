"""Every AWS call the deployed function made, evaluated against the IAM policies AWS would
apply to it: the emulator evaluates none, so a call that AWS would deny passes here.

testkit/call_recorder.py records each call of the function (run by testkit/fire_check.py)
as the IAM action it needs (the service's prefix and the operation's name, which the
function's calls share) and the parameters naming its resource. Each call is judged, with
the doctor's reads and policy.decide, against the policies of the role that made it (the function's
own, or the member role whose AssumeRole gave the signing key) and that role's permissions
boundary, as the emulator holds them after terraform apply.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from sfn_deadline_monitor.check.monitor_settings import base_state_machine_arn
from sfn_deadline_monitor.doctor.iam_policy import decide
from sfn_deadline_monitor.doctor.roles import Role, role
from testkit.paths import ROOT

# Each pytest process's evaluated calls, for the run's summary (tests/conftest.py).
KEPT = ROOT / ".build" / "iam-calls"
# (action, resource) pairs a test denies on purpose, while it runs (denial_expected).
_EXPECTED: set[tuple[str, str]] = set()


@contextmanager
def denial_expected(action: str, resource: str) -> Iterator[None]:
    """Within the block, a call of ``action`` on ``resource`` that AWS would deny is what
    the test means to happen (a check that must fail), not a fault of the policies."""
    _EXPECTED.add((action, resource))
    try:
        yield
    finally:
        _EXPECTED.discard((action, resource))


@dataclass(frozen=True, order=True)
class Call:
    """One call as IAM authorizes it: who made it, the action and the resource; ``via``
    names the service that made a KMS call on the role's behalf (kms:ViaService);
    ``source`` the source of the events a PutEvents put (events:source)."""

    role_arn: str
    action: str
    resource: str
    via: str = ""
    source: str = ""


def _table(entry: dict[str, Any], account: str, name: str) -> str:
    return f"arn:aws:dynamodb:{entry['region']}:{account}:table/{name}"


def _queue(entry: dict[str, Any]) -> str:
    """The ARN of the queue a URL names (.../account/name, on AWS as on moto)."""
    *_, account, name = entry["names"]["QueueUrl"].rstrip("/").split("/")
    return f"arn:aws:sqs:{entry['region']}:{account}:{name}"


def _bus(entry: dict[str, Any], account: str, name: str) -> str:
    """The ARN of an event bus a PutEvents entry names by ARN or by name."""
    if name.startswith("arn:"):
        return name
    return f"arn:aws:events:{entry['region']}:{account}:event-bus/{name}"


# The resources each operation the function calls acts on ("*": it acts on none); an
# operation missing here fails the test, to be added with its resource.
RESOURCES: dict[str, Callable[[dict[str, Any], str], list[str]]] = {
    "dynamodb:GetItem": lambda e, a: [_table(e, a, e["names"]["TableName"])],
    "dynamodb:PutItem": lambda e, a: [_table(e, a, e["names"]["TableName"])],
    "dynamodb:UpdateItem": lambda e, a: [_table(e, a, e["names"]["TableName"])],
    "dynamodb:DeleteItem": lambda e, a: [_table(e, a, e["names"]["TableName"])],
    "dynamodb:BatchGetItem": lambda e, a: [_table(e, a, t) for t in e["names"]["RequestItems"]],
    "sns:Publish": lambda e, a: [e["names"]["TopicArn"]],
    "sqs:SendMessage": lambda e, a: [_queue(e)],
    "sqs:GetQueueAttributes": lambda e, a: [_queue(e)],
    "states:ListExecutions": lambda e, a: [base_state_machine_arn(e["names"]["stateMachineArn"])],
    "states:DescribeExecution": lambda e, a: [e["names"]["executionArn"]],
    "states:ListStateMachines": lambda e, a: ["*"],
    "scheduler:ListSchedules": lambda e, a: ["*"],
    "sts:AssumeRole": lambda e, a: [e["names"]["RoleArn"]],
    "events:PutEvents": lambda e, a: [_bus(e, a, name) for name in e["names"]["EventBusNames"]],
}


def read(log: Path, offset: int) -> tuple[set[Call], int]:
    """The calls recorded in ``log`` from ``offset`` on, and the offset after them."""
    with log.open(encoding="utf-8") as lines:
        lines.seek(offset)
        entries = [json.loads(line) for line in lines]
        end = lines.tell()
    roles = {e["assumed"]: e["role"] for e in entries if "assumed" in e}
    calls = set()
    for entry in entries:
        if "assumed" in entry:
            continue
        role = roles.get(entry["key"], entry["function_role"])
        action = f"{entry['prefix']}:{entry['operation']}"
        if action not in RESOURCES:
            msg = f"the function called {action}: add its resource to RESOURCES in {__name__}"
            raise AssertionError(msg)
        sources = entry["names"].get("Sources", [""])
        for resource in RESOURCES[action](entry, role.split(":")[4]):
            calls |= {Call(role, action, resource, source=source) for source in sources}
    return calls, end


# What SNS, SQS and DynamoDB answer for a topic, queue or table that does not exist.
_GONE = {
    "NotFound",
    "AWS.SimpleQueueService.NonExistentQueue",
    "QueueDoesNotExist",
    "ResourceNotFoundException",
}

# The KMS calls each service makes with the caller's permissions when the resource it
# writes or reads is encrypted with a customer managed key (iam.tf's key_actions says
# where AWS documents each).
KEY_CALLS = {
    "sns": ("kms:GenerateDataKey", "kms:Decrypt"),
    "sqs": ("kms:GenerateDataKey", "kms:Decrypt"),
    "dynamodb": ("kms:Decrypt",),
}


def _key_id(call: Call, region: str) -> str | None:
    """The key the resource of ``call`` is encrypted with, as the service holds it; None
    when it has none, or is gone (a test that points the function at a deleted topic)."""
    service, name = call.action.split(":")[0], call.resource.rsplit(":", 1)[-1]
    try:
        if call.action == "sns:Publish":
            sns = boto3.client("sns", region_name=region)
            attributes = sns.get_topic_attributes(TopicArn=call.resource)["Attributes"]
            return attributes.get("KmsMasterKeyId")
        if call.action == "sqs:SendMessage":
            sqs = boto3.client("sqs", region_name=region)
            url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
            queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["KmsMasterKeyId"])
            return queue["Attributes"].get("KmsMasterKeyId")
        if service == "dynamodb":
            table = boto3.client("dynamodb", region_name=region).describe_table(
                TableName=name.removeprefix("table/")
            )["Table"]
            return table.get("SSEDescription", {}).get("KMSMasterKeyArn")
    except ClientError as error:
        if error.response["Error"]["Code"] in _GONE:
            return None
        raise
    return None


def with_keys(calls: Iterable[Call], account: str, region: str) -> set[Call]:
    """``calls`` and the KMS calls their services make on the caller's behalf: each use of
    a resource of this account encrypted with a customer managed key (an AWS managed
    key's own policy admits every principal of the account that may use the service)."""
    found = set(calls)
    kms = boto3.client("kms", region_name=region)
    for call in list(found):
        service = call.action.split(":")[0]
        if service not in KEY_CALLS or call.resource.split(":")[4] != account:
            continue
        key_id = _key_id(call, region)
        if key_id is None:
            continue
        key = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        if key["KeyManager"] == "CUSTOMER":
            found |= {Call(call.role_arn, a, key["Arn"], service) for a in KEY_CALLS[service]}
    return found


def _iam(role_arn: str, account: str, region: str) -> Any:
    """An IAM client of the role's account: the member account's through the role itself
    (moto lets the test assume it)."""
    if role_arn.split(":")[4] == account:
        return boto3.client("iam", region_name=region)
    credentials = boto3.client("sts", region_name=region).assume_role(
        RoleArn=role_arn, RoleSessionName="iam-calls"
    )["Credentials"]
    return boto3.client(
        "iam",
        region_name=region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def denied(calls: Iterable[Call], account: str, region: str) -> list[str]:
    """Each call AWS would not allow, naming the role, the action, the resource and the
    layer that refuses it."""
    found = []
    roles: dict[str, Role] = {}
    for call in sorted(calls):
        if call.role_arn not in roles:
            roles[call.role_arn] = role(_iam(call.role_arn, account, region), call.role_arn)
        r = roles[call.role_arn]
        context = {"kms:ViaService": f"{call.via}.{region}.amazonaws.com"} if call.via else {}
        if call.source:
            context["events:source"] = call.source
        decision = decide(
            r.arn, call.action, call.resource, r.identity, boundary=r.boundary, context=context
        )
        if decision.allowed is not True and (call.action, call.resource) not in _EXPECTED:
            through = f" through {call.via}" if call.via else ""
            found.append(
                f"{call.role_arn}: {call.action} on {call.resource}{through}: {decision.reason}"
            )
    return found


def keep(calls: Iterable[Call], process: str) -> None:
    """Add ``calls`` to this pytest process's record of evaluated calls."""
    KEPT.mkdir(parents=True, exist_ok=True)
    with (KEPT / f"{process}.jsonl").open("a", encoding="utf-8") as kept:
        kept.writelines(json.dumps([c.role_arn, c.action, c.resource]) + "\n" for c in calls)


def kept() -> set[tuple[str, str]]:
    """The distinct (action, resource) pairs every pytest process of the run evaluated."""
    pairs = set()
    for path in KEPT.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            _, action, resource = json.loads(line)
            pairs.add((action, resource))
    return pairs
