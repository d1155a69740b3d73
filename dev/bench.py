"""Benchmarks, side by side in one run, written to benchmarks/README.md.

- Check cost: wall time and AWS API calls of one check with 1, 100 and 1,000 executions in
  the window (handler in-process against moto), next to a "latest execution only" check.
- Cold start: importing the handler next to ``import boto3`` alone (``-X importtime``).
- Terraform: resources, apply and no-op plan times for 1, 10 and 100 monitors against a
  moto server, next to the layout of the template this project grew from (one Lambda,
  role and schedule per state machine).
- The deployment zip's size.

    PYTHONPATH=lambda_src python -m dev.bench [--sizes 1,10,100] [--executions 1,100,1000]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.stepfunctions.models import stepfunctions_backends

from dev.build_lambda_zip import ZIP_PATH
from scripts.moto_server import emulated_aws
from scripts.terraform import terraform
from sfn_deadline_monitor import aws, delivery, handler

ROOT = Path(__file__).resolve().parent.parent

OUTPUT = ROOT / "benchmarks" / "README.md"
WORK = ROOT / ".build" / "bench"
REGION = "us-east-1"
ACCOUNT = "111122223333"
CHECK_REPEATS = 7
IMPORT_REPEATS = 7
PASS_DEFINITION = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})


def _seed_executions(sfn: Any, arn: str, deadline: datetime, in_window: int) -> None:
    """``in_window`` succeeded runs spread over the 3-hour window, and five older ones."""
    for n in range(in_window + 5):
        sfn.start_execution(stateMachineArn=arn, name=f"run-{n:05d}")
    machine = stepfunctions_backends[DEFAULT_ACCOUNT_ID][REGION].describe_state_machine(arn)
    for n, execution in enumerate(sorted(machine.executions, key=lambda e: e.name)):
        minutes_before = 179 * n / in_window if n < in_window else 240 + n
        execution.start_date = deadline - timedelta(minutes=minutes_before + 0.5)
        execution.stop_date = execution.start_date + timedelta(seconds=20)
        execution.status = "SUCCEEDED"


def check_cost(sizes: list[int]) -> list[dict[str, Any]]:
    """One check's wall time and API calls against in-process moto, for each window size,
    next to one ListExecutions call with maxResults=1 (the "latest execution" check)."""
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION=REGION
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    rows = []
    for size in sizes:
        with mock_aws(), contextlib.redirect_stdout(io.StringIO()):
            rows.append(_check_cost(size))
    return rows


def _check_cost(size: int) -> dict[str, Any]:
    aws.reset_clients()
    sfn = boto3.client("stepfunctions", region_name=REGION)
    role = boto3.client("iam").create_role(RoleName="b", AssumeRolePolicyDocument="{}")
    arn = sfn.create_state_machine(
        name="bench", definition=PASS_DEFINITION, roleArn=role["Role"]["Arn"]
    )["stateMachineArn"]
    os.environ[delivery.TOPIC_ENV] = boto3.client("sns").create_topic(Name="b")["TopicArn"]
    deadline = datetime.now(UTC).replace(microsecond=0)
    _seed_executions(sfn, arn, deadline, size)
    event = {
        "version": 1,
        "monitor": "bench",
        "state_machine_arn": arn,
        "lookback_minutes": 180,
        "scheduled_time": deadline.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    calls: list[str] = []
    for service in ("stepfunctions", "sns"):
        aws.client(service).meta.events.register(
            "before-call.*.*", lambda event_name, **_: calls.append(event_name)
        )
    result = handler.lambda_handler(event)
    return {
        "executions": size,
        "verdict": result["status"],
        "check_calls": len(calls),
        "check_ms": _timed(lambda: handler.lambda_handler(event)),
        "latest_calls": 1,
        "latest_ms": _timed(lambda: sfn.list_executions(stateMachineArn=arn, maxResults=1)),
    }


def _timed(action: Callable[[], object]) -> float:
    """Median milliseconds of ``action`` over CHECK_REPEATS runs."""
    samples = []
    for _ in range(CHECK_REPEATS):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def import_times() -> dict[str, float]:
    """Median cumulative import time, in fresh interpreters, as ``-X importtime`` reports."""

    def measure(module: str) -> float:
        samples = []
        for _ in range(IMPORT_REPEATS):
            run = subprocess.run(
                [sys.executable, "-X", "importtime", "-c", f"import {module}"],
                cwd=ROOT / "lambda_src",
                capture_output=True,
                text=True,
                check=True,
            )
            line = next(
                line for line in run.stderr.splitlines() if line.rstrip().endswith(f"| {module}")
            )
            samples.append(int(line.split("|")[1]) / 1e6)
        return statistics.median(samples) * 1000

    return {"boto3": measure("boto3"), "handler": measure("sfn_deadline_monitor.handler")}


def _timed_terraform(directory: Path, *args: str, env: dict[str, str]) -> float:
    """Run one terraform command and return its wall time in seconds."""
    started = time.perf_counter()
    terraform(directory, *args, env=env)
    return time.perf_counter() - started


def terraform_costs(sizes: list[int]) -> list[dict[str, Any]]:
    """Resources, apply and no-op plan time of both layouts, each against a fresh moto."""
    rows = []
    for layout in ("module", "seed-layout"):
        directory = ROOT / "benchmarks" / "roots" / layout
        for size in sizes:
            data_dir = WORK / f"{layout}-{size}"
            shutil.rmtree(data_dir, ignore_errors=True)
            env = {"TF_DATA_DIR": str(data_dir / ".terraform")}
            state = f"-state={data_dir / 'terraform.tfstate'}"
            variables = f"-var=monitors={size}"
            with emulated_aws(REGION):
                terraform(directory, "init", env=env)
                apply = _timed_terraform(
                    directory, "apply", "-auto-approve", state, variables, env=env
                )
                plan = _timed_terraform(
                    directory, "plan", "-detailed-exitcode", state, variables, env=env
                )
                listed = terraform(directory, "state", "list", state, env=env).split()
            resources = len([r for r in listed if ".data." not in f".{r}"])
            print(
                f"  {layout:11} {size:4} monitors: {resources} resources, "
                f"apply {apply:.1f} s, no-op plan {plan:.1f} s",
                flush=True,
            )
            rows.append(
                {
                    "layout": layout,
                    "monitors": size,
                    "resources": resources,
                    "apply_s": apply,
                    "plan_s": plan,
                }
            )
    return rows


def render(
    checks: list[dict[str, Any]],
    imports: dict[str, float],
    terraform: list[dict[str, Any]],
    command: str,
) -> str:
    """The benchmarks page: one markdown table per question, with how it was measured."""
    lines = [
        "# Benchmarks",
        "",
        f"Produced by `{command}` on {datetime.now(UTC):%Y-%m-%d}, "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, against moto (emulated AWS): compare the rows "
        "with each other, not with real AWS latencies.",
        "",
        "## Cost of one check",
        "",
        "A whole check (handler in-process against moto, median of "
        f"{CHECK_REPEATS}), next to a check that reads only the latest execution "
        "(one ListExecutions call with maxResults=1, which cannot see overlapping, late or "
        "missing runs). All runs succeeded, so no alert is published.",
        "",
        "| Executions in the window | Verdict | API calls | Wall time (ms) "
        "| Latest-only API calls | Latest-only wall time (ms) |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['executions']:,} | {r['verdict']} | {r['check_calls']} | {r['check_ms']:.1f} "
        f"| {r['latest_calls']} | {r['latest_ms']:.1f} |"
        for r in checks
    ]
    lines += [
        "",
        "## Cold start",
        "",
        f"Cumulative import time (`python -X importtime`, median of {IMPORT_REPEATS} fresh "
        "interpreters). Clients are created on first use, not at import.",
        "",
        "| Import | Time (ms) |",
        "|---|---:|",
        f"| `import boto3` | {imports['boto3']:.0f} |",
        f"| `import sfn_deadline_monitor.handler` (includes boto3) | {imports['handler']:.0f} |",
        "",
        "## Terraform",
        "",
        "Resources, `terraform apply` and no-op `terraform plan` times against a fresh moto "
        "server, for this module and for the layout of the template this project grew from "
        "(per state machine: a Lambda function with its role and policy, a schedule with its "
        "role and policy). Both roots also create one SNS topic. The module's apply includes "
        "about 25 s that the AWS provider waits after creating an SQS queue.",
        "",
        "| Monitors | Module: resources | Module: apply (s) | Module: plan (s) "
        "| Seed layout: resources | Seed layout: apply (s) | Seed layout: plan (s) "
        "| Resources ratio | Plan time ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    seed = {r["monitors"]: r for r in terraform if r["layout"] == "seed-layout"}
    for r in (r for r in terraform if r["layout"] == "module"):
        s = seed[r["monitors"]]
        lines.append(
            f"| {r['monitors']} | {r['resources']} | {r['apply_s']:.1f} | {r['plan_s']:.1f} "
            f"| {s['resources']} | {s['apply_s']:.1f} | {s['plan_s']:.1f} "
            f"| {s['resources'] / r['resources']:.1f}x | {s['plan_s'] / r['plan_s']:.1f}x |"
        )
    lines += [
        "",
        "## Deployment package",
        "",
        f"`dist/lambda.zip`: {ZIP_PATH.stat().st_size:,} bytes (stored, not compressed, so "
        "that it is byte for byte reproducible; boto3 comes from the Lambda runtime).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--executions", default="1,100,1000", help="window sizes to check")
    parser.add_argument("--sizes", default="1,10,100", help="monitor counts to apply")
    args = parser.parse_args(argv)
    executions = [int(n) for n in args.executions.split(",")]
    sizes = [int(n) for n in args.sizes.split(",")]
    print("check cost ...", flush=True)
    checks = check_cost(executions)
    print("import times ...", flush=True)
    imports = import_times()
    print("terraform ...", flush=True)
    terraform = terraform_costs(sizes)
    command = (
        "make bench" if len(sys.argv) == 1 else "make bench ARGS='" + " ".join(sys.argv[1:]) + "'"
    )
    OUTPUT.write_text(render(checks, imports, terraform, command))
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
