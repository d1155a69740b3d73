"""Shared fixtures: an in-process moto account with a state machine and an alert topic
whose messages land on an SQS queue, so tests read what was really published."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core.config import default_user_config

from sfn_deadline_monitor import aws
from sfn_deadline_monitor.alerts import delivery
from testkit import aws_answers, iam_calls, read_once
from testkit.account import REGION, Account
from testkit.state_table import create_state_table


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and a region, so nothing can reach a real account."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def account(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Account]:
    # Executions stay as the tests set them, even after a test ran a moto server (which
    # lets moto execute state machines, process-wide).
    monkeypatch.setitem(default_user_config["stepfunctions"], "execute_state_machine", False)
    aws_answers.install()
    with mock_aws():
        aws.reset_clients()
        account = Account.create(lambda service: boto3.client(service, region_name=REGION))
        monkeypatch.setenv(delivery.TOPIC_ENV, account.topic_arn)

        def count(event_name: str, **_: Any) -> None:
            operation = event_name.rsplit(".", 1)[-1]
            account.calls[operation] = account.calls.get(operation, 0) + 1

        # The handler's own clients, so the count is of the calls the check really made.
        for service in ("stepfunctions", "sns"):
            aws.client(service).meta.events.register("before-call.*.*", count)
        yield account
        aws.reset_clients()


@pytest.fixture
def state_table(account: Account, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The module's state table, as main.tf defines its key, and the function told of it."""
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    create_state_table(dynamodb, "monitor-state")
    monkeypatch.setenv(delivery.STATE_TABLE_ENV, "monitor-state")
    return dynamodb


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> Iterator[None]:
    """After pytest-randomly's shuffle, the 1,000-monitor apply goes first: pytest-xdist
    hands out whole files in this order, and that file, the longest (2 to 3 min), drawn
    last kept a worker busy minutes after the others were done. The other files stay
    shuffled: all the applies first took longer (9 min 28 s where a shuffled order took
    7 min 52 s, one run each), their waits on the provider no longer beside the tests
    that use the CPU."""
    yield
    items.sort(key=lambda item: item.path.name != "test_scale.py")


def pytest_sessionstart(session: pytest.Session) -> None:
    """The run's record of evaluated calls starts empty (once, not in each xdist worker);
    each process parses botocore's models and moto's JSONPaths once (testkit/read_once.py)."""
    read_once.install()
    if not hasattr(session.config, "workerinput"):
        shutil.rmtree(iam_calls.KEPT, ignore_errors=True)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How many distinct calls of the deployed function were evaluated against IAM."""
    pairs = iam_calls.kept()
    if pairs:
        terminalreporter.write_line(
            f"IAM: {len(pairs)} distinct (action, resource) calls of the deployed function, "
            f"{len({action for action, _ in pairs})} actions, each evaluated against the "
            "policies and permissions boundary of the role that made it (testkit/iam_calls.py)"
        )
