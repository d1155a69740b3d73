"""An item's size as DynamoDB counts it, which moto does not: the sum of its attribute
names' and values' lengths (docs.aws.amazon.com/amazondynamodb/latest/developerguide/
CapacityUnitCalculations.html). Strings count their UTF-8 bytes; numbers 1 byte per two
significant digits plus 1; binary values their raw bytes. For storage, each item costs
100 bytes more, in the table and again in each index it is projected into.
"""

from __future__ import annotations

import math
from typing import Any

STORAGE_OVERHEAD = 100
READ_UNIT_BYTES = 4096


def item_size(item: dict[str, Any]) -> int:
    """The bytes of a low-level item (``{"name": {"S": ...}}``), as DynamoDB counts them."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict[str, Any]) -> int:
    (kind, content), *_ = value.items()
    if kind == "S":
        return len(content.encode())
    if kind == "N":
        digits = content.lstrip("-").replace(".", "").strip("0") or "0"
        return math.ceil(len(digits) / 2) + 1
    if kind == "B":
        return len(content)
    raise ValueError(f"no size rule here for {kind} attributes")


def query_read_units(sizes: list[int]) -> float:
    """What one eventually consistent Query answer of items of ``sizes`` costs: their total
    rounded up to 4 KB, a read unit per 4 KB, halved (eventually consistent, as a global
    secondary index is always read)."""
    return math.ceil(sum(sizes) / READ_UNIT_BYTES) / 2
