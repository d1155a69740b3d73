"""Maintenance windows as the module writes them (maintenance.tf), read by the function: in a
plan with a mocked provider, every schedule input and failure rule input template of a
monitor parses, through the contract, to the windows declared (the module's first, a
recurring window's time zone its own, else its monitor's for a monitor's window and UTC for
the module's), each window exactly one of the contract's two shapes; a module without
windows writes no maintenance_windows at all."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sfn_deadline_monitor.check.contract import CheckRequest, parse_event
from sfn_deadline_monitor.check.failure_events import FailureEvent
from sfn_deadline_monitor.check.maintenance import MaintenanceWindow, parse_windows
from sfn_deadline_monitor.check.schedule_expression import parse
from testkit.fire_check import status_change_event
from testkit.mocked_plan import mocks, planned_changes
from testkit.paths import ROOT

# A mocked plan of the module: 9 s of CPU time (make quick leaves it to make test).
pytestmark = pytest.mark.terraform

ETL = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
BILLING = "arn:aws:states:us-east-1:000000000000:stateMachine:billing"

# Two calls of the module in one plan: one with windows at both levels (billing, in
# Berlin, has only the module's), one without any.
MODULE_CALLS = [
    f"""module "windows" {{
  source        = "../../"
  name          = "windows"
  sns_topic_arn = "arn:aws:sns:us-east-1:000000000000:alerts"
  maintenance_windows = [
    {{ name = "weekly-db", schedule = "cron(0 1 ? * SUN *)", duration = "3h" }},
    {{ name = "year-end-freeze", from = "2026-12-28T00:00:00Z", until = "2027-01-04T00:00:00Z" }},
  ]
  monitors = {{
    nightly-etl = {{
      state_machine_arn = "{ETL}"
      timezone          = "Asia/Tokyo"
      start_check       = {{ schedule_expression = "cron(15 0 * * ? *)" }}
      at_risk_check     = {{ schedule_expression = "cron(30 1 * * ? *)" }}
      maintenance_windows = [
        {{
          name = "release", from = "2026-12-24T01:00:00+09:00", until = "2026-12-24T05:00:00+09:00"
        }},
        {{ name = "nightly-backup", schedule = "cron(0 3 * * ? *)", duration = "90m" }},
        {{
          name = "dc-move", schedule = "cron(0 22 ? * SAT#1 *)", duration = "2d",
          timezone = "Europe/London"
        }},
      ]
    }}
    billing = {{
      state_machine_arn   = "{BILLING}"
      schedule_expression = "cron(30 6 ? * MON-FRI *)"
      timezone            = "Europe/Berlin"
    }}
  }}
}}
""",
    f"""module "plain" {{
  source        = "../../"
  name          = "plain"
  sns_topic_arn = "arn:aws:sns:us-east-1:000000000000:alerts"
  monitors = {{
    nightly-etl = {{
      state_machine_arn = "{ETL}"
      start_check       = {{ schedule_expression = "cron(15 0 * * ? *)" }}
      at_risk_check     = {{ schedule_expression = "cron(30 1 * * ? *)" }}
    }}
  }}
}}
""",
]

MODULES = (
    MaintenanceWindow("weekly-db", parse("cron(0 1 ? * SUN *)"), "UTC", timedelta(hours=3)),
    MaintenanceWindow(
        "year-end-freeze",
        opens=datetime(2026, 12, 28, tzinfo=UTC),
        closes=datetime(2027, 1, 4, tzinfo=UTC),
    ),
)
ETL_WINDOWS = (
    *MODULES,
    # 01:00 to 05:00 in Tokyo on the 24th: 16:00 to 20:00 UTC on the 23rd.
    MaintenanceWindow(
        "release",
        opens=datetime(2026, 12, 23, 16, tzinfo=UTC),
        closes=datetime(2026, 12, 23, 20, tzinfo=UTC),
    ),
    MaintenanceWindow(
        "nightly-backup", parse("cron(0 3 * * ? *)"), "Asia/Tokyo", timedelta(minutes=90)
    ),
    MaintenanceWindow(
        "dc-move", parse("cron(0 22 ? * SAT#1 *)"), "Europe/London", timedelta(days=2)
    ),
)
NOW = datetime(2026, 12, 7, 17, tzinfo=UTC)
RECURRING = {"name", "schedule", "timezone", "duration_minutes"}
ONE_OFF = {"name", "from", "until"}


@pytest.fixture(scope="module")
def planned() -> dict[str, dict[str, Any]]:
    """The planned resources of both calls, by address."""
    changes = planned_changes(MODULE_CALLS, mocks(), ROOT / ".build" / "maintenance-plan")
    return {change["address"]: change["change"]["after"] for change in changes}


def schedule_input(planned: dict[str, dict[str, Any]], call: str, kind: str, name: str) -> str:
    address = f'module.{call}.module.schedules["{kind}"].aws_scheduler_schedule.this["{name}"]'
    text: str = planned[address]["target"][0]["input"]
    return text


def as_the_scheduler_sends(text: str) -> dict[str, Any]:
    """The input with the Scheduler's context attributes filled in."""
    for placeholder, value in {
        "<aws.scheduler.scheduled-time>": "2026-12-07T17:00:00Z",
        "<aws.scheduler.execution-id>": "e1",
        "<aws.scheduler.attempt-number>": "1",
    }.items():
        text = text.replace(placeholder, value)
    payload: dict[str, Any] = json.loads(text)
    return payload


def failure_template(planned: dict[str, dict[str, Any]], call: str) -> str:
    address = f'module.{call}.aws_cloudwatch_event_target.failure["00"]'
    text: str = planned[address]["input_transformer"][0]["input_template"]
    return text


@pytest.mark.parametrize("kind", ["deadline", "start", "at_risk"])
def test_each_check_of_a_monitor_reads_the_modules_windows_then_its_own(
    planned: dict[str, dict[str, Any]], kind: str
) -> None:
    payload = as_the_scheduler_sends(schedule_input(planned, "windows", kind, "nightly-etl"))
    assert parse_windows(payload["maintenance_windows"]) == ETL_WINDOWS
    request = parse_event(payload, NOW)
    assert isinstance(request, CheckRequest)
    assert request.maintenance_windows == ETL_WINDOWS


def test_the_modules_windows_are_in_utc_whatever_the_monitors_zone(
    planned: dict[str, dict[str, Any]],
) -> None:
    payload = as_the_scheduler_sends(schedule_input(planned, "windows", "deadline", "billing"))
    assert parse_windows(payload["maintenance_windows"]) == MODULES


def test_each_window_is_exactly_one_of_the_contracts_shapes(
    planned: dict[str, dict[str, Any]],
) -> None:
    written = json.loads(schedule_input(planned, "windows", "deadline", "nightly-etl"))
    windows = written["maintenance_windows"]
    assert [set(w) for w in windows] == [RECURRING, ONE_OFF, ONE_OFF, RECURRING, RECURRING]
    assert [w["duration_minutes"] for w in windows if "schedule" in w] == [180, 90, 2880]
    assert all(type(w["duration_minutes"]) is int for w in windows if "schedule" in w)
    assert windows[2] == {
        "name": "release",
        "from": "2026-12-24T01:00:00+09:00",
        "until": "2026-12-24T05:00:00+09:00",
    }


def test_the_failure_rule_hands_each_monitor_its_windows(
    planned: dict[str, dict[str, Any]],
) -> None:
    stopped = datetime(2026, 12, 7, 16, tzinfo=UTC)
    event = status_change_event(
        f"{ETL.replace(':stateMachine:', ':execution:')}:run-1",
        "FAILED",
        stopped - timedelta(minutes=30),
        stopped,
    )
    template = failure_template(planned, "windows")
    given = json.loads(template.replace("<aws.events.event.json>", json.dumps(event)))
    # The module's once, beside the monitors; each monitor's own in its entry.
    assert parse_windows(given["maintenance_windows"]) == MODULES
    assert (
        [parse_windows(m.get("maintenance_windows")) for m in given["monitors"]]
        == [
            (),  # billing, which has none of its own: the rule lists its monitors by name
            ETL_WINDOWS[len(MODULES) :],
        ]
    )
    failure = parse_event(given, NOW)
    assert isinstance(failure, FailureEvent)
    assert [c.maintenance_windows for c in failure.changes] == [ETL_WINDOWS]


def test_without_windows_the_inputs_hold_no_maintenance_windows(
    planned: dict[str, dict[str, Any]],
) -> None:
    """A module without windows writes the inputs of a release without them: an upgrade
    changes no schedule and no rule."""
    for kind in ("deadline", "start", "at_risk"):
        assert "maintenance_windows" not in schedule_input(planned, "plain", kind, "nightly-etl")
    assert "maintenance_windows" not in failure_template(planned, "plain")
