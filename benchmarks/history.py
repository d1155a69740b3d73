"""The deadline history at scale: its item sizes, and what ``report`` reads and costs at
1,000 monitors x 90 days.

In-process moto, the module's state table with its ``outcomes`` index. Every monitor gets
90 daily outcomes written as the check writes them (state/outcomes.py), every attribute
at its longest (64-character monitor names, 80-character run names), so the sizes are
the largest a daily monitor's history reaches. Then the report's read
(cli/report.py: one Query a monitor and MB) runs over all of them: its calls are counted
at botocore's boundary and its read units computed from the items' sizes by DynamoDB's
rules (testkit/item_size.py), which moto does not meter. Times are moto's, for comparison
only: moto answers a Query of an index by reading every item of the table. Writes
benchmarks/history.md:

    make bench-history [ARGS="--monitors 1000 --days 90"]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import boto3
from moto import mock_aws

from benchmarks.check_cost import counted_calls
from benchmarks.tree import REGION, environment
from sfn_deadline_monitor.attainment.figures import build_report
from sfn_deadline_monitor.attainment.render import render
from sfn_deadline_monitor.state.outcomes import TOO_FAST, Outcome, outcome_item, read_outcomes
from testkit.item_size import STORAGE_OVERHEAD, item_size, query_read_units
from testkit.paths import ROOT
from testkit.state_table import create_state_table

OUTPUT = ROOT / "benchmarks" / "history.md"
TABLE = "bench-sfn-deadline-state"
FIRST = datetime(2026, 1, 1, 2, tzinfo=UTC)
RETENTION = timedelta(days=400)
BATCH = 25  # BatchWriteItem's most items a call


def _outcome(monitor: str, day: int) -> Outcome:
    """Every attribute at its longest (as tests/test_outcome_size.py's largest): the
    longest outcome, times of 13 significant digits in milliseconds, an 8-digit margin."""
    deadline = FIRST + timedelta(days=day, milliseconds=789)
    return Outcome(
        monitor,
        deadline,
        deadline.date().isoformat(),
        TOO_FAST,
        deadline + timedelta(milliseconds=1),
        run_name="r" * 70 + f"{day:010d}",
        run_start=deadline - timedelta(milliseconds=123),
        run_end=deadline + timedelta(milliseconds=7),
        margin=timedelta(seconds=-98_765_432),
    )


def measure(monitors: int, days: int) -> dict[str, object]:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    create_state_table(dynamodb, TABLE)
    names = [f"{n:04d}-" + "m" * 59 for n in range(monitors)]
    sizes = []
    started = time.perf_counter()
    items: list[Any] = []
    for name in names:
        for day in range(days):
            item = outcome_item(_outcome(name, day), FIRST + RETENTION)
            sizes.append(item_size(item))
            items.append({"PutRequest": {"Item": item}})
    for start in range(0, len(items), BATCH):
        dynamodb.batch_write_item(RequestItems={TABLE: items[start : start + BATCH]})
    seeded = time.perf_counter() - started
    end = FIRST + timedelta(days=days)
    with counted_calls() as calls:
        started = time.perf_counter()
        outcomes = {}
        units = 0.0
        for name in names:
            read = read_outcomes(dynamodb, TABLE, name, FIRST - timedelta(hours=3), end)
            outcomes[name] = read.outcomes
            units += query_read_units(
                [item_size(outcome_item(o, FIRST + RETENTION)) for o in read.outcomes]
            )
        read_seconds = time.perf_counter() - started
    assert sum(len(o) for o in outcomes.values()) == monitors * days
    started = time.perf_counter()
    report = build_report("bench", outcomes, FIRST - timedelta(hours=3), end)
    rendered = {
        fmt: len(render(report, fmt).encode())
        for fmt in ("text", "json", "csv", "markdown", "html")
    }
    render_seconds = time.perf_counter() - started
    largest = max(sizes)
    return {
        "monitors": monitors,
        "days": days,
        "largest_item": largest,
        "stored_per_deadline": 2 * (largest + STORAGE_OVERHEAD),
        "queries": sum(n for (_, op), n in calls.items() if op == "Query"),
        "read_units": units,
        "seed_seconds": seeded,
        "read_seconds": read_seconds,
        "render_seconds": render_seconds,
        "rendered_bytes": rendered,
    }


def render_page(run: dict[str, object], env: dict[str, str]) -> str:
    per_deadline = int(str(run["stored_per_deadline"]))
    lines = [
        "# The deadline history at scale",
        "",
        "Written by `python -m benchmarks.history` (benchmarks/history.py); do not edit by hand.",
        "Sizes and calls are what AWS would count (item sizes by DynamoDB's rules, "
        "testkit/item_size.py); times are moto's on this machine, for comparison only.",
        "",
        f"Commit {env['commit']}, {env['date']}; {env['machine']}; Python {env['python']};"
        f" {env['libraries']}.",
        "",
        "| Figure | Value |",
        "|---|---:|",
        f"| Monitors x days | {run['monitors']:,} x {run['days']} |",
        f"| Largest outcome item (every attribute at its longest) | {run['largest_item']} bytes |",
        "| Stored per deadline (item + 100 bytes, in the table and in the index)"
        f" | {per_deadline} bytes |",
        f"| A daily monitor's year (365 deadlines) | {365 * per_deadline / 1000:.0f} KB |",
        f"| A 5-minute monitor's year (105,120 deadlines) | {105120 * per_deadline / 1e6:.0f} MB |",
        f"| Report: Query calls | {run['queries']:,} |",
        f"| Report: read units (eventually consistent) | {run['read_units']:,.1f} |",
        f"| Seeding the history (BatchWriteItem, moto) | {run['seed_seconds']:.1f} s |",
        "| Report: reading it (moto, which reads the whole table a Query)"
        f" | {run['read_seconds']:.1f} s |",
        f"| Report: figures and all five formats | {run['render_seconds']:.1f} s |",
    ]
    sizes = run["rendered_bytes"]
    assert isinstance(sizes, dict)
    lines += [
        "",
        "Rendered sizes: " + ", ".join(f"{k} {v / 1000:,.0f} KB" for k, v in sizes.items()) + ".",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--monitors", type=int, default=1000)
    parser.add_argument("--days", type=int, default=90)
    args = parser.parse_args(argv)
    credentials = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}
    with mock.patch.dict(os.environ, credentials), mock_aws():
        os.environ.pop("AWS_ENDPOINT_URL", None)
        run = measure(args.monitors, args.days)
    OUTPUT.write_text(render_page(run, environment()))
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
