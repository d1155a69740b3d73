"""Severities and incident keys (alerts/incident.py): which episode each alert belongs to,
as an incident tool deduplicating on the key sees it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sfn_deadline_monitor.alerts.incident import (
    DEFAULT_SEVERITY,
    audit_incident,
    incident_key,
    severity_of,
)
from sfn_deadline_monitor.check.monitor_settings import SEVERITIES
from sfn_deadline_monitor.check.verdict import PROBLEMS, Status
from sfn_deadline_monitor.state.records import MonitorState, OpenProblem
from testkit.events import at

NOW = at("2026-03-10T17:00")
EARLIER = NOW - timedelta(days=1)


def test_every_status_has_a_default_severity_of_the_four() -> None:
    assert set(DEFAULT_SEVERITY) == set(Status)
    assert {s: DEFAULT_SEVERITY[s] for s in Status} == {
        Status.OK: "info",
        Status.FAILED: "critical",
        Status.LATE: "critical",
        Status.MISSING: "critical",
        Status.ERROR: "critical",
        Status.RECOVERED: "info",
        Status.AT_RISK: "warning",
        Status.TOO_FAST: "error",
        Status.SKIPPED: "info",
    }
    assert set(DEFAULT_SEVERITY.values()) <= set(SEVERITIES)


def test_a_monitor_maps_only_the_statuses_it_names() -> None:
    overrides = {"AT_RISK": "critical", "MISSING": "error"}
    assert severity_of(Status.AT_RISK, overrides) == "critical"
    assert severity_of(Status.MISSING, overrides) == "error"
    assert severity_of(Status.FAILED, overrides) == "critical"
    assert severity_of(Status.RECOVERED, {}) == "info"


@pytest.mark.parametrize("status", sorted(PROBLEMS))
def test_a_first_problem_opens_an_episode_named_for_its_moment(status: Status) -> None:
    assert incident_key("etl", status, NOW, None) == "etl@2026-03-10T17:00:00Z"
    healthy = MonitorState(Status.RECOVERED, EARLIER, incident_key="etl@old")
    assert incident_key("etl", status, NOW, healthy) == "etl@2026-03-10T17:00:00Z"


def test_a_problem_after_a_problem_and_its_recovered_keep_the_episode() -> None:
    at_risk = MonitorState(Status.AT_RISK, EARLIER, since=EARLIER, incident_key="etl/first")
    assert incident_key("etl", Status.FAILED, NOW, at_risk) == "etl/first"
    assert incident_key("etl", Status.RECOVERED, NOW, at_risk) == "etl/first"


def test_a_problem_stored_before_keys_is_named_for_when_its_status_began() -> None:
    began = EARLIER - timedelta(days=2)
    legacy = MonitorState(Status.MISSING, EARLIER, since=began)
    assert incident_key("etl", Status.MISSING, NOW, legacy) == "etl@2026-03-07T17:00:00Z"
    without_since = MonitorState(Status.MISSING, EARLIER)
    assert incident_key("etl", Status.RECOVERED, NOW, without_since) == "etl@2026-03-09T17:00:00Z"


def test_ok_belongs_to_no_episode() -> None:
    failed = MonitorState(Status.FAILED, EARLIER, incident_key="etl/first")
    assert incident_key("etl", Status.OK, NOW, failed) is None
    assert incident_key("etl", Status.OK, NOW, None) is None


def problems(*kinds: str, since: timedelta = timedelta(0)) -> dict[str, OpenProblem]:
    """Open problems of the audit, by key, each open since NOW - ``since``."""
    found = [OpenProblem("etl", kind, f"{kind} text", NOW - since) for kind in kinds]
    return {p.key: p for p in found}


EPISODE = "ops.audit@2026-03-09T17:00:00Z"


def test_the_audits_first_problem_opens_an_episode_named_for_the_audit() -> None:
    assert audit_incident("ops", {}, None, problems("quiet"), any_new=True, now=NOW) == (
        "ops.audit@2026-03-10T17:00:00Z",
        "ops.audit@2026-03-10T17:00:00Z",
    )


def test_a_new_problem_joins_the_open_episode() -> None:
    before, now_open = problems("quiet"), problems("quiet", "disabled")
    assert audit_incident("ops", before, EPISODE, now_open, any_new=True, now=NOW) == (
        EPISODE,
        EPISODE,
    )


def test_some_problems_gone_while_others_stay_keeps_the_episode_and_resolves_nothing() -> None:
    before, now_open = problems("quiet", "disabled"), problems("quiet")
    assert audit_incident("ops", before, EPISODE, now_open, any_new=False, now=NOW) == (
        EPISODE,
        None,
    )


def test_nothing_left_open_closes_the_episode() -> None:
    assert audit_incident("ops", problems("quiet"), EPISODE, {}, any_new=False, now=NOW) == (
        None,
        EPISODE,
    )


def test_problems_stored_without_a_key_are_named_for_the_oldest() -> None:
    before = {
        **problems("quiet", since=timedelta(hours=2)),
        **problems("disabled", since=timedelta(days=1)),
    }
    assert audit_incident("ops", before, None, {}, any_new=False, now=NOW) == (None, EPISODE)
    assert audit_incident("ops", before, None, before, any_new=True, now=NOW) == (EPISODE, EPISODE)


def test_nothing_open_before_or_now_is_no_episode() -> None:
    assert audit_incident("ops", {}, None, {}, any_new=False, now=NOW) == (None, None)
