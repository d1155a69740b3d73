"""The audit's judgement, pure: which monitor went quiet, and which problem is reported
once, then once more when it is gone."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from sfn_deadline_monitor.audit.rules import (
    find_problems,
    reconcile,
    state_machine_problems,
)
from sfn_deadline_monitor.check.schedule_expression import parse
from sfn_deadline_monitor.state.records import OpenProblem, checked_key
from sfn_deadline_monitor.state.registry import (
    Manifest,
    MonitorSpec,
    Registry,
    ScheduleSeen,
    ScheduleSpec,
)
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


# What each problem says, whole: the audit's alert is this text.
NOW = at("2026-03-10T05:00")
RESTORE = "run terraform apply to restore it"


@pytest.mark.parametrize(
    ("schedules", "problem"),
    [
        (
            {},
            OpenProblem(
                "etl",
                "schedule_missing:deadline",
                f"its deadline schedule ops/etl is missing: {RESTORE}",
                NOW,
            ),
        ),
        (
            seen("DISABLED"),
            OpenProblem(
                "etl",
                "schedule_disabled:deadline",
                "its deadline schedule ops/etl is DISABLED although the module has it enabled: "
                + RESTORE,
                NOW,
            ),
        ),
        (
            seen(target=FUNCTION + "-old"),
            OpenProblem(
                "etl",
                "schedule_retargeted:deadline",
                f"its deadline schedule ops/etl invokes {FUNCTION}-old, not the check function: "
                + RESTORE,
                NOW,
            ),
        ),
    ],
)
def test_a_schedule_problem_says_what_changed_and_the_fix(
    schedules: dict, problem: OpenProblem
) -> None:
    assert find_problems(registry(monitor()), schedules, {}, {}, NOW) == [problem]


@pytest.mark.parametrize(
    ("checked", "ago"),
    [
        (
            {checked_key("etl", "deadline"): at("2026-03-09T02:00")},
            "last completed: 2026-03-09T02:00:00+00:00",
        ),
        ({}, "none has completed yet"),
    ],
)
def test_a_quiet_monitor_says_which_fire_time_and_the_last_completed(
    checked: dict, ago: str
) -> None:
    now = at("2026-03-10T03:31")
    assert find_problems(registry(monitor(), grace_minutes=90), seen(), checked, {}, now) == [
        OpenProblem(
            "etl",
            "quiet:deadline",
            f"no deadline check completed for its fire time 2026-03-10T02:00:00+00:00 ({ago}), "
            "90 minutes of grace later: the function may have failed before it could record "
            "(see its log group and the check-failures queue)",
            now,
        )
    ]


def test_a_skipped_fire_time_says_how_to_check_it_by_hand() -> None:
    new_york = monitor("cron(30 2 * * ? *)", "America/New_York")
    checked = {checked_key("etl", "deadline"): at("2026-03-07T07:30")}
    now = at("2026-03-08T09:00")
    assert find_problems(registry(new_york), seen(), checked, {}, now) == [
        OpenProblem(
            "etl",
            "skipped:deadline",
            "the Scheduler skipped its deadline check due at 2026-03-08T07:30:00+00:00: that "
            "time does not exist in America/New_York on a daylight saving change, so that "
            "window's run was not checked (last completed: 2026-03-07T07:30:00+00:00). Check "
            f"it by hand: python -m sfn_deadline_monitor check --state-machine-arn {ARN} "
            "--lookback 180 --at 2026-03-08T07:30:00+00:00",
            now,
        )
    ]


def test_a_schedule_that_has_not_started_yet_is_not_quiet() -> None:
    """Its start_date is after the last fire time the grace allows judging: nothing was due."""
    spec = ScheduleSpec("deadline", GROUP, parse("cron(0 2 * * ? *)"), at("2026-03-10T01:00"))
    later = replace(monitor(), schedules=(spec,))
    assert find_problems(registry(later), seen(), {}, {}, at("2026-03-10T02:30")) == []
    ended = ScheduleSpec(
        "deadline", GROUP, parse("cron(0 2 * * ? *)"), None, at("2026-03-09T01:00")
    )
    assert find_problems(registry(replace(monitor(), schedules=(ended,))), seen(), {}, {}, NOW) == [
        OpenProblem(
            "etl",
            "quiet:deadline",
            "no deadline check completed for its fire time 2026-03-08T02:00:00+00:00 (none has "
            "completed yet), 60 minutes of grace later: the function may have failed before it "
            "could record (see its log group and the check-failures queue)",
            NOW,
        )
    ]


def test_each_failure_queue_that_holds_a_message_says_what_it_holds() -> None:
    checked = {checked_key("etl", "deadline"): at("2026-03-10T02:00")}
    depths = {"undelivered": 1, "check_failures": 0, "spare": 4}
    plain = registry(monitor())
    queues = {**plain.manifest.queues, "spare": "https://q/spare"}
    spare = Registry(replace(plain.manifest, queues=queues), plain.monitors)
    assert find_problems(spare, seen(), checked, depths, NOW) == [
        OpenProblem(
            None,
            "queue_not_empty:spare",
            "4 message(s) wait in the spare queue (https://q/spare): undelivered work. Read "
            "them (aws sqs receive-message), check what they name by hand, then delete them.",
            NOW,
        ),
        OpenProblem(
            None,
            "queue_not_empty:undelivered",
            "1 message(s) wait in the undelivered queue (https://q/undelivered): checks and "
            "failure events the Scheduler or EventBridge could not deliver. Read them (aws sqs "
            "receive-message), check what they name by hand, then delete them.",
            NOW,
        ),
    ]


def named(name: str, **more: object) -> MonitorSpec:
    return replace(monitor(**more), name=name)  # type: ignore[arg-type]


def test_unread_state_machines_are_one_problem_per_reader_naming_a_few_monitors() -> None:
    """Seven monitors read by the function's role, one by a member role; both lists were
    refused. A missing state machine found before stays open: unread is not recovered."""
    monitors = [named(f"m{n}") for n in range(7)]
    member = named("remote", arn=MEMBER_ARN, role_arn=MEMBER_ROLE)
    missing = OpenProblem("m3", "state_machine_missing", "its state machine ...", LONG_AGO)
    other = OpenProblem("m4", "quiet:deadline", "no deadline check ...", LONG_AGO)
    refused = {OWN: "AccessDeniedException", (MEMBER_ROLE, "us-east-1"): "ExpiredToken"}
    found = state_machine_problems(
        registry(*monitors, member), {}, refused, {"a": missing, "b": other}, NOW
    )
    # Readers in the order of their (role, region), the function's own (None) last.
    assert found == [
        missing,
        OpenProblem(
            None,
            f"state_machines_unread:{MEMBER_ROLE}:us-east-1",
            f"the member role {MEMBER_ROLE} could not list the state machines in us-east-1 "
            "(ExpiredToken), so the audit cannot tell whether the state machines of 1 "
            "monitor(s) exist: remote. Fix: apply modules/member-role of this release in "
            "account 111122223333, which grants states:ListStateMachines",
            NOW,
        ),
        OpenProblem(
            None,
            "state_machines_unread:function:us-east-1",
            "the function's role could not list the state machines in us-east-1 "
            "(AccessDeniedException), so the audit cannot tell whether the state machines of 7 "
            "monitor(s) exist: m0, m1, m2, m3, m4 and 2 more. Fix: let the function's role call "
            "states:ListStateMachines (terraform apply of this release grants it; a permissions "
            "boundary or service control policy may deny it)",
            NOW,
        ),
    ]


def test_a_missing_state_machine_says_where_it_was_looked_for_and_the_fix() -> None:
    first, second = named("first"), named("second", arn=ARN + "-2")
    found = state_machine_problems(registry(first, second), {OWN: {ARN: "STANDARD"}}, {}, {}, NOW)
    assert found == [
        OpenProblem(
            "second",
            "state_machine_missing",
            f"its state machine {ARN}-2 does not exist in 123456789012/us-east-1: each of its "
            "checks reports ERROR. Fix: correct the monitor's state_machine_arn (a typo?) or "
            "create the state machine",
            NOW,
        )
    ]


def test_a_fire_time_at_the_very_moment_the_schedule_changed_is_judged() -> None:
    """The schedule was last changed at 02:00, the fire time itself: that fire was due."""
    changed = seen(modified=at("2026-03-10T02:00"))
    assert kinds(find_problems(registry(monitor()), changed, {}, {}, NOW)) == ["quiet:deadline"]


@pytest.mark.parametrize(
    ("count", "shown"), [(5, "m0, m1, m2, m3, m4"), (6, "m0, m1, m2, m3, m4 and 1 more")]
)
def test_an_unread_reader_names_five_monitors_then_counts_the_rest(count: int, shown: str) -> None:
    monitors = [named(f"m{n}") for n in range(count)]
    (problem,) = state_machine_problems(registry(*monitors), {}, {OWN: "Throttled"}, {}, NOW)
    assert f"{count} monitor(s) exist: {shown}. Fix:" in problem.text
