"""Discovery as the module writes it (discovery.tf, registry.tf, events.tf), read by the
function: in a mocked apply (a plan leaves the manifest unknown), the manifest's
``discovery`` parses into the settings the audit uses, a tagged monitor's inputs carry the
module's calendar and windows exactly as a declared monitor's schedule inputs do, and the
discovered monitors' failure rule hands the function an input it resolves. Without
discovery the manifest has no ``discovery`` at all."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from sfn_deadline_monitor.check.failure_events import is_discovered_failure
from sfn_deadline_monitor.discovery.tags import Discovered, read_tags
from sfn_deadline_monitor.state.registry import DiscoverySettings, Manifest
from sfn_deadline_monitor.state.registry import _manifest as parse_manifest
from testkit.mocked_plan import applied_values, mocks
from testkit.paths import ROOT

# A mocked apply of the module: 12 s of CPU time (make quick leaves it to make test).
pytestmark = pytest.mark.terraform

ETL = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
TAGGED = "arn:aws:states:us-east-1:000000000000:stateMachine:orders"
MEMBER = "arn:aws:iam::111122223333:role/sfn-deadline-member"
NOW = datetime(2026, 12, 7, 17, tzinfo=UTC)

MODULE_CALLS = [
    f"""module "found" {{
  source        = "../../"
  name          = "found"
  sns_topic_arn = "arn:aws:sns:us-east-1:000000000000:alerts"
  discovery     = {{ enabled = true, member_role_arns = ["{MEMBER}"], message_format = "chat" }}
  calendars = {{
    jp-business = {{
      exclude_dates = ["2027-01-01", "2026-12-31"], exclude_weekdays = ["SUN", "SAT"]
    }}
  }}
  maintenance_windows = [
    {{ name = "weekly-db", schedule = "cron(0 1 ? * SUN *)", duration = "3h" }}
  ]
  monitors = {{
    etl = {{ state_machine_arn = "{ETL}", calendar = "jp-business" }}
  }}
}}
""",
    f"""module "declared_only" {{
  source        = "../../"
  name          = "declared-only"
  sns_topic_arn = "arn:aws:sns:us-east-1:000000000000:alerts"
  monitors      = {{ etl = {{ state_machine_arn = "{ETL}" }} }}
}}
""",
]


@pytest.fixture(scope="module")
def planned() -> dict[str, dict[str, Any]]:
    mocked = mocks(ROOT / "tests" / "module.tftest.hcl")
    return applied_values(MODULE_CALLS, mocked, ROOT / ".build" / "discovery-plan")


def manifest_of(planned: dict[str, dict[str, Any]], call: str) -> dict[str, Any]:
    item = json.loads(planned[f"module.{call}.aws_dynamodb_table_item.manifest[0]"]["item"])
    manifest: dict[str, Any] = json.loads(item["manifest"]["S"])
    return manifest


def settings_of(planned: dict[str, dict[str, Any]]) -> DiscoverySettings:
    parsed: Manifest = parse_manifest(manifest_of(planned, "found"))
    assert parsed.discovery is not None
    return parsed.discovery


def declared_input(planned: dict[str, dict[str, Any]]) -> dict[str, Any]:
    address = 'module.found.module.schedules["deadline"].aws_scheduler_schedule.this["etl"]'
    payload: dict[str, Any] = json.loads(planned[address]["target"][0]["input"])
    return payload


def test_the_manifest_holds_what_discovery_reads(planned: dict[str, dict[str, Any]]) -> None:
    settings = settings_of(planned)
    assert settings.tag_prefix == "deadline-monitor:"
    assert settings.member_role_arns == (MEMBER,)
    assert settings.schedule_groups == {
        "deadline": "found-discovered",
        "start": "found-discovered-start",
        "at_risk": "found-discovered-at-risk",
    }
    assert (settings.lookback_minutes, settings.message_format) == (180, "chat")
    assert "discovery" not in manifest_of(planned, "declared_only")


def test_a_tagged_monitor_carries_the_calendar_and_windows_a_declared_one_does(
    planned: dict[str, dict[str, Any]],
) -> None:
    tags = {"deadline-monitor:deadline": "02:00", "deadline-monitor:calendar": "jp-business"}
    found = read_tags(TAGGED, tags, settings_of(planned), None, NOW)
    assert isinstance(found, Discovered), found
    declared = declared_input(planned)
    assert found.inputs["deadline"]["calendar"] == declared["calendar"]
    assert found.inputs["deadline"]["maintenance_windows"] == declared["maintenance_windows"]
    assert found.inputs["deadline"]["message_format"] == "chat"


def test_the_discovered_failure_rule_names_no_monitor(planned: dict[str, dict[str, Any]]) -> None:
    rule = planned["module.found.aws_cloudwatch_event_rule.discovered_failures[0]"]
    assert rule["name"] == "found-sfn-failed-discovered"
    assert json.loads(rule["event_pattern"])["detail"] == {
        "status": ["FAILED", "TIMED_OUT", "ABORTED"]
    }
    target = planned["module.found.aws_cloudwatch_event_target.discovered_failures[0]"]
    template = target["input_transformer"][0]["input_template"]
    given = json.loads(template.replace("<aws.events.event.json>", '{"detail": {}}'))
    assert is_discovered_failure(given)
    assert "found-sfn-failed-discovered" in manifest_of(planned, "found")["failure_rules"]
