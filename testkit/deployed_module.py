"""A deployed module on emulated AWS, built with boto3 as Terraform leaves it and healthy,
for the commands' tests (each doctor test breaks one part of it on purpose).

Two monitors: ``etl`` reads its state machine with the function's role and has a failure
rule; ``member-etl`` reads another account's through a member role. The alert topic is
encrypted with a customer managed key whose policy holds the module's statement under a
Sid of its own, its actions in another order.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from moto.core.models import DEFAULT_ACCOUNT_ID as ACCOUNT

from sfn_deadline_monitor.__main__ import main
from testkit.account import REGION, Account
from testkit.member import MEMBER_ROLE, member_state_machine
from testkit.registry_items import manifest, monitor, write_registry
from testkit.state_table import create_state_table

NAME = "team"


PREFIX = f"{NAME}-sfn-deadline"


TABLE = f"{PREFIX}-state"


ACCOUNT_ROOT = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}  # the account as a principal


FUNCTION_ROLE = f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-check"


# What the function's role uses, as the module's role_actions lists it for this deployment.
FUNCTION_ACTIONS = [
    "dynamodb:BatchGetItem",
    "dynamodb:GetItem",
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "sns:Publish",
    "states:ListExecutions",
    "sts:AssumeRole",
]


RULE = f"{NAME}-sfn-failed-00"


ALARM = f"{PREFIX}-check-errors"


# kms.tf's alert_topic statement for this module.
PUBLISH_STATEMENT = {
    "Sid": "SfnDeadlineFunctionPublishes",
    "Effect": "Allow",
    "Principal": ACCOUNT_ROOT,
    "Resource": "*",
    "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
    "Condition": {
        "ArnEquals": {"aws:PrincipalArn": FUNCTION_ROLE},
        "StringEquals": {"kms:ViaService": f"sns.{REGION}.amazonaws.com"},
    },
}


def client(service: str) -> Any:
    return boto3.client(service, region_name=REGION)  # type: ignore[call-overload]


@dataclass
class Deployed:
    """Handles on the deployment; ``write()`` again after changing the registry."""

    manifest: dict[str, Any]
    monitors: dict[str, dict[str, Any]]
    key_arn: str
    function_arn: str
    topic_arn: str
    own_machine: str
    queues: dict[str, str] = field(default_factory=dict)

    def write(self) -> None:
        write_registry(client("dynamodb"), TABLE, self.manifest, self.monitors)

    def role_policy(self, statements: list[dict[str, Any]]) -> None:
        """Replace the function role's inline policy."""
        client("iam").put_role_policy(
            RoleName=f"{PREFIX}-check",
            PolicyName="sfn-deadline-check",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
        )

    def role_statements(self) -> list[dict[str, Any]]:
        return [
            {
                "Sid": "PublishAlerts",
                "Effect": "Allow",
                "Action": "sns:Publish",
                "Resource": self.topic_arn,
            },
            {
                "Sid": "UseKeyAlertTopic",
                "Effect": "Allow",
                "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                "Resource": self.key_arn,
                "Condition": {"StringEquals": {"kms:ViaService": f"sns.{REGION}.amazonaws.com"}},
            },
            {
                "Sid": "ReadMonitoredStateMachines",
                "Effect": "Allow",
                "Action": "states:ListExecutions",
                "Resource": self.own_machine,
            },
            {
                "Sid": "AssumeMemberRoles",
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": MEMBER_ROLE,
            },
            {
                "Sid": "RememberChecks",
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem"],
                "Resource": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{TABLE}",
            },
        ]


def key_policy(*statements: dict[str, Any]) -> str:
    admin = {
        "Sid": "Admin",
        "Effect": "Allow",
        "Principal": ACCOUNT_ROOT,
        "Action": "kms:*",
        "Resource": "*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [admin, *statements]})


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def lambda_handler(event, context):\n    return None\n")
    return buffer.getvalue()


def deploy(account: Account) -> Deployed:
    iam, kms, sns = client("iam"), client("kms"), client("sns")
    dynamodb, scheduler, events, sqs = (
        client("dynamodb"),
        client("scheduler"),
        client("events"),
        client("sqs"),
    )
    create_state_table(dynamodb, TABLE)
    publishes = {
        **PUBLISH_STATEMENT,
        "Sid": "Publish",
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
    }
    key_arn = kms.create_key(Policy=key_policy(publishes))["KeyMetadata"]["Arn"]
    iam.create_role(
        RoleName=f"{PREFIX}-check",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                    }
                ],
            }
        ),
    )
    topic_arn = sns.create_topic(Name=f"{PREFIX}-alerts", Attributes={"KmsMasterKeyId": key_arn})[
        "TopicArn"
    ]
    function_arn = client("lambda").create_function(
        FunctionName=f"{PREFIX}-check",
        Runtime="python3.13",
        Role=FUNCTION_ROLE,
        Handler="handler.lambda_handler",
        Code={"ZipFile": _zip()},
    )["FunctionArn"]
    own, member = account.state_machine("etl"), member_state_machine()
    for group, names in {NAME: ["etl", "member-etl"], f"{NAME}-audit": ["audit"]}.items():
        scheduler.create_schedule_group(Name=group)
        for name in names:
            scheduler.create_schedule(
                Name=name,
                GroupName=group,
                ScheduleExpression="cron(0 2 * * ? *)",
                FlexibleTimeWindow={"Mode": "OFF"},
                Target={"Arn": function_arn, "RoleArn": account.role_arn},
            )
    events.put_rule(Name=RULE, EventPattern=json.dumps({"source": ["aws.states"]}))
    events.put_targets(Rule=RULE, Targets=[{"Id": "check", "Arn": function_arn}])
    client("cloudwatch").put_metric_alarm(
        AlarmName=ALARM,
        Namespace="AWS/Lambda",
        MetricName="Errors",
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=0,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topic_arn],
        OKActions=[topic_arn],
    )
    queues = {
        use: sqs.create_queue(QueueName=f"{PREFIX}-{suffix}")["QueueUrl"]
        for use, suffix in {
            "undelivered": "scheduler-dlq",
            "check_failures": "check-failures",
        }.items()
    }
    deployed = Deployed(
        manifest=manifest(
            NAME,
            REGION,
            ACCOUNT,
            function_arn=function_arn,
            alert_topic_arn=topic_arn,
            alarm_topic_arn=topic_arn,
            queues=queues,
            failure_rules=[RULE],
            alarms=[ALARM],
            kms_keys={"alert_topic": key_arn},
            key_policies={"alert_topic": [PUBLISH_STATEMENT]},
            roles={"check_function": {"arn": FUNCTION_ROLE, "actions": FUNCTION_ACTIONS}},
        ),
        monitors={
            "etl": monitor(own, failure_rule=RULE),
            "member-etl": monitor(member, role_arn=MEMBER_ROLE),
        },
        key_arn=key_arn,
        function_arn=function_arn,
        topic_arn=topic_arn,
        own_machine=own,
        queues=queues,
    )
    deployed.role_policy(deployed.role_statements())
    deployed.write()
    return deployed


def run(command: str, capsys: pytest.CaptureFixture[str], *flags: str) -> tuple[int, str]:
    """Run a command on the deployment in-process: its exit status and its output."""
    code = main([command, "--name", NAME, "--region", REGION, *flags])
    captured = capsys.readouterr()
    return code, captured.out + captured.err
