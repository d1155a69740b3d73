"""A discovery run at scale: the calls and the time of the audits that onboard, then
re-read, 1,000 state machines tagged at once.

In-process moto: the module's registry with discovery on (testkit/audited_module.py), and
N state machines tagged ``deadline-monitor:deadline`` (with a start check each, so two
schedules a monitor). The audit runs through the handler with Lambda's time budget of
the module's default timeout (120 s), at the Scheduler pace the function keeps
(discovery/run.py). Calls are counted at botocore's boundary. Times are moto's: they
include the pace, which is what bounds a real run. Writes benchmarks/discovery.md:

    make bench-discovery [ARGS="--monitors 1000"]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import boto3
from moto import mock_aws

from benchmarks.check_cost import counted_calls
from benchmarks.tree import REGION, environment
from sfn_deadline_monitor import handler
from sfn_deadline_monitor.alerts import delivery
from sfn_deadline_monitor.discovery.run import SCHEDULER_CALLS_PER_SECOND
from testkit.account import Account
from testkit.audited_module import Module
from testkit.checks import LambdaContext
from testkit.paths import ROOT
from testkit.state_table import create_state_table

OUTPUT = ROOT / "benchmarks" / "discovery.md"
TIMEOUT_MILLIS = 120_000  # variables.tf lambda_timeout's default


def _audit(at: datetime) -> dict[str, Any]:
    payload = {"version": 1, "check": "audit", "scheduled_time": at.strftime("%Y-%m-%dT%H:%M:%SZ")}
    context = LambdaContext(remaining_millis=TIMEOUT_MILLIS, aws_request_id=at.isoformat())
    result: dict[str, Any] = handler.lambda_handler(payload, context)
    return result


def measure(monitors: int) -> list[dict[str, Any]]:
    """Audits until nothing is left to make, then one more (a quiet hour): each one's
    calls, seconds and the schedules made by its end."""
    account = Account.create(lambda service: boto3.client(service, region_name=REGION))  # type: ignore[call-overload]
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    create_state_table(dynamodb, "monitor-state")
    os.environ[delivery.TOPIC_ENV] = account.topic_arn
    os.environ[delivery.STATE_TABLE_ENV] = "monitor-state"
    module = Module(account, dynamodb, {})
    groups = module.enable_discovery()
    for n in range(monitors):
        account.sfn.tag_resource(
            resourceArn=account.state_machine(f"job-{n:04d}"),
            tags=[
                {"key": "deadline-monitor:deadline", "value": "02:00 MON-FRI"},
                {"key": "deadline-monitor:start-by", "value": "01:30"},
                {"key": "team", "value": f"team-{n % 40}"},
            ],
        )
    runs: list[dict[str, Any]] = []
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=12)  # past, hourly
    while True:
        with counted_calls() as calls:
            started = time.perf_counter()
            _audit(at)
            seconds = time.perf_counter() - started
        made = sum(
            len(page["Schedules"])
            for group in groups.values()
            for page in module.scheduler.get_paginator("list_schedules").paginate(GroupName=group)
        )
        runs.append(
            {
                "calls": Counter({op: n for (_, op), n in calls.items()}),
                "seconds": seconds,
                "made": made,
            }
        )
        at += timedelta(hours=1)
        if not any(op in runs[-1]["calls"] for op in ("CreateSchedule", "UpdateSchedule")):
            return runs


def render_page(monitors: int, runs: list[dict[str, Any]], env: dict[str, str]) -> str:
    operations = sorted({op for run in runs for op in run["calls"]})
    header = "| Call | " + " | ".join(f"Audit {n + 1}" for n in range(len(runs))) + " |"
    lines = [
        "# Discovery at scale",
        "",
        "Written by `make bench-discovery` (benchmarks/discovery.py); measured on moto, in "
        f"process. Commit {env['commit']}, {env['date']}; {env['machine']}; Python "
        f"{env['python']}; {env['libraries']}.",
        "",
        f"{monitors} state machines tagged at once, each with a deadline and a start check "
        f"(2 schedules a monitor), audited with Lambda's {TIMEOUT_MILLIS // 1000} s and the "
        f"function's pace of {SCHEDULER_CALLS_PER_SECOND} Scheduler writes a second. Each "
        "audit makes what fits in its time; the last audit changes nothing.",
        "",
        header,
        "|---|" + "---:|" * len(runs),
        *(
            f"| {op} | " + " | ".join(str(run["calls"].get(op, 0)) for run in runs) + " |"
            for op in operations
        ),
        "| **Schedules made by its end** | " + " | ".join(str(r["made"]) for r in runs) + " |",
        "| **Seconds** | " + " | ".join(f"{r['seconds']:.1f}" for r in runs) + " |",
        "",
        "moto ends a GetResources page at 99 resources of 1 tag (its TagsPerPage of 100), "
        "here at 33 of 3 tags; AWS answers the 100 of ResourcesPerPage whatever their tags: "
        f"{-(-monitors // 100)} calls. ListSchedules pages are moto's too.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--monitors", type=int, default=1000)
    args = parser.parse_args(argv)
    settings = {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": REGION,
    }
    with mock.patch.dict(os.environ, settings), mock_aws():
        os.environ.pop("AWS_ENDPOINT_URL", None)
        runs = measure(args.monitors)
    OUTPUT.write_text(render_page(args.monitors, runs, environment()))
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
