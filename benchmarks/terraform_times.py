"""Terraform at each size: resources, apply and no-op plan times, where each apply's time
goes, and, for the module, every size an AWS limit bounds, read back from what was
deployed (moto enforces none of those limits, so an apply that works here could be
refused by AWS for a size).

Each root and size is applied on a fresh moto server of its own, so that no apply finds
another's resources. Where an apply's time goes is measured rather than assumed: each
resource's creation is timed from Terraform's output as it streams and each request from
the emulator, which runs in this process, so that the seconds in which only slow
creations were under way and the emulator was idle are the provider's own waits.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

from benchmarks.tree import NAME, REGION, TREE, WORK
from dev.deployed_sizes import measure
from testkit.moto_server import emulated_aws
from testkit.terraform import terraform

# A resource whose creation takes this long is the provider waiting: moto answers in ms.
WAIT_SECONDS = 10.0

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
                    lambda service: boto3.client(service, region_name=REGION),  # type: ignore[call-overload]
                    NAME,
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


def provider_versions(rows: list[dict[str, Any]]) -> str:
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
