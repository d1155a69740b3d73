"""Maintainers: the module's benchmarks, every figure measured in one run and written to
benchmarks/README.md, which nothing else writes.

What it measures, and why:

- **One check's cost.** The handler runs in-process against moto with the state table on,
  as the module deploys it by default (``STATE_TABLE_NAME`` set, the table created with
  the module's key schema). Every AWS API call is counted at botocore's boundary, by
  service and operation, and the wall time is the median of several checks, each a new
  scheduled check (its own claim in the table) after a first one has stored the
  monitor's status. Windows of 1, 100 and 1,000 successful runs, and one failed and one
  missing run, show what pages, alerts and the state table add. Next to it, a check that
  reads only the latest execution (one ListExecutions call with maxResults=1), counted
  and timed the same way. The counts are what a check costs on AWS; the times only
  compare rows of one run.
- **A month of one daily monitor.** The requests above times the checks of a month,
  priced at the list prices in PRICES: the cost text the README links to, computed here
  rather than typed.
- **Cold start.** Importing the handler next to ``import boto3`` alone (``-X importtime``).
- **Terraform at 1, 10, 100 and 1,000 monitors** (beyond 200 with a read scope, as the
  module requires). Resources, apply and no-op plan times on a fresh moto server each,
  and every size an AWS limit bounds (dev/aws_limits.py) measured from what was deployed,
  because moto enforces none of them (an apply that works here may be refused by AWS
  for a size). Where each apply's time goes, measured rather than assumed: each
  resource's creation is timed from Terraform's streamed output and each request from
  the emulator (in this process), and the provider's waits are the seconds in which only
  resources that took WAIT_SECONDS or more were being created while the emulator was
  idle.
- **The seed template's layout** (one Lambda, role and schedule per state machine) next
  to the module up to 100 monitors: the comparison the project grew from.
- **The deployment zip's size.**

The tree is copied when the run starts (TREE) and Terraform and the import times run
from the copy, so that what others change in the working tree meanwhile cannot mix into
one run's figures; the page names the commit and whether the tree had changes.

    PYTHONPATH=lambda_src python -m dev.bench [--executions 1,100,1000]
        [--sizes 1,10,100,1000] [--seed-sizes 1,10,100]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import math
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
import botocore
import moto
from botocore.client import BaseClient
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.stepfunctions.models import stepfunctions_backends

from dev.aws_limits import LIMITS, measure
from dev.build_lambda_zip import ZIP_PATH
from scripts.moto_server import emulated_aws
from scripts.terraform import terraform
from sfn_deadline_monitor import aws, delivery, handler

ROOT = Path(__file__).resolve().parent.parent

OUTPUT = ROOT / "benchmarks" / "README.md"
WORK = ROOT / ".build" / "bench"
# The tree as it was when the run started: Terraform and the import times run from this
# copy, so that edits made to the working tree during a run do not reach the figures.
TREE = WORK / "tree"
REGION = "us-east-1"
CHECK_REPEATS = 7
IMPORT_REPEATS = 7
PASS_DEFINITION = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
# The module's name in benchmarks/roots/module, and its state table's name there.
NAME = "bench"
STATE_TABLE = f"{NAME}-sfn-deadline-state"
# A resource whose creation takes this long is the provider waiting: moto answers in ms.
WAIT_SECONDS = 10.0
# A daily monitor's checks in a 30-day month.
CHECKS_A_MONTH = 30
# DynamoDB bills a write per started KB of the item, a strongly consistent read per 4 KB.
WRITE_UNIT_BYTES = 1024
READ_UNIT_BYTES = 4096
DYNAMODB_WRITES = {"PutItem", "UpdateItem", "DeleteItem"}
DYNAMODB_READS = {"GetItem"}
SERVICES = {"stepfunctions": "Step Functions", "dynamodb": "DynamoDB", "sns": "SNS"}


@dataclass(frozen=True)
class Price:
    """A us-east-1 list price in dollars per request (unit), where it is published."""

    dollars: float
    unit: str
    source: str


PRICES = {
    "scheduler": Price(
        1.00 / 1e6,
        "invocation (after 14 million free a month)",
        "https://aws.amazon.com/eventbridge/pricing/",
    ),
    "write": Price(
        0.625 / 1e6,
        "write request unit (on demand)",
        "https://aws.amazon.com/dynamodb/pricing/on-demand/",
    ),
    "read": Price(
        0.125 / 1e6,
        "read request unit (on demand)",
        "https://aws.amazon.com/dynamodb/pricing/on-demand/",
    ),
}


@dataclass(frozen=True)
class Scenario:
    """A window to check: ``in_window`` runs, the newest of them ending ``latest``."""

    label: str
    in_window: int
    latest: str = "SUCCEEDED"


# --- One check ---------------------------------------------------------------------------


@contextlib.contextmanager
def counted_calls() -> Iterator[Counter[tuple[str, str]]]:
    """Every AWS API call any boto3 client makes meanwhile, by (service, operation),
    counted once per call as the code makes it (botocore's retries are not calls)."""
    calls: Counter[tuple[str, str]] = Counter()
    original = BaseClient._make_api_call

    def counting(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        calls[(client.meta.service_model.service_name, operation)] += 1
        return original(client, operation, params)

    with mock.patch.object(BaseClient, "_make_api_call", counting):
        yield calls


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
            execution.error, execution.cause = "Bench.Failed", "seeded by dev/bench.py"


def check_cost(sizes: list[int]) -> list[dict[str, Any]]:
    """Each scenario's calls and wall time, on an in-process moto of its own."""
    scenarios = [Scenario(f"{n:,} succeeded", n) for n in sizes] + [
        Scenario("1 failed", 1, "FAILED"),
        Scenario("none (missing)", 0),
    ]
    saved = dict(os.environ)
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION=REGION
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    rows = []
    try:
        for scenario in scenarios:
            with mock_aws(), contextlib.redirect_stdout(io.StringIO()):
                rows.append(_check_cost(scenario))
            print(f"  {scenario.label}: {rows[-1]['calls']}", flush=True)
    finally:
        os.environ.clear()
        os.environ.update(saved)
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
    dynamodb.create_table(
        TableName=STATE_TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
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


def _service_calls(calls: Counter[tuple[str, str]], service: str) -> int:
    return sum(n for (s, _), n in calls.items() if s == service)


def _dynamodb(calls: Counter[tuple[str, str]], operations: set[str]) -> int:
    return sum(n for (s, op), n in calls.items() if s == "dynamodb" and op in operations)


def _operations(calls: Counter[tuple[str, str]]) -> str:
    return ", ".join(f"{op} {n}" for (_, op), n in sorted(calls.items())) or "none"


# --- Cold start --------------------------------------------------------------------------


def import_times() -> dict[str, float]:
    """Median cumulative import time, in fresh interpreters, as ``-X importtime`` reports."""

    def measure_import(module: str) -> float:
        samples = []
        for _ in range(IMPORT_REPEATS):
            run = subprocess.run(
                [sys.executable, "-X", "importtime", "-c", f"import {module}"],
                cwd=TREE / "lambda_src",
                capture_output=True,
                text=True,
                check=True,
            )
            line = next(
                line for line in run.stderr.splitlines() if line.rstrip().endswith(f"| {module}")
            )
            samples.append(int(line.split("|")[1]) / 1e6)
        return statistics.median(samples) * 1000

    return {
        "boto3": measure_import("boto3"),
        "handler": measure_import("sfn_deadline_monitor.handler"),
    }


# --- Terraform ---------------------------------------------------------------------------

_STARTED = re.compile(r"^(?P<address>\S+): Creating\.\.\.")
_CREATED = re.compile(r"^(?P<address>\S+): Creation complete after ")


@contextlib.contextmanager
def emulator_requests() -> Iterator[list[tuple[float, float]]]:
    """When the moto server in this process handled each request meanwhile
    (time.perf_counter() at its start and end)."""
    handled: list[tuple[float, float]] = []
    original = DomainDispatcherApplication.__call__

    def timed(app: DomainDispatcherApplication, environ: Any, start_response: Any) -> Any:
        began = time.perf_counter()
        try:
            return original(app, environ, start_response)
        finally:
            handled.append((began, time.perf_counter()))

    with mock.patch.object(DomainDispatcherApplication, "__call__", timed):
        yield handled


def _timed_apply(directory: Path, *args: str, env: dict[str, str]) -> dict[str, Any]:
    """``terraform apply``, its output read as it comes: the wall time, when each resource
    started and finished creating, and when the emulator handled each request (seconds
    from the start)."""
    command = ["terraform", f"-chdir={directory}", "apply", *args, "-input=false", "-no-color"]
    spans: dict[str, list[float]] = {}
    output = []
    with emulator_requests() as handled:
        started = time.perf_counter()
        with subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **env},
        ) as process:
            assert process.stdout is not None
            for line in process.stdout:
                now = time.perf_counter() - started
                output.append(line)
                if match := _STARTED.match(line):
                    spans[match["address"]] = [now, math.nan]
                elif (match := _CREATED.match(line)) and match["address"] in spans:
                    spans[match["address"]][1] = now
        seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"terraform apply exited {process.returncode}:\n{''.join(output)}")
    return {
        "seconds": seconds,
        "spans": {a: (s, e) for a, (s, e) in spans.items() if not math.isnan(e)},
        "requests": [(s - started, e - started) for s, e in handled],
        "output": "".join(output),
    }


def apply_timeline(apply: dict[str, Any]) -> dict[str, Any]:
    """Where an apply's time went: before the first resource was created (Terraform
    reading the configuration, starting the provider, refreshing and planning), in the
    emulator, and waiting in the provider.

    The provider's waits are the seconds in which only resources that take WAIT_SECONDS or
    more were being created and the emulator was handling no request: nothing but the
    provider's own sleeping and polling could be going on.
    """
    spans = apply["spans"]
    slow = {a: span for a, span in spans.items() if span[1] - span[0] >= WAIT_SECONDS}
    fast = [span for a, span in spans.items() if a not in slow]
    # A sweep over every start (+1) and end (-1) of slow and fast creations and requests.
    events = sorted(
        (moment, kind, step)
        for kind, intervals in (
            ("slow", slow.values()),
            ("fast", fast),
            ("busy", apply["requests"]),
        )
        for begin, end in intervals
        for moment, step in ((begin, 1), (end, -1))
    )
    active = Counter[str]()
    waiting = busy = 0.0
    for (moment, kind, step), (following, _, _) in itertools.pairwise(
        [*events, (events[-1][0], "", 0)] if events else []
    ):
        active[kind] += step
        if active["busy"]:
            busy += following - moment
        elif active["slow"] and not active["fast"]:
            waiting += following - moment
    by_type: dict[str, list[float]] = {}
    for address, (begin, end) in slow.items():
        by_type.setdefault(_resource_type(address), []).append(end - begin)
    others = [end - begin for begin, end in fast]
    return {
        "before_first_s": min((begin for begin, _ in spans.values()), default=math.nan),
        "emulator_busy_s": busy,
        "requests": len(apply["requests"]),
        "waiting_s": waiting,
        "slow": by_type,
        "others": len(others),
        "others_median_s": statistics.median(others) if others else math.nan,
    }


def _resource_type(address: str) -> str:
    """``module.monitor.aws_sqs_queue.undelivered`` -> ``aws_sqs_queue``."""
    parts = [p for p in re.sub(r"\[[^]]*\]", "", address).split(".") if p]
    while parts and parts[0] == "module":
        parts = parts[2:]
    return parts[0] if parts else address


def terraform_costs(sizes: list[int], layout: str) -> list[dict[str, Any]]:
    """Resources, apply and no-op plan of one root at each size, each on a fresh moto;
    for the module, every size an AWS limit bounds, measured from what was deployed."""
    directory = TREE / "benchmarks" / "roots" / layout
    rows = []
    for size in sizes:
        data_dir = WORK / f"{layout}-{size}"
        shutil.rmtree(data_dir, ignore_errors=True)
        env = {"TF_DATA_DIR": str(data_dir / ".terraform")}
        state = f"-state={data_dir / 'terraform.tfstate'}"
        variables = f"-var=monitors={size}"
        with emulated_aws(REGION):
            terraform(directory, "init", env=env)
            apply = _timed_apply(directory, "-auto-approve", state, variables, env=env)
            (data_dir / "apply.log").write_text(apply["output"])
            started = time.perf_counter()
            terraform(directory, "plan", "-detailed-exitcode", state, variables, env=env)
            plan = time.perf_counter() - started
            listed = terraform(directory, "state", "list", state, env=env).split()
            row: dict[str, Any] = {
                "layout": layout,
                "monitors": size,
                "resources": len([r for r in listed if ".data." not in f".{r}"]),
                "apply_s": apply["seconds"],
                "plan_s": plan,
                **apply_timeline(apply),
            }
            if layout == "module":
                outputs = json.loads(terraform(directory, "output", "-json", state, env=env))
                # Terraform leaves a null output out.
                row["read_scope"] = outputs.get("read_scope", {}).get("value")
                row["sizes"] = measure(
                    lambda service: boto3.client(service, region_name=REGION), NAME
                )
        print(
            f"  {layout:11} {size:5} monitors: {row['resources']} resources, "
            f"apply {row['apply_s']:.1f} s (emulator {row['emulator_busy_s']:.1f} s, "
            f"provider waits {row['waiting_s']:.1f} s), "
            f"no-op plan {plan:.1f} s",
            flush=True,
        )
        rows.append(row)
    return rows


# --- The run -----------------------------------------------------------------------------


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def snapshot() -> None:
    """Copy the tree as it is now (tracked and untracked files, not ignored ones) to TREE."""
    shutil.rmtree(TREE, ignore_errors=True)
    listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (TREE / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, TREE / name)


def environment() -> dict[str, str]:
    """What the figures were measured with, read when the run starts."""
    dirty = [
        line
        for line in _git("status", "--porcelain").splitlines()
        if line[3:] != str(OUTPUT.relative_to(ROOT))
    ]
    changes = f" + uncommitted changes in {len(dirty)} files" if dirty else ""
    version = json.loads(
        subprocess.run(
            ["terraform", "version", "-json"], capture_output=True, text=True, check=True
        ).stdout
    )
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    return {
        "commit": _git("rev-parse", "--short", "HEAD") + changes,
        "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
        + (f" ({cpu})" if cpu else ""),
        "python": platform.python_version(),
        "terraform": version["terraform_version"],
        "libraries": f"moto {moto.__version__}, boto3 {boto3.__version__}, "
        f"botocore {botocore.__version__}",
    }


def _provider(rows: list[dict[str, Any]]) -> str:
    """The providers the first benchmark root was initialised with."""
    if not rows:
        return "no root applied"
    layout, data_dir = rows[0]["layout"], WORK / f"{rows[0]['layout']}-{rows[0]['monitors']}"
    version = json.loads(
        subprocess.run(
            ["terraform", f"-chdir={TREE / 'benchmarks' / 'roots' / layout}", "version", "-json"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "TF_DATA_DIR": str(data_dir / ".terraform")},
        ).stdout
    )
    selections = version.get("provider_selections", {})
    return ", ".join(f"{name.split('/', 1)[1]} {v}" for name, v in selections.items())


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def _dollars(amount: float) -> str:
    return f"${amount:.7f}".rstrip("0")


def render(run: dict[str, Any]) -> str:
    """The benchmarks page."""
    env = run["environment"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (dev/bench.py) from one run; do not edit by hand. Every "
        "figure below was measured in that run, against moto (emulated AWS) on this machine: "
        "API calls, resources and sizes are what AWS would see; times compare rows of one "
        "run with each other, not with real AWS. The run measured the tree as it was when it "
        "started (Terraform and the import times ran from a copy of it), at the commit "
        "below.",
        "",
        "| Run | |",
        "|---|---|",
        f"| Command | `{run['command']}` |",
        f"| Commit | {env['commit']} |",
        f"| Date | {env['date']} |",
        f"| Run time | {_duration(run['seconds'])} (dev/bench.py, start to this file) |",
        f"| Machine | {env['machine']} |",
        f"| Python | {env['python']} |",
        f"| Terraform | {env['terraform']}, {run['provider']} |",
        f"| Emulator | {env['libraries']} |",
        "",
    ]
    lines += _render_checks(run["checks"])
    lines += _render_month(run["checks"])
    imports = run["imports"]
    lines += [
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
    ]
    lines += _render_terraform(run["module"], run["seed"])
    lines += [
        "## Deployment package",
        "",
        f"`dist/lambda.zip`: {(TREE / ZIP_PATH.relative_to(ROOT)).stat().st_size:,} bytes "
        "(stored, not compressed, so "
        "that it is byte for byte reproducible; boto3 comes from the Lambda runtime).",
        "",
    ]
    return "\n".join(lines)


def _render_checks(checks: list[dict[str, Any]]) -> list[str]:
    lines = [
        "## Cost of one check",
        "",
        "The handler in-process against moto, with the state table on (as by default). "
        "Calls are every AWS API call the check made, counted at botocore's boundary; "
        "DynamoDB's are writes (PutItem, UpdateItem, DeleteItem) / reads (GetItem). Each "
        "row is the monitor's next scheduled check after one that stored its status; wall "
        f"time is the median of {CHECK_REPEATS} such checks. The latest-only check reads "
        "one ListExecutions page with maxResults=1, so it cannot see overlapping, late or "
        "missing runs; it is counted and timed the same way.",
        "",
        "| Runs in the window | Verdict | Step Functions calls | DynamoDB writes / reads "
        "| SNS calls | All calls | Wall time (ms) | Latest-only calls "
        "| Latest-only wall time (ms) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in checks:
        calls = r["calls"]
        lines.append(
            f"| {r['label']} | {r['verdict']} | {_service_calls(calls, 'stepfunctions')} "
            f"| {_dynamodb(calls, DYNAMODB_WRITES)} / {_dynamodb(calls, DYNAMODB_READS)} "
            f"| {_service_calls(calls, 'sns')} | {sum(calls.values())} | {r['check_ms']:.1f} "
            f"| {sum(r['latest_calls'].values())} | {r['latest_ms']:.1f} |"
        )
    lines += ["", "The calls, by operation:", ""]
    lines += [f"- {r['label']}: {_operations(r['calls'])}." for r in checks]
    lines.append("")
    return lines


def _render_month(checks: list[dict[str, Any]]) -> list[str]:
    """The monthly requests and request charges of one daily monitor, from the check of a
    window with one successful run."""
    daily = next(r for r in checks if r["executions"] == 1 and r["verdict"] == "OK")
    calls = daily["calls"]
    write_units = math.ceil(daily["largest_item_bytes"] / WRITE_UNIT_BYTES)
    read_units = math.ceil(daily["largest_item_bytes"] / READ_UNIT_BYTES)
    writes = CHECKS_A_MONTH * _dynamodb(calls, DYNAMODB_WRITES) * write_units
    reads = CHECKS_A_MONTH * _dynamodb(calls, DYNAMODB_READS) * read_units
    scheduler = CHECKS_A_MONTH
    charges = {
        "scheduler": scheduler * PRICES["scheduler"].dollars,
        "write": writes * PRICES["write"].dollars,
        "read": reads * PRICES["read"].dollars,
    }
    return [
        "## A month of one daily monitor",
        "",
        f"A daily monitor makes {CHECKS_A_MONTH} checks a month; each costs what the row "
        '"1 succeeded" above counted. The state table\'s largest item was '
        f"{daily['largest_item_bytes']:,} bytes (as JSON, more than DynamoDB counts), so "
        f"each write is {write_units} write request unit and each strongly consistent read "
        f"{read_units} read request unit. Prices are us-east-1 list prices (PRICES in "
        "dev/bench.py); Lambda, SNS and CloudWatch Logs are not priced here.",
        "",
        "| Requests a month | Count | Price | Cost a month |",
        "|---|---:|---|---:|",
        f"| Scheduler invocations | {scheduler} | {_price('scheduler')} "
        f"| {_dollars(charges['scheduler'])} |",
        f"| Lambda invocations | {CHECKS_A_MONTH} | | |",
        f"| Step Functions calls ({', '.join(_ops(calls, 'stepfunctions'))}) "
        f"| {CHECKS_A_MONTH * _service_calls(calls, 'stepfunctions')} | free | $0 |",
        f"| DynamoDB write request units | {writes} | {_price('write')} "
        f"| {_dollars(charges['write'])} |",
        f"| DynamoDB read request units | {reads} | {_price('read')} "
        f"| {_dollars(charges['read'])} |",
        f"| **Scheduler and DynamoDB together** | | | **{_dollars(sum(charges.values()))}** |",
        "",
    ]


def _ops(calls: Counter[tuple[str, str]], service: str) -> list[str]:
    return sorted({op for s, op in calls if s == service})


def _price(key: str) -> str:
    price = PRICES[key]
    return f"[${price.dollars * 1e6:.3f} a million]({price.source}) {price.unit.split(' (')[0]}s"


def _monitors(count: int) -> str:
    return f"{count:,} monitor{'' if count == 1 else 's'}"


def _waiting(row: dict[str, Any]) -> str:
    """The resources that took WAIT_SECONDS or more, by type, with their creation times."""
    return "; ".join(
        f"{kind} x{len(times)}: {min(times):.0f} to {max(times):.0f}"
        if len(times) > 1 and round(min(times)) != round(max(times))
        else f"{kind}{f' x{len(times)}' if len(times) > 1 else ''}: {max(times):.0f}"
        for kind, times in sorted(row["slow"].items())
    )


def _render_terraform(module: list[dict[str, Any]], seed: list[dict[str, Any]]) -> list[str]:
    lines = [
        "## Terraform: the module",
        "",
        "`benchmarks/roots/module` (one SNS topic and the module, watching N state machines "
        "that need not exist) applied with Terraform's default parallelism (10) on a fresh "
        "moto server each, then a no-op `terraform plan` (it fails the run if it plans any "
        "change). Up to 200 monitors the root grants their exact ARNs (one read policy for "
        "every 20); beyond, it sets `read_scope` to a name prefix, as a large estate would "
        "(see variables.tf). The last column holds each row against every AWS limit in "
        "dev/aws_limits.py, measured from what was deployed (next table).",
        "",
        "| Monitors | Read grants | Resources | Apply (s) | No-op plan (s) "
        "| Within AWS's default limits |",
        "|---:|---|---:|---:|---:|---|",
    ]
    for r in module:
        over = [LIMITS[k].name for k, v in r["sizes"].items() if v > LIMITS[k].value]
        within = f"**no**: {', '.join(over)}" if over else f"yes, all {len(r['sizes'])}"
        scope = r["read_scope"]
        policies = r["sizes"]["iam_managed_policies_per_role"]
        grants = (
            f"exact ARNs, {policies} read polic{'y' if policies == 1 else 'ies'}"
            if scope is None
            else "`read_scope`, names starting "
            + " or ".join(f"`{p}`" for p in scope["state_machine_name_prefixes"])
        )
        lines.append(
            f"| {r['monitors']:,} | {grants} | {r['resources']:,} | {r['apply_s']:.1f} "
            f"| {r['plan_s']:.1f} | {within} |"
        )
    lines += [
        "",
        "### Sizes AWS limits, measured from what was deployed",
        "",
        "moto enforces none of these limits, so each size is read back from the emulated "
        "account after the apply (`measure()` in dev/aws_limits.py: policies read back and "
        "measured as IAM counts them, rules and schedules counted, patterns and inputs "
        "measured) and set against AWS's default limit (docs/aws-limits.md, with sources). "
        "Each cell is the size and its share of the limit. Rules per bus and schedules are "
        "shared with the account's other rules and schedules.",
        "",
        "| Limit | AWS default | " + " | ".join(_monitors(r["monitors"]) for r in module) + " |",
        "|---|---:|" + "---:|" * len(module),
    ]
    for key, limit in LIMITS.items():
        cells = [
            f"{r['sizes'][key]:,} ({r['sizes'][key] / limit.value:.0%})"
            + ("" if r["sizes"][key] <= limit.value else " **over**")
            for r in module
        ]
        lines.append(f"| {limit.name} | {limit.value:,} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "### Where an apply's time goes",
        "",
        "Measured during each apply above (and the seed layout's below): Terraform's output "
        "is read as it streams, so each resource's creation is timed from its `Creating...` "
        "to its `Creation complete` line, and the emulator, which runs in the benchmark's "
        "own process, logs when it handles each request. *Before the first creation*: "
        "Terraform loading the configuration and the provider, refreshing and planning. "
        "*Emulator busy*: the time in which it was handling at least one request. *Provider "
        "waits*: the time in which only resources that took "
        f"{WAIT_SECONDS:.0f} s or more were being created and the emulator was handling no "
        "request, so that nothing but the AWS provider's own sleeping and polling was going "
        "on. Whether the provider waits as long on AWS is not measured here; on AWS the "
        "calls themselves take longer.",
        "",
        "| Root | Monitors | Apply (s) | Before the first creation (s) | Emulator busy (s) "
        "| Requests | Provider waits (s) "
        f"| Resources that took {WAIT_SECONDS:.0f} s or more (creation, s) "
        "| The other resources (median creation, s) |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in [*module, *seed]:
        lines.append(
            f"| {r['layout']} | {r['monitors']:,} | {r['apply_s']:.1f} "
            f"| {r['before_first_s']:.1f} | {r['emulator_busy_s']:.1f} | {r['requests']:,} "
            f"| {r['waiting_s']:.1f} | {_waiting(r) or 'none'} "
            f"| {r['others_median_s']:.1f} ({r['others']:,}) |"
        )
    lines.append("")
    if seed:
        by_size = {r["monitors"]: r for r in module}
        lines += [
            "## Terraform: the seed template's layout",
            "",
            "`benchmarks/roots/seed-layout`: the layout of the template this project grew "
            "from (per state machine: a Lambda function with its role and policy, a schedule "
            "with its role and policy; no failure rule), with one SNS topic, applied and "
            "planned the same way, next to the module's rows above. Its sizes are not "
            "measured, and it is not applied at 1,000 monitors: its apply grows with the "
            "monitors (see where its time goes above).",
            "",
            "| Monitors | Resources: module | Resources: seed layout | Apply (s): module "
            "| Apply (s): seed layout | No-op plan (s): module | No-op plan (s): seed layout |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for s in seed:
            m = by_size.get(s["monitors"])
            module_cells = (
                (f"{m['resources']:,}", f"{m['apply_s']:.1f}", f"{m['plan_s']:.1f}")
                if m
                else ("not run",) * 3
            )
            lines.append(
                f"| {s['monitors']:,} | {module_cells[0]} | {s['resources']:,} "
                f"| {module_cells[1]} | {s['apply_s']:.1f} "
                f"| {module_cells[2]} | {s['plan_s']:.1f} |"
            )
        lines.append("")
    return lines


def _sizes(text: str) -> list[int]:
    return [int(n) for n in text.split(",") if n]


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--executions", default="1,100,1000", help="window sizes to check")
    parser.add_argument("--sizes", default="1,10,100,1000", help="monitor counts to apply")
    parser.add_argument(
        "--seed-sizes", default="1,10,100", help="monitor counts of the seed layout ('' for none)"
    )
    args = parser.parse_args(argv)
    given = sys.argv[1:] if argv is None else argv
    command = "make bench" + (f' ARGS="{shlex.join(given)}"' if given else "")
    run: dict[str, Any] = {"command": command, "environment": environment()}
    snapshot()
    print("check cost ...", flush=True)
    # A daily monitor's month is priced from the one-run window: always measure it.
    run["checks"] = check_cost(sorted({1, *_sizes(args.executions)}))
    print("import times ...", flush=True)
    run["imports"] = import_times()
    print("terraform ...", flush=True)
    run["module"] = terraform_costs(_sizes(args.sizes), "module")
    run["seed"] = terraform_costs(_sizes(args.seed_sizes), "seed-layout")
    run["provider"] = _provider(run["module"] + run["seed"])
    run["seconds"] = time.perf_counter() - started
    OUTPUT.write_text(render(run))
    print(f"wrote {OUTPUT.relative_to(ROOT)} in {_duration(run['seconds'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
