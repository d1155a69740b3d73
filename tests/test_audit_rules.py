"""The audit's judgement, pure: which monitor went quiet, and which problem is reported
once, then once more when it is gone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sfn_deadline_monitor.audit.rules import (
    ScheduleSeen,
    find_problems,
    reconcile,
    state_machine_problems,
)
from sfn_deadline_monitor.check.schedule_expression import parse
from sfn_deadline_monitor.state.records import checked_key
from sfn_deadline_monitor.state.registry import Manifest, MonitorSpec, Registry, ScheduleSpec
from testkit.events import at

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:ops-sfn-deadline-check"
ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:etl"
GROUP = "ops"
LONG_AGO = at("2026-01-01T00:00")


def registry(*monitors: MonitorSpec, grace_minutes: int = 60) -> Registry:
    manifest = Manifest(
        name="ops",
        region="us-east-1",
        function_arn=FUNCTION,
        alert_topic_arn="arn:aws:sns:us-east-1:123456789012:alerts",
        alarm_topic_arn="arn:aws:sns:us-east-1:123456789012:alerts",
        schedule_groups={"deadline": GROUP},
        audit_grace=timedelta(minutes=grace_minutes),
        audit_format="text",
        queues={"undelivered": "https://q/undelivered", "check_failures": "https://q/failures"},
        failure_rules=(),
        alarms=(),
        kms_keys={},
        key_policies={},
        roles={},
    )
    return Registry(manifest, {m.name: m for m in monitors})


def monitor(
    expression: str = "cron(0 2 * * ? *)",
    timezone: str = "UTC",
    *,
    enabled: bool = True,
    arn: str = ARN,
    role_arn: str | None = None,
) -> MonitorSpec:
    return MonitorSpec(
        name="etl",
        state_machine_arn=arn,
        role_arn=role_arn,
        timezone=timezone,
        lookback=timedelta(hours=3),
        enabled=enabled,
        schedules=(ScheduleSpec("deadline", GROUP, parse(expression)),),
        failure_rule=None,
    )


def seen(state: str = "ENABLED", target: str = FUNCTION, modified=LONG_AGO) -> dict:
    return {(GROUP, "etl"): ScheduleSeen(state, target, modified)}


def kinds(problems) -> list[str]:
    return [p.kind for p in problems]


def test_a_healthy_monitor_has_no_problem() -> None:
    checked = {checked_key("etl", "deadline"): at("2026-03-10T02:00")}
    assert find_problems(registry(monitor()), seen(), checked, {}, at("2026-03-10T05:00")) == []


@pytest.mark.parametrize(
    ("schedules", "kind", "words"),
    [
        ({}, "schedule_missing:deadline", "its deadline schedule ops/etl is missing"),
        (seen("DISABLED"), "schedule_disabled:deadline", "is DISABLED although the module"),
        (seen(target=FUNCTION + "-old"), "schedule_retargeted:deadline", "not the check function"),
    ],
)
def test_a_schedule_changed_by_hand_is_named(schedules: dict, kind: str, words: str) -> None:
    (problem,) = find_problems(registry(monitor()), schedules, {}, {}, at("2026-03-10T05:00"))
    assert (problem.monitor, problem.kind) == ("etl", kind)
    assert words in problem.text


def test_a_paused_monitor_may_be_disabled_and_is_not_judged_quiet() -> None:
    paused = registry(monitor(enabled=False))
    assert find_problems(paused, seen("DISABLED"), {}, {}, at("2026-03-10T05:00")) == []


def test_quiet_only_once_the_grace_has_passed() -> None:
    """02:00's check has 60 minutes of grace: at 02:59 it may still be under way."""
    before = {checked_key("etl", "deadline"): at("2026-03-09T02:00")}
    assert find_problems(registry(monitor()), seen(), before, {}, at("2026-03-10T02:59")) == []
    (problem,) = find_problems(registry(monitor()), seen(), before, {}, at("2026-03-10T03:01"))
    assert problem.kind == "quiet:deadline"
    assert "no deadline check completed for its fire time 2026-03-10T02:00:00+00:00" in problem.text


def test_a_fire_before_the_schedule_last_changed_is_not_judged() -> None:
    fresh = seen(modified=at("2026-03-10T02:30"))
    assert find_problems(registry(monitor()), fresh, {}, {}, at("2026-03-10T04:00")) == []


def test_a_time_skipped_on_a_daylight_saving_day_is_reported() -> None:
    """02:30 does not exist in New York on 2026-03-08: the Scheduler skips that check."""
    new_york = monitor("cron(30 2 * * ? *)", "America/New_York")
    checked = {checked_key("etl", "deadline"): at("2026-03-07T07:30")}
    (problem,) = find_problems(registry(new_york), seen(), checked, {}, at("2026-03-08T09:00"))
    assert problem.kind == "skipped:deadline"
    assert "does not exist in America/New_York on a daylight saving change" in problem.text
    assert "--at 2026-03-08T07:30:00+00:00" in problem.text
    # The next day's check completed: nothing is open any more.
    checked = {checked_key("etl", "deadline"): at("2026-03-09T06:30")}
    assert find_problems(registry(new_york), seen(), checked, {}, at("2026-03-09T09:00")) == []


def test_a_rate_monitor_is_quiet_when_no_check_completed_within_its_interval() -> None:
    hourly = monitor("rate(1 hour)")
    recent = {checked_key("etl", "deadline"): at("2026-03-10T03:30")}
    assert find_problems(registry(hourly), seen(), recent, {}, at("2026-03-10T05:00")) == []
    stale = {checked_key("etl", "deadline"): at("2026-03-10T02:30")}
    assert kinds(find_problems(registry(hourly), seen(), stale, {}, at("2026-03-10T05:00"))) == [
        "quiet:deadline"
    ]


def test_a_failure_queue_with_messages_is_a_problem_of_the_module() -> None:
    checked = {checked_key("etl", "deadline"): at("2026-03-10T02:00")}
    problems = find_problems(
        registry(monitor()),
        seen(),
        checked,
        {"undelivered": 0, "check_failures": 2},
        at("2026-03-10T05:00"),
    )
    (problem,) = problems
    assert (problem.monitor, problem.kind) == (None, "queue_not_empty:check_failures")
    assert problem.text.startswith("2 message(s) wait in the check_failures queue")


def test_each_problem_is_new_once_and_recovered_once() -> None:
    first = find_problems(registry(monitor()), seen("DISABLED"), {}, {}, at("2026-03-10T05:00"))
    opened = reconcile({}, first)
    assert kinds(opened.new) == ["schedule_disabled:deadline"]
    later = find_problems(registry(monitor()), seen("DISABLED"), {}, {}, at("2026-03-10T06:00"))
    again = reconcile(opened.open, later)
    assert (again.new, again.recovered) == ((), ())
    assert [p.since for p in again.open.values()] == [at("2026-03-10T05:00")]
    checked = {checked_key("etl", "deadline"): at("2026-03-10T02:00")}
    fixed = find_problems(registry(monitor()), seen(), checked, {}, at("2026-03-10T07:00"))
    closed = reconcile(again.open, fixed)
    assert (kinds(closed.recovered), closed.open) == (["schedule_disabled:deadline"], {})


OWN = (None, "us-east-1")
MEMBER_ROLE = "arn:aws:iam::111122223333:role/sfn-deadline-read"
MEMBER_ARN = "arn:aws:states:us-east-1:111122223333:stateMachine:etl"


@pytest.mark.parametrize(
    ("listed", "kind", "words"),
    [
        ({}, "state_machine_missing", f"its state machine {ARN} does not exist in 123456789012/"),
        ({ARN: "EXPRESS"}, "state_machine_not_standard", "is EXPRESS: ListExecutions cannot"),
    ],
)
def test_a_state_machine_that_is_missing_or_express_is_named(
    listed: dict, kind: str, words: str
) -> None:
    (problem,) = state_machine_problems(
        registry(monitor()), {OWN: listed}, {}, {}, at("2026-03-10T05:00")
    )
    assert (problem.monitor, problem.kind) == ("etl", kind)
    assert words in problem.text


@pytest.mark.parametrize(
    "listed",
    [{ARN: "STANDARD"}, {ARN: None}],  # a listing without the type is not judged on it
)
def test_a_standard_state_machine_is_no_problem(listed: dict) -> None:
    assert state_machine_problems(registry(monitor()), {OWN: listed}, {}, {}, LONG_AGO) == []


def test_a_version_or_alias_is_judged_by_its_state_machine() -> None:
    alias = monitor(arn=f"{ARN}:prod")
    assert state_machine_problems(registry(alias), {OWN: {ARN: "STANDARD"}}, {}, {}, LONG_AGO) == []


def test_a_member_state_machine_is_looked_for_in_its_role_account() -> None:
    member = monitor(arn=MEMBER_ARN, role_arn=MEMBER_ROLE)
    listed = {(MEMBER_ROLE, "us-east-1"): {}}
    (problem,) = state_machine_problems(registry(member), listed, {}, {}, LONG_AGO)
    assert "does not exist in 111122223333/us-east-1" in problem.text


def test_an_unread_account_is_a_problem_and_recovers_nothing() -> None:
    """A missing state machine stays open while its account cannot be listed: unread is
    neither missing nor found."""
    first = state_machine_problems(registry(monitor()), {OWN: {}}, {}, {}, LONG_AGO)
    opened = reconcile({}, first)
    refused = {OWN: "ListStateMachines: AccessDeniedException"}
    later = state_machine_problems(registry(monitor()), {}, refused, opened.open, LONG_AGO)
    findings = reconcile(opened.open, later)
    assert findings.recovered == ()
    assert kinds(findings.new) == ["state_machines_unread:function:us-east-1"]
    assert sorted(findings.open) == [
        "-#state_machines_unread:function:us-east-1",
        "etl#state_machine_missing",
    ]
