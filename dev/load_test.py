"""Maintainers: 1,000 monitors whose checks fall due in the same minute, against
Step Functions' real throttling.

Runs every check's handler concurrently (50 Lambda environments at a time by default, each
with its own clients) against a moto server on 127.0.0.1 that throttles ListExecutions as
Step Functions does, with a token bucket (by default AWS's figures in us-east-1: 200 calls,
refilled at 5 a second; moto has no throttling), with the state table on and every tenth
check delivered twice (the Scheduler delivers at least once). A check that fails (throttled
beyond botocore's retries, or its twin still in flight) is run again after Lambda's
asynchronous retry delays (1 then 2 minutes by default); one that fails every time would
wait in the check-failures queue. Then it verifies that every check reached the verdict
its scenario calls for, none was lost, none was handled twice, and every alert due was
published exactly once. Bounded: a fixed number of checks, loopback only, a time limit.
The throttling and Lambda's way of running the checks are emulated in
dev/load_emulation.py.

    PYTHONPATH=lambda_src python -m dev.load_test [--checks 1000] [--workers 50]
        [--bucket 200] [--refill 5] [--retry-delays 60,120] [--drained] [--stopped-clock]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import boto3

from dev.load_emulation import Clock, StoppedClock, TokenBucket, invoke_as_lambda
from sfn_deadline_monitor import aws, handler
from sfn_deadline_monitor.alerts import delivery
from testkit.inbox import drain
from testkit.moto_server import emulated_aws
from testkit.state_table import create_state_table

REGION = "us-east-1"
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
class LoadResult:
    checks: int
    workers: int
    wall_seconds: float
    verdicts: Counter[str]
    duplicates_suppressed: int
    duplicates_delivered: int
    wrong_verdicts: list[str]
    lost: list[str]
    lambda_retries: int
    alerts_expected: int
    alerts_published: int
    alerts_by_monitor: Counter[str]
    throttled_calls: int
    list_calls: int

    def problems(self) -> list[str]:
        """Every way the run fell short; empty when nothing was lost."""
        found = [f"wrong verdict: {w}" for w in self.wrong_verdicts]
        found += [f"{name}: still failing after Lambda's retries" for name in self.lost]
        if self.duplicates_suppressed != self.duplicates_delivered:
            found.append(
                f"{self.duplicates_delivered - self.duplicates_suppressed} check(s) delivered "
                "twice were handled twice"
            )
        duplicated = [m for m, n in self.alerts_by_monitor.items() if n > 1]
        if duplicated:
            found.append(f"{len(duplicated)} monitor(s) alerted more than once")
        if self.alerts_published != self.alerts_expected:
            found.append(f"{self.alerts_published} alerts published, {self.alerts_expected} due")
        return found


def run(
    checks: int = 1000,
    workers: int = 50,
    bucket: tuple[int, float] = (200, 5.0),
    retry_delays: tuple[float, ...] = (60.0, 120.0),
    *,
    drained: bool = False,
    stopped_clock: bool = False,
) -> LoadResult:
    """Set up ``checks`` monitors on a fresh moto server, fire them all, verify."""
    with emulated_aws(REGION):
        try:
            clock = StoppedClock() if stopped_clock else Clock()
            throttling = TokenBucket(*bucket, drained=drained, clock=clock)
            return _run(checks, workers, throttling, retry_delays)
        finally:
            aws.reset_clients()


def _run(
    checks: int, workers: int, bucket: TokenBucket, retry_delays: tuple[float, ...]
) -> LoadResult:
    sfn = boto3.client("stepfunctions", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    sns = boto3.client("sns", region_name=REGION)
    role = boto3.client("iam").create_role(RoleName="load", AssumeRolePolicyDocument="{}")
    topic = sns.create_topic(Name="load-alerts")["TopicArn"]
    inbox = sqs.create_queue(QueueName="load-inbox")["QueueUrl"]
    inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=inbox_arn["Attributes"]["QueueArn"])
    os.environ[delivery.TOPIC_ENV] = topic
    # The state table, on by default: it is what keeps a check delivered twice (below,
    # every tenth) from alerting twice.
    create_state_table(boto3.client("dynamodb", region_name=REGION), "load-state")
    os.environ[delivery.STATE_TABLE_ENV] = "load-state"

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
        monitors[name] = (arn, scenario)
    time.sleep(1)  # moto finishes the executions in the background
    bucket.install()

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
    # The Scheduler delivers at least once: every tenth check arrives twice.
    events |= {f"{name} again": events[name] for name in list(events)[::10]}
    started = time.monotonic()
    with contextlib.redirect_stdout(io.StringIO()):
        results, lost, retries = invoke_as_lambda(
            handler.lambda_handler, events, workers, retry_delays, bucket.clock
        )
    wall = time.monotonic() - started

    # Of a check delivered twice, either delivery may be the one that is handled.
    verdict_of = {
        name: results.get(name, {}).get("status") or results.get(f"{name} again", {}).get("status")
        for name in monitors
    }
    wrong = [
        f"{name}: {verdict_of[name]} (expected {scenario})"
        for name, (_, scenario) in monitors.items()
        if verdict_of[name] != scenario
    ]
    twice = [name for name in events if name.endswith(" again")]
    suppressed = sum(
        1
        for name in twice
        if results.get(name, {}).get("duplicate")
        or results.get(name.removesuffix(" again"), {}).get("duplicate")
    )
    alerts = drain(sqs, inbox, wait_seconds=1)
    return LoadResult(
        checks=checks,
        workers=workers,
        wall_seconds=wall,
        verdicts=Counter(v for v in verdict_of.values() if v),
        duplicates_suppressed=suppressed,
        duplicates_delivered=len(twice),
        wrong_verdicts=wrong,
        lost=lost,
        lambda_retries=retries,
        alerts_expected=sum(1 for _, scenario in monitors.values() if scenario != "OK"),
        alerts_published=len(alerts),
        alerts_by_monitor=Counter(a["MessageAttributes"]["monitor"]["Value"] for a in alerts),
        throttled_calls=bucket.throttled,
        list_calls=bucket.calls,
    )


def report(result: LoadResult) -> str:
    return "\n".join(
        [
            f"checks:               {result.checks:,} due at once, "
            f"{result.workers} Lambda environments at a time (each with its own clients)",
            f"verdicts:             {dict(sorted(result.verdicts.items()))}",
            f"delivered twice:      {result.duplicates_delivered:,}, "
            f"{result.duplicates_suppressed:,} of them suppressed by the state table",
            f"lost:                 {len(result.lost)} (still failing after Lambda's retries)",
            f"alerts due/published: {result.alerts_expected:,} / {result.alerts_published:,}"
            f" (monitors alerted more than once: "
            f"{sum(1 for n in result.alerts_by_monitor.values() if n > 1)})",
            f"ListExecutions:       {result.list_calls:,} calls reached the service, "
            f"{result.throttled_calls:,} throttled",
            f"Lambda retries:       {result.lambda_retries:,}",
            f"burst wall time:      {result.wall_seconds:.1f} s",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=50, help="Lambda environments at once")
    parser.add_argument("--bucket", type=int, default=200, help="ListExecutions bucket size")
    parser.add_argument("--refill", type=float, default=5.0, help="tokens added a second")
    parser.add_argument("--retry-delays", default="60,120", help="Lambda's retry delays, seconds")
    parser.add_argument(
        "--drained", action="store_true", help="the bucket starts empty (others used it up)"
    )
    parser.add_argument(
        "--stopped-clock",
        action="store_true",
        help="time passes only between Lambda's attempts: the bucket refills between waves",
    )
    args = parser.parse_args(argv)
    delays = tuple(float(d) for d in args.retry_delays.split(","))
    result = run(
        args.checks,
        args.workers,
        (args.bucket, args.refill),
        delays,
        drained=args.drained,
        stopped_clock=args.stopped_clock,
    )
    print(report(result))
    problems = result.problems()
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
