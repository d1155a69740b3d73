"""What the apply tests share besides their fixtures: fixed clocks, reading an applied
example's outputs, roles and state table, and a failed run of a state machine."""

from __future__ import annotations

import json
import os
import subprocess
import time
from datetime import UTC, datetime
from typing import Any

REGION = "us-east-1"


# Fixed clocks for the tests whose outcome depends on when they run. In 2099: after every
# run a test starts and every schedule change it makes (the audit ignores fire times
# before a schedule's last change), so no run on the emulator falls in a window they check.
# CLOCKS spread over a day (11:45 and 13:25 UTC are when CI once failed).
CLOCKS = [
    datetime(2099, 1, 5, 0, 0, tzinfo=UTC),
    datetime(2099, 1, 6, 3, 30, tzinfo=UTC),
    datetime(2099, 1, 7, 11, 45, tzinfo=UTC),
    datetime(2099, 1, 8, 13, 25, tzinfo=UTC),
    datetime(2099, 1, 9, 16, 59, tzinfo=UTC),
    datetime(2099, 1, 10, 17, 0, tzinfo=UTC),
    datetime(2099, 1, 11, 21, 40, tzinfo=UTC),
]


# DST_CLOCKS, with the zone name that Europe/Berlin's next weekday 06:30 after each has:
# on both sides of Europe's 2099 changes (summer time from 03-29, winter time from 10-25).
DST_CLOCKS = [
    (datetime(2099, 3, 26, 12, 0, tzinfo=UTC), "CET"),
    (datetime(2099, 3, 27, 12, 0, tzinfo=UTC), "CEST"),
    (datetime(2099, 10, 22, 12, 0, tzinfo=UTC), "CEST"),
    (datetime(2099, 10, 24, 12, 0, tzinfo=UTC), "CET"),
]


def clock_id(clock: datetime) -> str:
    return clock.strftime("%Y-%m-%dT%H:%M")


def terraform_plan_exit_code(state: Any, *options: str) -> tuple[int, str]:
    """Run ``terraform plan -detailed-exitcode`` (with ``options``) on a pytest-terraform
    fixture's state: 0 means no changes, 2 means changes, 1 an error."""
    runner = state.terraform
    result = subprocess.run(
        [
            runner.tf_bin or "terraform",
            "plan",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
            f"-state={runner.state_path}",
            *options,
        ],
        cwd=str(runner.module_dir),
        env={**os.environ, "TF_DATA_DIR": str(runner.work_dir), "TF_IN_AUTOMATION": "yes"},
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def outputs_of(state: Any) -> dict[str, Any]:
    """A pytest-terraform fixture's root module outputs, by name."""
    return {name: output["value"] for name, output in state.outputs.items()}


def policy_documents(aws: Any, role_arn: str) -> dict[str, str]:
    """Every policy of a role, inline and attached, by name: the JSON as IAM (here moto)
    holds it, to read its statements and to measure it against IAM's size limits."""
    iam = aws("iam")
    name = role_arn.rsplit("/", 1)[-1]
    documents = {}
    for policy_name in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"]
        documents[f"inline:{policy_name}"] = document
    for attached in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
        version = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]["DefaultVersionId"]
        documents[f"managed:{attached['PolicyName']}"] = iam.get_policy_version(
            PolicyArn=attached["PolicyArn"], VersionId=version
        )["PolicyVersion"]["Document"]
    return {
        key: document if isinstance(document, str) else json.dumps(document)
        for key, document in documents.items()
    }


def role_policies(aws: Any, role_arn: str) -> list[dict[str, Any]]:
    """Every statement of a role's inline and attached policies."""
    return [
        statement
        for document in policy_documents(aws, role_arn).values()
        for statement in json.loads(document)["Statement"]
    ]


def as_list(value: str | list[str]) -> list[str]:
    """An IAM Action or Resource, which may be one string or a list, as a list."""
    return [value] if isinstance(value, str) else list(value)


def table_items(aws: Any, table: str) -> dict[str, dict[str, Any]]:
    """Every item of a state table, by its key."""
    pages = aws("dynamodb").get_paginator("scan").paginate(TableName=table, ConsistentRead=True)
    return {item["pk"]["S"]: item for page in pages for item in page["Items"]}


def failed_run(sfn: Any, state_machine_arn: str, name: str) -> dict[str, Any]:
    """Start a run that the test state machines fail ({"fail": true}), wait until moto has
    run it, and return DescribeExecution's answer."""
    execution_arn = sfn.start_execution(
        stateMachineArn=state_machine_arn, name=name, input=json.dumps({"fail": True})
    )["executionArn"]
    run: dict[str, Any] = {}
    for _ in range(50):
        run = sfn.describe_execution(executionArn=execution_arn)
        if run["status"] != "RUNNING":
            break
        time.sleep(0.1)
    assert run["status"] == "FAILED", run
    return run
