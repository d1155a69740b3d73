"""Upstream problems: which upstream verdicts explain a monitor's, which alerts they hold
back, and the dependencies a check's input carries. Pure functions, table-tested."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from sfn_deadline_monitor.alerts.upstream import (
    explain,
    is_suppressed,
    upstream_attribute,
)
from sfn_deadline_monitor.check.context import CheckContext
from sfn_deadline_monitor.check.dependencies import (
    Dependencies,
    UpstreamProblem,
    parse_dependencies,
)
from sfn_deadline_monitor.check.monitor_settings import InvalidEventError
from sfn_deadline_monitor.check.verdict import Status, Verdict, Window
from sfn_deadline_monitor.state.records import MonitorState
from testkit.events import at

# billing is due at 06:30 every day (window 04:30 to 06:30) and waits for nightly-etl,
# due at 02:00: the nightly-etl verdict of the same night explains billing's.
DEADLINE = at("2026-03-10T06:30")
PREVIOUS = DEADLINE - timedelta(days=1)
HOURS = timedelta(hours=1)


def context(*, suppresses: bool = False, first_check: bool = False) -> CheckContext:
    window = Window.ending_at(DEADLINE, 2 * HOURS)
    return CheckContext(
        monitor="billing",
        state_machine_arn="arn:aws:states:us-east-1:123456789012:stateMachine:billing",
        window=window,
        timezone="UTC",
        checked_at=DEADLINE,
        earlier_windows=() if first_check else (Window.ending_at(PREVIOUS, 2 * HOURS),),
        dependencies=Dependencies(("nightly-etl", "exports"), suppresses, ("reports",)),
    )


def state(status: Status, as_of: str) -> MonitorState:
    return MonitorState(status, at(as_of))


@pytest.mark.parametrize(
    ("upstream", "explained"),
    [
        ({"nightly-etl": state(Status.MISSING, "2026-03-10T02:00")}, ["nightly-etl"]),
        ({"nightly-etl": state(Status.FAILED, "2026-03-10T01:12")}, ["nightly-etl"]),
        ({"nightly-etl": state(Status.TOO_FAST, "2026-03-10T02:00")}, ["nightly-etl"]),
        ({"nightly-etl": state(Status.AT_RISK, "2026-03-10T01:30")}, ["nightly-etl"]),
        # Healthy, or not a cause.
        ({"nightly-etl": state(Status.OK, "2026-03-10T02:00")}, []),
        ({"nightly-etl": state(Status.RECOVERED, "2026-03-10T02:00")}, []),
        ({"nightly-etl": state(Status.ERROR, "2026-03-10T02:00")}, []),
        # Yesterday's cycle, or on the previous deadline itself: not this one.
        ({"nightly-etl": state(Status.MISSING, "2026-03-09T02:00")}, []),
        ({"nightly-etl": state(Status.MISSING, "2026-03-09T06:30")}, []),
        # After this deadline: a later cycle.
        ({"nightly-etl": state(Status.MISSING, "2026-03-10T06:31")}, []),
        # On the deadline itself: this cycle.
        ({"nightly-etl": state(Status.LATE, "2026-03-10T06:30")}, ["nightly-etl"]),
        # Both upstream failing; a monitor not upstream is no cause.
        (
            {
                "nightly-etl": state(Status.MISSING, "2026-03-10T02:00"),
                "exports": state(Status.LATE, "2026-03-10T03:00"),
                "other": state(Status.MISSING, "2026-03-10T02:00"),
            },
            ["nightly-etl", "exports"],
        ),
        ({}, []),
    ],
)
def test_an_upstream_problem_of_this_cycle_explains_a_problem(
    upstream: dict[str, MonitorState], explained: list[str]
) -> None:
    found = explain(context(), Verdict(Status.MISSING), upstream).upstream_problems
    assert [p.monitor for p in found] == explained
    assert all(
        (p.status, p.as_of) == (upstream[p.monitor].status, upstream[p.monitor].as_of)
        for p in found
    )


def test_without_a_previous_deadline_the_cycle_is_the_window() -> None:
    """A one-time at() schedule: only an upstream verdict inside the window counts."""
    inside = {"nightly-etl": state(Status.MISSING, "2026-03-10T05:00")}
    before = {"nightly-etl": state(Status.MISSING, "2026-03-10T02:00")}
    assert explain(context(first_check=True), Verdict(Status.MISSING), inside).upstream_problems
    assert not explain(context(first_check=True), Verdict(Status.MISSING), before).upstream_problems


def test_a_check_without_a_window_is_explained_by_nothing() -> None:
    """A failure event: a run that ran and failed, whatever its upstream."""
    event = replace(context(), window=None, earlier_windows=())
    upstream = {"nightly-etl": state(Status.MISSING, "2026-03-10T02:00")}
    assert explain(event, Verdict(Status.FAILED), upstream) == event


@pytest.mark.parametrize("status", [Status.OK, Status.RECOVERED, Status.ERROR])
def test_no_upstream_is_named_for_a_verdict_it_cannot_cause(status: Status) -> None:
    upstream = {"nightly-etl": state(Status.MISSING, "2026-03-10T02:00")}
    assert explain(context(), Verdict(status), upstream).upstream_problems == ()


@pytest.mark.parametrize(
    ("status", "suppresses", "held_back"),
    [
        (Status.MISSING, True, True),
        (Status.LATE, True, True),
        (Status.AT_RISK, True, True),
        (Status.TOO_FAST, True, True),
        # A run that ran and failed, a check that could not judge, a recovery: never.
        (Status.FAILED, True, False),
        (Status.ERROR, True, False),
        (Status.RECOVERED, True, False),
        # Without upstream_suppresses, named but sent.
        (Status.MISSING, False, False),
    ],
)
def test_what_an_upstream_problem_holds_back(
    status: Status, suppresses: bool, held_back: bool
) -> None:
    problem = UpstreamProblem("nightly-etl", Status.MISSING, at("2026-03-10T02:00"))
    explained = replace(context(suppresses=suppresses), upstream_problems=(problem,))
    assert is_suppressed(explained, Verdict(status)) is held_back


def test_nothing_is_held_back_without_an_upstream_problem() -> None:
    assert not is_suppressed(context(suppresses=True), Verdict(Status.MISSING))


def test_the_message_attribute_names_the_failing_upstream() -> None:
    upstream = {
        "nightly-etl": state(Status.MISSING, "2026-03-10T02:00"),
        "exports": state(Status.FAILED, "2026-03-10T03:00"),
    }
    explained = explain(context(), Verdict(Status.LATE), upstream)
    assert upstream_attribute(explained) == {"upstream": "nightly-etl,exports"}
    assert upstream_attribute(context()) == {}


def test_a_checks_input_carries_its_dependencies() -> None:
    parsed = parse_dependencies(
        {"upstream": ["nightly-etl"], "upstream_suppresses": True, "downstream": ["reports"]}
    )
    assert parsed == Dependencies(("nightly-etl",), True, ("reports",))
    assert parse_dependencies({}) == Dependencies()


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({"upstream": "nightly-etl"}, "upstream"),
        ({"upstream": ["nightly etl"]}, "upstream"),
        ({"upstream": [1]}, "upstream"),
        ({"downstream": ["x" * 65]}, "downstream"),
        ({"upstream_suppresses": "yes"}, "upstream_suppresses"),
    ],
)
def test_malformed_dependencies_are_an_error_that_names_the_field(
    given: dict[str, object], named: str
) -> None:
    with pytest.raises(InvalidEventError, match=f"^{named} "):
        parse_dependencies(given)
