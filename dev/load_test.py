"""Load test: 1,000 monitors whose checks all fire in the same minute, with throttling.

Runs every check's handler concurrently (50 threads at a time by default, each with its own
clients as each Lambda environment has) against a moto server on 127.0.0.1, while the
server answers ThrottlingException to the first 0, 1 or 2 ListExecutions calls of each
state machine (a third of all checks are throttled once, a third twice). Then
it verifies that every check reached the verdict its scenario calls for and that every
alert due was published exactly once, and reports how long the burst took and how many
retries it needed. Bounded: a fixed number of checks, loopback only, a time limit.

    PYTHONPATH=lambda_src python -m dev.load_test [--checks 1000] [--workers 50]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from moto.core.exceptions import JsonRESTError
from moto.stepfunctions.responses import StepFunctionResponse

from scripts.moto_server import emulated_aws
from sfn_deadline_monitor import aws, delivery, handler

REGION = "us-east-1"
TIME_LIMIT_SECONDS = 300
SCENARIOS = ("OK", "FAILED", "LATE", "MISSING")
DEFINITION = json.dumps(
    {
        "StartAt": "Scenario",
        "States": {
            "Scenario": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.scenario", "StringEquals": "FAILED", "Next": "Fail"},
                    {"Variable": "$.scenario", "StringEquals": "LATE", "Next": "Wait"},
                ],
                "Default": "Done",
            },
            "Wait": {"Type": "Wait", "Seconds": 3600, "Next": "Done"},
            "Done": {"Type": "Pass", "End": True},
            "Fail": {"Type": "Fail", "Error": "Load.Failed", "Cause": "injected"},
        },
    }
)


@dataclass
class ThrottleInjector:
    """Answers ThrottlingException to the first ``quota[arn]`` ListExecutions calls."""

    quota: dict[str, int] = field(default_factory=dict)
    seen: Counter[str] = field(default_factory=Counter)
    injected: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self) -> None:
        original = StepFunctionResponse.list_executions
        injector = self

        def list_executions(response: StepFunctionResponse) -> Any:
            arn = response._get_param("stateMachineArn")
            with injector.lock:
                injector.seen[arn] += 1
                throttle = injector.seen[arn] <= injector.quota.get(arn, 0)
                injector.injected += throttle
            if throttle:
                raise JsonRESTError("ThrottlingException", "Rate exceeded")
            return original(response)

        StepFunctionResponse.list_executions = list_executions


@dataclass
class LoadResult:
    checks: int
    workers: int
    wall_seconds: float
    verdicts: Counter[str]
    wrong_verdicts: list[str]
    alerts_expected: int
    alerts_published: int
    alerts_by_monitor: Counter[str]
    throttles_injected: int
    list_calls: int
    list_attempts: int

    @property
    def retries(self) -> int:
        return self.list_attempts - self.list_calls

    def problems(self) -> list[str]:
        """Every way the run fell short; empty when nothing was lost."""
        found = [f"wrong verdict: {w}" for w in self.wrong_verdicts]
        duplicated = [m for m, n in self.alerts_by_monitor.items() if n > 1]
        if duplicated:
            found.append(f"{len(duplicated)} monitor(s) alerted more than once")
        if self.alerts_published != self.alerts_expected:
            found.append(f"{self.alerts_published} alerts published, {self.alerts_expected} due")
        if sum(self.verdicts.values()) != self.checks:
            found.append(f"{sum(self.verdicts.values())} verdicts for {self.checks} checks")
        return found


def run(checks: int = 1000, workers: int = 50) -> LoadResult:
    """Set up ``checks`` monitors on a fresh moto server, fire them all, verify."""
    with emulated_aws(REGION):
        try:
            return _run(checks, workers)
        finally:
            aws.reset_clients()


def _run(checks: int, workers: int) -> LoadResult:
    sfn = boto3.client("stepfunctions", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    sns = boto3.client("sns", region_name=REGION)
    role = boto3.client("iam").create_role(RoleName="load", AssumeRolePolicyDocument="{}")
    topic = sns.create_topic(Name="load-alerts")["TopicArn"]
    inbox = sqs.create_queue(QueueName="load-inbox")["QueueUrl"]
    inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=inbox_arn["Attributes"]["QueueArn"])
    os.environ[delivery.TOPIC_ENV] = topic

    injector = ThrottleInjector()
    monitors: dict[str, tuple[str, str]] = {}
    for n in range(checks):
        name, scenario = f"job-{n:04d}", SCENARIOS[n % len(SCENARIOS)]
        arn = sfn.create_state_machine(
            name=name, definition=DEFINITION, roleArn=role["Role"]["Arn"]
        )["stateMachineArn"]
        if scenario != "MISSING":
            sfn.start_execution(
                stateMachineArn=arn, name=f"{name}-run", input=json.dumps({"scenario": scenario})
            )
        injector.quota[arn] = n % 3
        monitors[name] = (arn, scenario)
    time.sleep(1)  # moto finishes the executions in the background
    injector.install()

    aws.reset_clients()
    deadline = (datetime.now(UTC) + timedelta(seconds=1)).replace(microsecond=0)
    events = {
        name: {
            "version": 1,
            "monitor": name,
            "state_machine_arn": arn,
            "lookback_minutes": 60,
            "scheduled_time": deadline.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "attempt_number": "1",
        }
        for name, (arn, _) in monitors.items()
    }
    started = time.monotonic()
    with contextlib.redirect_stdout(io.StringIO()), ThreadPoolExecutor(workers) as pool:
        futures = {name: pool.submit(handler.lambda_handler, e) for name, e in events.items()}
        results = {name: f.result(timeout=TIME_LIMIT_SECONDS) for name, f in futures.items()}
    wall = time.monotonic() - started

    wrong = [
        f"{name}: {results[name]['status']} (expected {scenario})"
        for name, (_, scenario) in monitors.items()
        if results[name]["status"] != scenario
    ]
    alerts = _drain(sqs, inbox)
    by_monitor = Counter(a["MessageAttributes"]["monitor"]["Value"] for a in alerts)
    return LoadResult(
        checks=checks,
        workers=workers,
        wall_seconds=wall,
        verdicts=Counter(r["status"] for r in results.values()),
        wrong_verdicts=wrong,
        alerts_expected=sum(1 for _, scenario in monitors.values() if scenario != "OK"),
        alerts_published=len(alerts),
        alerts_by_monitor=by_monitor,
        throttles_injected=injector.injected,
        list_calls=sum(r["list_calls"] or 0 for r in results.values()),
        list_attempts=sum(injector.seen.values()),  # what the server received
    )


def _drain(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    received = []
    while batch := sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
    ).get("Messages", []):
        received += [json.loads(m["Body"]) for m in batch]
        sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)
            ],
        )
    return received


def report(result: LoadResult) -> str:
    return "\n".join(
        [
            f"checks:               {result.checks:,} due at once, "
            f"{result.workers} in flight at a time (each with its own clients)",
            f"verdicts:             {dict(sorted(result.verdicts.items()))}",
            f"alerts due/published: {result.alerts_expected:,} / {result.alerts_published:,}"
            f" (monitors alerted more than once: "
            f"{sum(1 for n in result.alerts_by_monitor.values() if n > 1)})",
            f"throttles injected:   {result.throttles_injected:,}",
            f"ListExecutions:       {result.list_calls:,} calls, "
            f"{result.list_attempts:,} attempts ({result.retries:,} retries)",
            f"burst wall time:      {result.wall_seconds:.1f} s",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=50, help="checks in flight at once")
    args = parser.parse_args(argv)
    result = run(args.checks, args.workers)
    print(report(result))
    problems = result.problems()
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
