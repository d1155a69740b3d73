"""A month of one daily monitor: the calls one check made, times the checks of a month,
priced at AWS's list prices.

Computed here from the measured calls rather than typed into the README, so that the
cost the README links to follows the checks' calls when they change.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from benchmarks.check_cost import DYNAMODB_READS, DYNAMODB_WRITES, dynamodb_calls, service_calls

# A daily monitor's checks in a 30-day month.
CHECKS_A_MONTH = 30
# DynamoDB bills a write per started KB of the item, a strongly consistent read per 4 KB.
WRITE_UNIT_BYTES = 1024
READ_UNIT_BYTES = 4096


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


def month_section(checks: list[dict[str, Any]]) -> list[str]:
    """The monthly requests and request charges of one daily monitor, from the check of a
    window with one successful run."""
    daily = next(r for r in checks if r["executions"] == 1 and r["verdict"] == "OK")
    calls = daily["calls"]
    write_units = math.ceil(daily["largest_item_bytes"] / WRITE_UNIT_BYTES)
    read_units = math.ceil(daily["largest_item_bytes"] / READ_UNIT_BYTES)
    writes = CHECKS_A_MONTH * dynamodb_calls(calls, DYNAMODB_WRITES) * write_units
    reads = CHECKS_A_MONTH * dynamodb_calls(calls, DYNAMODB_READS) * read_units
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
        "benchmarks/month.py); Lambda, SNS and CloudWatch Logs are not priced here.",
        "",
        "| Requests a month | Count | Price | Cost a month |",
        "|---|---:|---|---:|",
        f"| Scheduler invocations | {scheduler} | {_price('scheduler')} "
        f"| {_dollars(charges['scheduler'])} |",
        f"| Lambda invocations | {CHECKS_A_MONTH} | | |",
        f"| Step Functions calls ({', '.join(_operations(calls, 'stepfunctions'))}) "
        f"| {CHECKS_A_MONTH * service_calls(calls, 'stepfunctions')} | free | $0 |",
        f"| DynamoDB write request units | {writes} | {_price('write')} "
        f"| {_dollars(charges['write'])} |",
        f"| DynamoDB read request units | {reads} | {_price('read')} "
        f"| {_dollars(charges['read'])} |",
        f"| **Scheduler and DynamoDB together** | | | **{_dollars(sum(charges.values()))}** |",
        "",
    ]


def _operations(calls: Counter[tuple[str, str]], service: str) -> list[str]:
    return sorted({op for s, op in calls if s == service})


def _price(key: str) -> str:
    price = PRICES[key]
    return f"[${price.dollars * 1e6:.3f} a million]({price.source}) {price.unit.split(' (')[0]}s"


def _dollars(amount: float) -> str:
    return f"${amount:.7f}".rstrip("0")
