"""benchmarks/README.md from one run's measurements.

Rendering is kept apart from measuring so that the page follows from the figures alone:
the same figures give the same page, byte for byte. Every figure comes from the run; the
one thing read here is the deployment zip's size, from the copy of the tree (TREE).
"""

from __future__ import annotations

from typing import Any

from benchmarks.check_cost import (
    CHECK_REPEATS,
    DYNAMODB_READS,
    DYNAMODB_WRITES,
    by_operation,
    dynamodb_calls,
    service_calls,
)
from benchmarks.cold_start import IMPORT_REPEATS
from benchmarks.month import month_section
from benchmarks.terraform_times import WAIT_SECONDS
from benchmarks.tree import TREE
from dev.aws_limits import LIMITS
from testkit.paths import ROOT, ZIP_PATH


def duration(seconds: float) -> str:
    """A run's length as the page and the run's last line give it: minutes and seconds."""
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def render(run: dict[str, Any]) -> str:
    """The benchmarks page."""
    env = run["environment"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (benchmarks/) from one run; do not edit by hand. Every "
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
        f"| Run time | {duration(run['seconds'])} (benchmarks/, start to this file) |",
        f"| Machine | {env['machine']} |",
        f"| Python | {env['python']} |",
        f"| Terraform | {env['terraform']}, {run['provider']} |",
        f"| Emulator | {env['libraries']} |",
        "",
    ]
    lines += _checks_section(run["checks"])
    lines += month_section(run["checks"])
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
    lines += _terraform_sections(run["module"], run["seed"])
    lines += [
        "## Deployment package",
        "",
        f"`dist/lambda.zip`: {(TREE / ZIP_PATH.relative_to(ROOT)).stat().st_size:,} bytes "
        "(stored, not compressed, so "
        "that it is byte for byte reproducible; boto3 comes from the Lambda runtime).",
        "",
    ]
    return "\n".join(lines)


def _checks_section(checks: list[dict[str, Any]]) -> list[str]:
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
            f"| {r['label']} | {r['verdict']} | {service_calls(calls, 'stepfunctions')} "
            f"| {dynamodb_calls(calls, DYNAMODB_WRITES)} "
            f"/ {dynamodb_calls(calls, DYNAMODB_READS)} "
            f"| {service_calls(calls, 'sns')} | {sum(calls.values())} | {r['check_ms']:.1f} "
            f"| {sum(r['latest_calls'].values())} | {r['latest_ms']:.1f} |"
        )
    lines += ["", "The calls, by operation:", ""]
    lines += [f"- {r['label']}: {by_operation(r['calls'])}." for r in checks]
    lines.append("")
    return lines


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


def _terraform_sections(module: list[dict[str, Any]], seed: list[dict[str, Any]]) -> list[str]:
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
        "account after the apply (`measure()` in dev/deployed_sizes.py: policies read back "
        "and measured as IAM counts them, rules and schedules counted, patterns and inputs "
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
