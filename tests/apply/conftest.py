"""Terraform applied against a moto server on 127.0.0.1.

Each pytest process (each xdist worker) serves its own emulator (testkit/moto_server.py)
for as long as it runs, unless MOTO_ENDPOINT names one already (`python -m
testkit.moto_server -- pytest` does). Terraform and boto3 find it through
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

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from testkit import call_recorder, fire_check, iam_calls
from testkit.applied import REGION, table_items
from testkit.inbox import Inbox
from testkit.moto_server import aws_environment
from testkit.paths import ROOT


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
            [sys.executable, "-m", "testkit.moto_server", "--port", "0"],
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


@pytest.fixture(scope="session", autouse=True)
def calls_allowed_by_iam(
    moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Every call the deployed function makes is one AWS would allow: testkit/fire_check.py
    records them, and as soon as the function returns each is evaluated against the
    policies and permissions boundary of the role that made it, as applied
    (testkit/iam_calls.py); the test that ran it fails naming what AWS would deny.
    Each distinct call is counted for the run's summary."""
    log = tmp_path_factory.mktemp("calls") / "calls.jsonl"
    log.touch()
    os.environ[call_recorder.LOG_ENV] = str(log)
    offset = 0

    def evaluate() -> None:
        nonlocal offset
        recorded, offset = iam_calls.read(log, offset)
        account = boto3.client("sts", region_name=REGION).get_caller_identity()["Account"]
        calls = iam_calls.with_keys(recorded, account, REGION)
        iam_calls.keep(calls, os.environ.get("PYTEST_XDIST_WORKER", "main"))
        denials = iam_calls.denied(calls, account, REGION)
        assert not denials, "AWS would deny the function:\n" + "\n".join(denials)

    fire_check.after_invocation.append(evaluate)
    yield
    fire_check.after_invocation.remove(evaluate)
    del os.environ[call_recorder.LOG_ENV]
