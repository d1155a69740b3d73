"""The discovered monitors, as the audit's discovery writes them to the state table: the
registry's monitors that no Terraform declared (discovery/).

Registry-shaped, so that ``registry.load`` reads them beside the declared ones and the
audit, ``status`` and ``doctor`` judge them alike. A ``discovered`` item counts the
``discovered#NN`` items, each of up to 100 monitors (108 KB at their longest,
tests/test_discovery_tags.py: within DynamoDB's 400 KB item, docs.aws.amazon.com/
amazondynamodb/latest/developerguide/ServiceQuotas.html). Written only by the audit, which
holds the audit's claim.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ..logs import log

DISCOVERED_KEY = "discovered"
MONITORS_PER_ITEM = 100


def chunk_keys(index: dict[str, Any] | None) -> list[str]:
    """The ``discovered#NN`` keys the ``discovered`` item counts; none without it, or
    when it cannot be read (logged: the next discovery writes it anew)."""
    if index is None:
        return []
    try:
        count = int(index["chunks"]["N"])
    except (KeyError, TypeError, ValueError) as error:
        log("unreadable_state", key=DISCOVERED_KEY, reason=repr(error))
        return []
    return [f"{DISCOVERED_KEY}#{n:02d}" for n in range(count)]


def records_of(items: dict[str, dict[str, Any]], keys: list[str]) -> dict[str, dict[str, Any]]:
    """Each discovered monitor's record, by name, from the chunks read; a chunk missing
    or unreadable is logged and left out, never a reason to fail the reader."""
    records: dict[str, dict[str, Any]] = {}
    for key in keys:
        try:
            records.update(json.loads(items[key]["monitors"]["S"]))
        except (KeyError, TypeError, ValueError) as error:
            log("unreadable_state", key=key, reason=repr(error))
    return records


def discovered_items(records: dict[str, dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """The items that hold ``records``: the chunks, then the ``discovered`` item that
    counts them (written last, so that a reader never counts a chunk not yet written)."""
    names = sorted(records)
    chunks = [names[i : i + MONITORS_PER_ITEM] for i in range(0, len(names), MONITORS_PER_ITEM)]
    items = [
        {
            "pk": {"S": f"{DISCOVERED_KEY}#{n:02d}"},
            "monitors": {"S": json.dumps({name: records[name] for name in chunk}, sort_keys=True)},
        }
        for n, chunk in enumerate(chunks)
    ]
    index = {
        "pk": {"S": DISCOVERED_KEY},
        "chunks": {"N": str(len(chunks))},
        "written_at": {"S": now.isoformat()},
    }
    return [*items, index]
