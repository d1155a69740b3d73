"""The size of everything a deployed module instance has that an AWS limit bounds, read
back from the account.

moto enforces none of the limits in dev/aws_limits.py, so an apply that works against it
proves nothing about them: tests/apply/test_scale.py and `make bench` read each size back
from what was deployed, measured as AWS counts it, and hold it against the limit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def _compact(document: str) -> int:
    """A policy's size as IAM counts it: white space outside strings left out."""
    return len(json.dumps(json.loads(document), separators=(",", ":")))


def measure(aws: Callable[[str], Any], name: str) -> dict[str, int]:
    """The size of everything a module instance called ``name`` deployed that an AWS limit
    bounds, read back from the account (``aws(service)`` gives a boto3 client)."""
    iam, events = aws("iam"), aws("events")
    function = f"{name}-sfn-deadline-check"
    inline = [
        iam.get_role_policy(RoleName=function, PolicyName=p)["PolicyDocument"]
        for p in iam.list_role_policies(RoleName=function)["PolicyNames"]
    ]
    attached = iam.list_attached_role_policies(RoleName=function)["AttachedPolicies"]
    managed = []
    for policy in attached:
        version = iam.get_policy(PolicyArn=policy["PolicyArn"])["Policy"]["DefaultVersionId"]
        document = iam.get_policy_version(PolicyArn=policy["PolicyArn"], VersionId=version)
        managed.append(document["PolicyVersion"]["Document"])
    trusts = [
        iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
        for role in (function, f"{name}-sfn-deadline-scheduler")
    ]
    rules = [
        r
        for page in events.get_paginator("list_rules").paginate(NamePrefix=f"{name}-sfn-failed-")
        for r in page["Rules"]
    ]
    targets = [events.list_targets_by_rule(Rule=r["Name"])["Targets"] for r in rules]
    scheduler = aws("scheduler")
    groups = [g["Name"] for g in scheduler.list_schedule_groups(NamePrefix=name)["ScheduleGroups"]]
    inputs = [
        scheduler.get_schedule(GroupName=s["GroupName"], Name=s["Name"])["Target"]["Input"]
        for group in groups
        for page in scheduler.get_paginator("list_schedules").paginate(GroupName=group)
        for s in page["Schedules"]
    ]
    sqs = aws("sqs")
    queue = sqs.get_queue_url(QueueName=f"{name}-sfn-deadline-scheduler-dlq")["QueueUrl"]
    queue_policy = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["Policy"])
    configuration = aws("lambda").get_function_configuration(FunctionName=function)
    alarms = aws("cloudwatch").describe_alarms(AlarmNamePrefix=f"{name}-sfn-deadline-")
    return {
        "iam_inline_policies": sum(_compact(_text(d)) for d in inline),
        "iam_managed_policy": max((_compact(_text(d)) for d in managed), default=0),
        "iam_managed_policies_per_role": len(attached),
        "iam_trust_policy": max(_compact(_text(d)) for d in trusts),
        "eventbridge_rules_per_bus": len(rules),
        "eventbridge_event_pattern": max((len(r["EventPattern"]) for r in rules), default=0),
        "eventbridge_input_template": max(
            (len(t["InputTransformer"]["InputTemplate"]) for ts in targets for t in ts),
            default=0,
        ),
        "eventbridge_targets_per_rule": max((len(ts) for ts in targets), default=0),
        "scheduler_schedule_groups": len(groups),
        "scheduler_schedules": len(inputs),
        "scheduler_target_input": max(len(i.encode()) for i in inputs),
        "lambda_resource_policy": len(
            aws("lambda").get_policy(FunctionName=function)["Policy"].encode()
        ),
        "lambda_environment": len(
            json.dumps(configuration["Environment"]["Variables"], separators=(",", ":")).encode()
        ),
        "sqs_queue_policy": len(queue_policy["Attributes"].get("Policy", "").encode()),
        "cloudwatch_alarm_metrics": max(
            (
                len([m for m in a.get("Metrics", []) if "MetricStat" in m])
                for a in alarms["MetricAlarms"]
            ),
            default=0,
        ),
    }


def _text(document: object) -> str:
    return document if isinstance(document, str) else json.dumps(document)
