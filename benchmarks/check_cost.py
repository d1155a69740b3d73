"""One check's cost: every AWS API call it makes, and its wall time.

The handler runs in-process against moto with the state table on, as the module deploys
it by default, so that the calls counted are the ones a check makes on AWS: counted at
botocore's boundary, by service and operation, because that is what AWS bills and
throttles. Each timed check is the monitor's next scheduled check after a first one has
stored its status, the state every check but a monitor's first one finds.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import boto3
from botocore.client import BaseClient
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.stepfunctions.models import stepfunctions_backends

from benchmarks.tree import NAME, REGION
from sfn_deadline_monitor import aws, handler
from sfn_deadline_monitor.alerts import delivery
from testkit.state_table import create_state_table

CHECK_REPEATS = 7
PASS_DEFINITION = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
# The module's state table's name in benchmarks/roots/module.
STATE_TABLE = f"{NAME}-sfn-deadline-state"
DYNAMODB_WRITES = {"PutItem", "UpdateItem", "DeleteItem"}
DYNAMODB_READS = {"GetItem"}


@dataclass(frozen=True)
class Scenario:
    """A window to check: ``in_window`` runs, the newest of them ending ``latest``."""

    label: str
    in_window: int
    latest: str = "SUCCEEDED"


@contextlib.contextmanager
def counted_calls() -> Iterator[Counter[tuple[str, str]]]:
    """Every AWS API call any boto3 client makes meanwhile, by (service, operation),
    counted once per call as the code makes it (botocore's retries are not calls)."""
    calls: Counter[tuple[str, str]] = Counter()
    original = BaseClient._make_api_call  # type: ignore[attr-defined]  # botocore's, unstubbed

    def counting(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        calls[(client.meta.service_model.service_name, operation)] += 1
        return original(client, operation, params)

    with mock.patch.object(BaseClient, "_make_api_call", counting):
        yield calls


def service_calls(calls: Counter[tuple[str, str]], service: str) -> int:
    return sum(n for (s, _), n in calls.items() if s == service)


def dynamodb_calls(calls: Counter[tuple[str, str]], operations: set[str]) -> int:
    return sum(n for (s, op), n in calls.items() if s == "dynamodb" and op in operations)


def by_operation(calls: Counter[tuple[str, str]]) -> str:
    return ", ".join(f"{op} {n}" for (_, op), n in sorted(calls.items())) or "none"


def _seed_executions(sfn: Any, arn: str, deadline: datetime, in_window: int, latest: str) -> None:
    """``in_window`` runs spread over the 3-hour window before ``deadline`` (the newest
    ending ``latest``, the others SUCCEEDED), and five older ones that succeeded."""
    for n in range(in_window + 5):
        sfn.start_execution(stateMachineArn=arn, name=f"run-{n:05d}")
    machine = stepfunctions_backends[DEFAULT_ACCOUNT_ID][REGION].describe_state_machine(arn)
    for n, execution in enumerate(sorted(machine.executions, key=lambda e: e.name)):
        minutes_before = 179 * n / in_window if n < in_window else 240 + n
        execution.start_date = deadline - timedelta(minutes=minutes_before + 0.5)
        execution.stop_date = execution.start_date + timedelta(seconds=20)
        execution.status = latest if n == 0 else "SUCCEEDED"
        if execution.status == "FAILED":
            execution.error, execution.cause = "Bench.Failed", "seeded by benchmarks/check_cost.py"


def check_cost(sizes: list[int]) -> list[dict[str, Any]]:
    """Each scenario's calls and wall time, on an in-process moto of its own."""
    scenarios = [Scenario(f"{n:,} succeeded", n) for n in sizes] + [
        Scenario("1 failed", 1, "FAILED"),
        Scenario("none (missing)", 0),
    ]
    credentials = {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": REGION,
    }
    rows = []
    with mock.patch.dict(os.environ, credentials):
        os.environ.pop("AWS_ENDPOINT_URL", None)
        for scenario in scenarios:
            with mock_aws(), contextlib.redirect_stdout(io.StringIO()):
                rows.append(_check_cost(scenario))
            print(f"  {scenario.label}: {rows[-1]['calls']}", flush=True)
    return rows


def _check_cost(scenario: Scenario) -> dict[str, Any]:
    aws.reset_clients()
    sfn = boto3.client("stepfunctions", region_name=REGION)
    role = boto3.client("iam").create_role(RoleName="b", AssumeRolePolicyDocument="{}")
    arn = sfn.create_state_machine(
        name="bench", definition=PASS_DEFINITION, roleArn=role["Role"]["Arn"]
    )["stateMachineArn"]
    os.environ[delivery.TOPIC_ENV] = boto3.client("sns").create_topic(Name="b")["TopicArn"]
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    # The module's table (state.tf): one string key, on demand.
    create_state_table(dynamodb, STATE_TABLE)
    os.environ[delivery.STATE_TABLE_ENV] = STATE_TABLE
    first = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    _seed_executions(sfn, arn, first, scenario.in_window, scenario.latest)

    def event(deadline: datetime) -> dict[str, Any]:
        return {
            "version": 1,
            "monitor": "bench",
            "state_machine_arn": arn,
            "lookback_minutes": 180,
            "scheduled_time": deadline.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    # The monitor's first check stores its status; each timed one is the next scheduled
    # check (a second later: a claim of its own, the same runs in its window).
    handler.lambda_handler(event(first))
    checks = [event(first + timedelta(seconds=n)) for n in range(1, CHECK_REPEATS + 1)]
    verdicts, check = _measured(lambda n: handler.lambda_handler(checks[n]))
    _, latest_only = _measured(lambda _: sfn.list_executions(stateMachineArn=arn, maxResults=1))
    items = dynamodb.scan(TableName=STATE_TABLE)["Items"]
    return {
        "label": scenario.label,
        "executions": scenario.in_window,
        "verdict": "/".join(sorted({str(v["status"]) for v in verdicts})),
        "calls": check["calls"],
        "check_ms": check["ms"],
        "latest_calls": latest_only["calls"],
        "latest_ms": latest_only["ms"],
        # An upper bound of DynamoDB's item size (names and values, as JSON).
        "largest_item_bytes": max(len(json.dumps(item)) for item in items),
    }


def _measured(action: Callable[[int], Any]) -> tuple[list[Any], dict[str, Any]]:
    """``action``'s results over CHECK_REPEATS runs, its median milliseconds and the API
    calls of one run (every run must make the same calls)."""
    results, samples, counts = [], [], []
    for n in range(CHECK_REPEATS):
        with counted_calls() as calls:
            started = time.perf_counter()
            results.append(action(n))
            samples.append(time.perf_counter() - started)
        counts.append(calls)
    if any(c != counts[0] for c in counts):
        raise RuntimeError(f"the same check made different calls: {counts}")
    return results, {"ms": statistics.median(samples) * 1000, "calls": counts[0]}
