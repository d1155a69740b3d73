"""The deadline history's size, held to what docs/costs.md#the-deadline-history states:
DynamoDB's item sizes (testkit/item_size.py), which moto does not meter."""

from __future__ import annotations

from datetime import timedelta

from sfn_deadline_monitor.state.outcomes import (
    MET,
    OUTCOMES,
    TOO_FAST,
    Outcome,
    outcome_item,
    read_outcome,
)
from testkit.events import at
from testkit.item_size import STORAGE_OVERHEAD, item_size, query_read_units

# A deadline with 13 significant digits in milliseconds, as most are.
DEADLINE = at("2026-12-07T12:34:56.789")
RETENTION = timedelta(days=400)
# docs/costs.md: the largest item, stored per deadline, a daily and a 5-minute year.
LARGEST_ITEM = 375
STORED_PER_DEADLINE = 950
DAILY_YEAR = 346_750
FIVE_MINUTE_YEAR = 99_864_000


def largest() -> Outcome:
    """Every attribute at its longest: the longest monitor name (64) and run name (80,
    Step Functions' longest), the longest outcome, times with 13 significant digits in
    milliseconds, a margin of 8 digits (over three years late: a replay long after)."""
    assert max(OUTCOMES, key=len) == TOO_FAST
    return Outcome(
        "m" * 64,
        DEADLINE,
        "2026-12-07",
        TOO_FAST,
        DEADLINE + timedelta(milliseconds=1),
        run_name="r" * 80,
        run_start=DEADLINE - timedelta(milliseconds=123),
        run_end=DEADLINE + timedelta(milliseconds=7),
        margin=timedelta(seconds=-98_765_432),
    )


def test_the_largest_outcome_and_a_years_history_are_as_documented() -> None:
    item = outcome_item(largest(), DEADLINE + RETENTION + timedelta(seconds=1))
    assert read_outcome(item) == largest()
    assert item_size(item) == LARGEST_ITEM
    # The item in the table and, projected whole, in the outcomes index: 100 bytes each more.
    assert 2 * (item_size(item) + STORAGE_OVERHEAD) == STORED_PER_DEADLINE
    assert 365 * STORED_PER_DEADLINE == DAILY_YEAR
    assert 365 * 24 * 12 * STORED_PER_DEADLINE == FIVE_MINUTE_YEAR
    # Under 1 KB: one write request unit in the table and one in the index.
    assert item_size(item) < 1024


def test_a_daily_monitors_90_days_cost_one_query_of_4_read_units() -> None:
    """At most 90 x 375 bytes = 33,750: rounded up to 36,864 (9 x 4 KB), half a unit each."""
    sizes = [item_size(outcome_item(largest(), DEADLINE + RETENTION))] * 90
    assert sum(sizes) < 1024 * 1024  # one Query answer
    assert query_read_units(sizes) == 4.5
    met = Outcome("etl", DEADLINE, "2026-12-07", MET, DEADLINE)
    assert item_size(outcome_item(met, DEADLINE + RETENTION)) < LARGEST_ITEM
