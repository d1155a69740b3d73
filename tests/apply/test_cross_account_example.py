"""examples/cross-account applied against moto: the member role lives in the member
account, the check function may assume exactly that role, and the deployed function
reads the member account's executions through it. moto keeps accounts apart by the
credentials a request is signed with, as AWS does (it does not enforce IAM policies)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest
from pytest_terraform import terraform

from testkit.applied import (
    REGION,
    as_list,
    failed_run,
    outputs_of,
    role_policies,
    terraform_plan_exit_code,
)
from testkit.fire_check import invoke_deployed, scheduled_event

# Registers the session fixture `cross_account_example`.
terraform("cross_account_example", scope="session")

MEMBER_ACCOUNT = "111122223333"


@pytest.fixture(scope="session")
def cross(cross_account_example: Any) -> dict[str, Any]:
    return outputs_of(cross_account_example)


def member(cross: dict[str, Any], service: str) -> Any:
    """A client signed as the member account (through its deploy role)."""
    credentials = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=cross["member_deploy_role_arn"], RoleSessionName="test"
    )["Credentials"]
    return boto3.client(
        service,
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def test_member_role_lives_in_the_member_account_and_trusts_only_the_check(
    aws: Any, cross: dict[str, Any]
) -> None:
    assert cross["member_role_arn"].split(":")[4] == MEMBER_ACCOUNT
    role = member(cross, "iam").get_role(RoleName=cross["member_role_arn"].rsplit("/", 1)[-1])
    (trusted,) = role["Role"]["AssumeRolePolicyDocument"]["Statement"]
    monitoring_account = aws("sts").get_caller_identity()["Account"]
    assert trusted["Principal"] == {"AWS": f"arn:aws:iam::{monitoring_account}:root"}
    assert trusted["Condition"] == {"ArnEquals": {"aws:PrincipalArn": cross["lambda_role_arn"]}}
    granted = {
        action: as_list(s["Resource"])
        for s in role_policies(lambda service: member(cross, service), cross["member_role_arn"])
        for action in as_list(s["Action"])
    }
    machine = cross["member_state_machine_arn"]
    assert granted == {
        "states:ListExecutions": [machine],
        "states:DescribeExecution": [machine.replace(":stateMachine:", ":execution:") + ":*"],
        # For the audit, which looks for the monitored state machines: no resource type.
        "states:ListStateMachines": ["*"],
    }


def test_check_may_assume_exactly_the_member_role(aws: Any, cross: dict[str, Any]) -> None:
    granted = {
        action: as_list(s["Resource"])
        for s in role_policies(aws, cross["lambda_role_arn"])
        for action in as_list(s["Action"])
    }
    assert granted["sts:AssumeRole"] == [cross["member_role_arn"]]
    # Its own role reads no state machine: the only one it watches is the member's. (The
    # audit lists this account's state machines, names and types only.)
    assert [action for action in granted if action.startswith("states:")] == [
        "states:ListStateMachines"
    ]
    # Its failure rule waits on this account's bus for events the member forwards.
    (rule,) = aws("events").list_rules()["Rules"]
    pattern = json.loads(rule["EventPattern"])
    assert pattern["detail"]["stateMachineArn"] == [cross["member_state_machine_arn"]]


def test_deployed_function_reads_the_member_accounts_failed_run(
    aws: Any, cross: dict[str, Any]
) -> None:
    run = failed_run(member(cross, "stepfunctions"), cross["member_state_machine_arn"], "member-1")
    # The first scheduled time (whole seconds) after the run ended, on the emulator's clock.
    deadline = (run["stopDate"] + timedelta(seconds=1)).replace(microsecond=0)
    event = scheduled_event(aws("scheduler"), cross["schedule_group_name"], "member-etl", deadline)
    assert event["role_arn"] == cross["member_role_arn"]
    summary = invoke_deployed(aws("lambda"), cross["lambda_function_name"], event, at=deadline)
    assert summary["status"] == "FAILED"
    assert summary["state_machine_arn"] == cross["member_state_machine_arn"]


def test_second_plan_shows_no_changes(cross_account_example: Any) -> None:
    code, output = terraform_plan_exit_code(cross_account_example)
    assert code == 0, output


@pytest.mark.destroys
def test_destroy_leaves_nothing_behind(
    aws: Any, cross: dict[str, Any], cross_account_example: Any
) -> None:
    cross_account_example.terraform.destroy()
    assert aws("lambda").list_functions()["Functions"] == []
    roles = [r["RoleName"] for r in member(cross, "iam").list_roles()["Roles"]]
    assert [r for r in roles if "sfn-deadline" in r] == []
