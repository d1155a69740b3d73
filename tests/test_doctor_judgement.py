"""The doctor's judgement on what it read, without AWS: a function that is not Active, a key
that is not Enabled, and alarms that would not reach anyone fail (or warn), naming the
resource and its state; the healthy case passes."""

from __future__ import annotations

import pytest

from dev import doctor_findings
from sfn_deadline_monitor.doctor import access, checks
from sfn_deadline_monitor.doctor.checks import Level

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:team-sfn-deadline-check"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TOPIC = "arn:aws:sns:us-east-1:123456789012:team-alarms"
ALARM = "team-sfn-deadline-check-errors"


@pytest.mark.parametrize(("state", "reason"), [("Pending", "Creating"), ("Inactive", "Idle")])
def test_a_function_that_is_not_active_fails_naming_its_state(state: str, reason: str) -> None:
    finding = checks.function(FUNCTION, {"State": state, "StateReason": reason})
    assert (finding.level, finding.what) == (
        Level.FAIL,
        f"function {FUNCTION} is {state} ({reason})",
    )


def test_an_active_function_passes() -> None:
    assert checks.function(FUNCTION, {"State": "Active"}).level is Level.PASS


@pytest.mark.parametrize("state", ["Disabled", "PendingDeletion"])
def test_a_key_that_is_not_enabled_fails_naming_its_state(state: str) -> None:
    finding = access.key("alert_topic", KEY, (state, []), [])
    assert finding.level is Level.FAIL
    assert finding.what.startswith(f"key {KEY} (alert_topic) is {state}: ")


def test_an_enabled_key_whose_policy_holds_what_is_required_passes() -> None:
    assert access.key("alert_topic", KEY, ("Enabled", []), []).level is Level.PASS


def alarm(actions: list[str], enabled: bool = True) -> dict[str, object]:
    return {"AlarmName": ALARM, "ActionsEnabled": enabled, "AlarmActions": actions}


def test_an_alarm_without_actions_fails() -> None:
    (finding,) = checks.alarms([ALARM], {ALARM: alarm([])}, TOPIC)
    assert finding.level is Level.FAIL
    assert finding.what.startswith("1 alarm(s) without an alarm action")


def test_an_alarm_notifying_another_topic_warns() -> None:
    (finding,) = checks.alarms([ALARM], {ALARM: alarm([TOPIC + "-other"])}, TOPIC)
    assert finding.level is Level.WARN
    assert finding.what.startswith(f"1 alarm(s) not notifying {TOPIC}")


def test_alarms_that_notify_the_topic_pass() -> None:
    (finding,) = checks.alarms([ALARM], {ALARM: alarm([TOPIC])}, TOPIC)
    assert finding.level is Level.PASS


def test_every_line_doctor_prints_is_as_documented() -> None:
    """docs/doctor-findings.md holds the line of each case of dev/doctor_findings.py, one per
    branch of the judgements: a changed level, wording or fix fails here until the page is
    regenerated and reviewed."""
    assert doctor_findings.DOC.read_text() == doctor_findings.render(), (
        "run `PYTHONPATH=lambda_src python -m dev.doctor_findings`"
    )
