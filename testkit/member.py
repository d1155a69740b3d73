"""A member account's state machine, read through the member role (modules/member-role)."""

from __future__ import annotations

import boto3
from moto.stepfunctions.models import stepfunctions_backends

from testkit.account import PASS_DEFINITION, REGION
from testkit.events import at

MEMBER_ACCOUNT = "111122223333"


MEMBER_ROLE = f"arn:aws:iam::{MEMBER_ACCOUNT}:role/sfn-deadline-member"


def member_state_machine(region: str = REGION) -> str:
    """A state machine created with the member account's own credentials, in ``region``."""
    credentials = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{MEMBER_ACCOUNT}:role/deployer", RoleSessionName="deploy"
    )["Credentials"]
    sfn = boto3.client(
        "stepfunctions",
        region_name=region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    arn = sfn.create_state_machine(
        name="member-etl",
        definition=PASS_DEFINITION,
        roleArn=f"arn:aws:iam::{MEMBER_ACCOUNT}:role/sfn",
    )["stateMachineArn"]
    run = sfn.start_execution(stateMachineArn=arn, name="run-1")["executionArn"]
    machine = stepfunctions_backends[MEMBER_ACCOUNT][region].describe_state_machine(arn)
    execution = next(e for e in machine.executions if e.execution_arn == run)
    execution.status = "FAILED"
    execution.start_date, execution.stop_date = at("2026-03-10T15:00"), at("2026-03-10T15:05")
    return arn
