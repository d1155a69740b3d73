"""Terraform applied against a moto server on 127.0.0.1.

Each pytest process (each xdist worker) serves its own emulator (scripts/moto_server.py)
for as long as it runs, unless MOTO_ENDPOINT names one already (`python -m
scripts.moto_server -- pytest` does). Terraform and boto3 find it through
AWS_ENDPOINT_URL, so the module and the examples are applied exactly as a user would
apply them, with no provider changes.

The tests of a file share one apply, yet pass in any order (`make test-order` runs them
reversed; pytest-randomly shuffles every run): each test reads only the alerts published
while it ran (its own ``Inbox``), finds the state table as the apply left it and leaves it
so (``keep_state_table``), restores what else it changes, and takes its times from
the runs it started or from ``CLOCKS``, never from the time of day it happens to run at.
Only the test marked ``destroys`` ends the apply, so it runs after the others.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from scripts import call_recorder, fire_check
from scripts.inbox import Inbox
from scripts.moto_server import aws_environment
from tests.apply import iam_calls

ROOT = Path(__file__).resolve().parents[2]

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


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> Iterator[None]:
    """After any reordering, a test marked ``destroys`` moves behind the other tests of its
    file: it ends the apply they share. pytest-randomly and pytest-reverse wrap this hook
    too (tryfirst); a conftest registers after them, so its wrapper is entered first and
    finishes last, after their reordering."""
    yield
    last = {item.nodeid for item in items if item.get_closest_marker("destroys")}
    position: dict[str, int] = {}
    for index, item in enumerate(items):
        position.setdefault(str(item.path), index)
    items.sort(key=lambda item: (position[str(item.path)], item.nodeid in last))


@pytest.fixture(scope="session", autouse=True)
def moto_endpoint() -> Iterator[str]:
    endpoint = os.environ.get("MOTO_ENDPOINT")
    server = None
    if not endpoint:
        server = subprocess.Popen(
            [sys.executable, "-m", "scripts.moto_server", "--port", "0"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert server.stdout is not None
        ready = server.stdout.readline().split()
        if ready[:1] != ["ready"]:
            server.kill()
            pytest.fail(f"the moto server did not start: {ready}")
        endpoint = ready[1]
    saved = dict(os.environ)
    os.environ.update(aws_environment(endpoint, REGION))
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    yield endpoint
    os.environ.clear()
    os.environ.update(saved)
    if server is not None:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="session")
def aws() -> Any:
    """boto3 clients on the moto server, by service name: ``aws("lambda")``."""
    return lambda service: boto3.client(service, region_name=REGION)


def terraform_plan_exit_code(state: Any) -> tuple[int, str]:
    """Run ``terraform plan -detailed-exitcode`` on a pytest-terraform fixture's state:
    0 means no changes, 2 means changes, 1 an error."""
    runner = state.terraform
    result = subprocess.run(
        [
            runner.tf_bin or "terraform",
            "plan",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
            f"-state={runner.state_path}",
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


@pytest.fixture
def subscribe(aws: Any) -> Iterator[Callable[[str], Inbox]]:
    """``subscribe(topic_arn)``: an Inbox of that topic, removed after the test."""
    opened: list[Inbox] = []

    def open_inbox(topic_arn: str) -> Inbox:
        opened.append(Inbox(aws, topic_arn))
        return opened[-1]

    yield open_inbox
    for inbox in opened:
        inbox.close()


def table_items(aws: Any, table: str) -> dict[str, dict[str, Any]]:
    """Every item of a state table, by its key."""
    pages = aws("dynamodb").get_paginator("scan").paginate(TableName=table, ConsistentRead=True)
    return {item["pk"]["S"]: item for page in pages for item in page["Items"]}


@pytest.fixture
def keep_state_table(aws: Any) -> Iterator[Callable[[str], None]]:
    """``keep_state_table(table)``: after the test, the table holds what it held before
    (items the test wrote are deleted, those it changed or deleted are put back), so
    that no test meets another's statuses, claims or open problems."""
    kept: dict[str, dict[str, dict[str, Any]]] = {}
    yield lambda table: kept.setdefault(table, table_items(aws, table))
    dynamodb = aws("dynamodb")
    for table, before in kept.items():
        after = table_items(aws, table)
        for key in after.keys() - before.keys():
            dynamodb.delete_item(TableName=table, Key={"pk": {"S": key}})
        for key, item in before.items():
            if after.get(key) != item:
                dynamodb.put_item(TableName=table, Item=item)


def failed_run(sfn: Any, state_machine_arn: str, name: str) -> dict[str, Any]:
    """Start a run that the test state machines fail ({"fail": true}), wait until moto has
    run it, and return DescribeExecution's answer."""
    execution_arn = sfn.start_execution(
        stateMachineArn=state_machine_arn, name=name, input=json.dumps({"fail": True})
    )["executionArn"]
    for _ in range(50):
        run = sfn.describe_execution(executionArn=execution_arn)
        if run["status"] != "RUNNING":
            break
        time.sleep(0.1)
    assert run["status"] == "FAILED", run
    return run


@pytest.fixture(scope="session", autouse=True)
def calls_allowed_by_iam(
    moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Every call the deployed function makes is one AWS would allow: scripts/fire_check.py
    records them, and as soon as the function returns each is evaluated against the
    policies and permissions boundary of the role that made it, as applied
    (tests/apply/iam_calls.py); the test that ran it fails naming what AWS would deny.
    Each distinct call is counted for the run's summary."""
    log = tmp_path_factory.mktemp("calls") / "calls.jsonl"
    log.touch()
    os.environ[call_recorder.LOG_ENV] = str(log)
    offset = 0

    def evaluate() -> None:
        nonlocal offset
        calls, offset = iam_calls.read(log, offset)
        account = boto3.client("sts", region_name=REGION).get_caller_identity()["Account"]
        iam_calls.keep(calls, os.environ.get("PYTEST_XDIST_WORKER", "main"))
        denials = iam_calls.denied(calls, account, REGION)
        assert not denials, "AWS would deny the function:\n" + "\n".join(denials)

    fire_check.after_invocation.append(evaluate)
    yield
    fire_check.after_invocation.remove(evaluate)
    del os.environ[call_recorder.LOG_ENV]
