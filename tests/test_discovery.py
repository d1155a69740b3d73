"""Onboarding by tag, through the handler on the emulator: the audit discovers a tagged
state machine, makes its schedules, follows its tags, reports bad tags once and their end
once, leaves a declared monitor's state machine alone, and reads a member account through
the member role. A discovered check's input is the one a declared monitor's would be."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID

from sfn_deadline_monitor import handler
from sfn_deadline_monitor.discovery import run as discovery_run
from sfn_deadline_monitor.state.discovered import DISCOVERED_KEY
from testkit.account import REGION, Account, answer
from testkit.audited_module import FUNCTION, GROUP, Module
from testkit.checks import check, count_calls, fail_once
from testkit.events import clock, event, recent, status_change
from testkit.fire_check import scheduled_event
from testkit.member import MEMBER_ACCOUNT, MEMBER_ROLE, member_state_machine

PREFIX = "deadline-monitor:"
# A declared monitor whose check is never due, so that the audit has nothing to say of it.
NEVER_DUE = "cron(0 0 1 1 ? 2099)"


@pytest.fixture(autouse=True)
def stopped_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handler, "datetime", clock(datetime.now(UTC)))


@pytest.fixture
def module(account: Account, state_table: Any) -> Module:
    declared = Module(account, state_table, {"etl": NEVER_DUE})
    declared.enable_discovery()
    return declared


def tag(account: Account, arn: str, **tags: str) -> None:
    """Tag ``arn`` with the module's tags (``start_by`` for ``start-by``)."""
    account.sfn.tag_resource(
        resourceArn=arn,
        tags=[{"key": PREFIX + k.replace("_", "-"), "value": v} for k, v in tags.items()],
    )


def onboarded(account: Account, module: Module, **tags: str) -> str:
    """A state machine ``orders`` tagged with ``tags``, then audited: its ARN."""
    arn = account.state_machine("orders")
    tag(account, arn, **tags)
    module.audit()
    return arn


def untag(account: Account, arn: str, *keys: str) -> None:
    account.sfn.untag_resource(resourceArn=arn, tagKeys=[PREFIX + k for k in keys])


def schedules(module: Module, group: str) -> dict[str, dict[str, Any]]:
    return {
        n: module.scheduler.get_schedule(GroupName=group, Name=n)
        for n in schedules_named(module, group)
    }


def subjects(module: Module) -> list[str]:
    """The subjects of the alerts published since the last read (reading takes them)."""
    return [a["Subject"] for a in module.alerts()]


def test_a_tagged_state_machine_is_monitored_as_a_declared_monitor_would_be(
    account: Account, module: Module
) -> None:
    arn = account.state_machine("orders")
    tag(account, arn, deadline="02:00 MON-FRI", timezone="Asia/Tokyo", start_by="01:30")
    module.audit()

    made = schedules(module, f"{GROUP}-discovered")["orders"]
    assert made["ScheduleExpression"] == "cron(0 2 ? * MON-FRI *)"
    assert made["ScheduleExpressionTimezone"] == "Asia/Tokyo"
    assert made["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert made["Target"]["Arn"] == FUNCTION
    assert made["Target"]["RoleArn"] == account.role_arn
    start = schedules(module, f"{GROUP}-discovered-start")["orders"]
    assert start["ScheduleExpression"] == "cron(30 1 ? * MON-FRI *)"
    assert subjects(module) == ["[OK] ops audit: 1 monitor(s) discovered: orders"]

    # The input is the one schedules.tf writes for the same monitor.
    deadline = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
    fired = scheduled_event(module.scheduler, f"{GROUP}-discovered", "orders", deadline)
    declared = event(
        arn,
        deadline,
        monitor="orders",
        lookback_minutes=180,
        schedule_expression="cron(0 2 ? * MON-FRI *)",
        scheduler_execution_id=fired["scheduler_execution_id"],
    )
    assert fired == declared
    check(fired)
    assert subjects(module)[-1].startswith("[MISSING] orders")


def test_the_schedules_follow_the_tags_and_an_unchanged_audit_writes_nothing(
    account: Account, module: Module, monkeypatch: pytest.MonkeyPatch
) -> None:
    arn = onboarded(account, module, deadline="02:00", at_risk="01:40")
    tag(account, arn, deadline="03:15 1+15", lookback="2h")
    untag(account, arn, "at-risk")
    module.audit(recent() + timedelta(minutes=1))

    made = schedules(module, f"{GROUP}-discovered")["orders"]
    assert made["ScheduleExpression"] == "cron(15 3 1,15 * ? *)"
    assert '"lookback_minutes": 120' in made["Target"]["Input"]
    assert schedules(module, f"{GROUP}-discovered-at-risk") == {}
    assert len(module.alerts()) == 1  # a change of schedule is no news

    calls = count_calls(monkeypatch)
    module.audit(recent() + timedelta(minutes=2))
    assert calls["GetResources"] == 1
    writes = {"CreateSchedule", "UpdateSchedule", "DeleteSchedule", "TransactWriteItems"}
    assert not writes & set(calls)


def test_removed_tags_stop_the_monitor_and_say_so_once(account: Account, module: Module) -> None:
    arn = onboarded(account, module, deadline="02:00")
    untag(account, arn, "deadline")
    module.audit(recent() + timedelta(minutes=1))
    module.audit(recent() + timedelta(minutes=2))

    assert schedules(module, f"{GROUP}-discovered") == {}
    sent = module.alerts()
    assert [a["Subject"] for a in sent] == [
        "[OK] ops audit: 1 monitor(s) discovered: orders",
        "[OK] ops audit: 1 no longer monitored: orders",
    ]
    assert "its tag deadline-monitor:deadline is gone" in sent[-1]["Message"]


def test_a_bad_tag_is_one_error_creates_nothing_and_recovers_once_fixed(
    account: Account, module: Module
) -> None:
    arn = onboarded(account, module, deadline="2am")
    module.audit(recent() + timedelta(minutes=1))

    assert schedules(module, f"{GROUP}-discovered") == {}
    (error,) = module.alerts()
    assert error["Subject"] == "[ERROR] ops audit: tags discovery cannot follow"
    assert f"{arn}: tag deadline-monitor:deadline: '2am' is not HH:MM" in error["Message"]
    assert "nothing is monitored from its tags until then" in error["Message"]

    tag(account, arn, deadline="02:00")
    module.audit(recent() + timedelta(minutes=2))
    fixed = module.alerts()[-1]
    assert fixed["Subject"] == "[RECOVERED] ops audit: tags fixed or removed"
    assert "now monitored from the tags of" in fixed["Message"]
    assert list(schedules(module, f"{GROUP}-discovered")) == ["orders"]


def test_a_bad_tag_on_a_discovered_monitor_keeps_its_schedules(
    account: Account, module: Module
) -> None:
    arn = onboarded(account, module, deadline="02:00")
    tag(account, arn, timezone="Asia/Tokio")
    module.audit(recent() + timedelta(minutes=1))

    made = schedules(module, f"{GROUP}-discovered")["orders"]
    assert made["ScheduleExpressionTimezone"] == "UTC"
    assert "still checked as monitor orders" in module.alerts()[-1]["Message"]


def test_a_declared_monitor_wins_over_the_tags(account: Account, module: Module) -> None:
    tag(account, module.arns["etl"], deadline="02:00")
    orders = account.state_machine("orders")
    tag(account, orders, deadline="02:00", name="etl")
    module.audit()

    assert schedules(module, f"{GROUP}-discovered") == {}
    (error,) = module.alerts()
    assert (
        f"{orders}: tag deadline-monitor:name: monitor name etl is a declared" in error["Message"]
    )
    assert module.arns["etl"] not in error["Message"]


def test_a_state_machine_declared_since_loses_what_discovery_made(
    account: Account, module: Module
) -> None:
    arn = onboarded(account, module, deadline="02:00")
    module.monitors["orders"] = module.monitors["etl"] | {"state_machine_arn": arn}
    module.write()
    module.audit(recent() + timedelta(minutes=1))

    assert schedules(module, f"{GROUP}-discovered") == {}
    assert "a declared monitor watches it now" in module.alerts()[-1]["Message"]


def test_a_member_accounts_tagged_state_machine_is_read_through_the_member_role(
    account: Account, state_table: Any
) -> None:
    module = Module(account, state_table, {})
    module.enable_discovery(member_role_arns=[MEMBER_ROLE])
    arn = member_state_machine()
    credentials = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{MEMBER_ACCOUNT}:role/deployer", RoleSessionName="tag"
    )["Credentials"]
    boto3.client(
        "stepfunctions",
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    ).tag_resource(resourceArn=arn, tags=[{"key": PREFIX + "deadline", "value": "15:10"}])
    module.audit()

    made = schedules(module, f"{GROUP}-discovered")["member-etl"]
    fired = scheduled_event(
        module.scheduler,
        f"{GROUP}-discovered",
        "member-etl",
        datetime(2026, 3, 10, 15, 10, tzinfo=UTC),
    )
    assert fired["role_arn"] == MEMBER_ROLE
    assert made["Target"]["Arn"] == FUNCTION
    check(fired)
    assert subjects(module)[-1].startswith("[FAILED] member-etl")


def test_an_account_whose_tags_cannot_be_read_keeps_its_monitors(
    account: Account, module: Module
) -> None:
    onboarded(account, module, deadline="02:00")
    refused = {"__type": "AccessDeniedException", "Message": "not authorized"}
    answer("resourcegroupstaggingapi", "GetResources", 400, refused, times=1)
    module.audit(recent() + timedelta(minutes=1))

    assert list(schedules(module, f"{GROUP}-discovered")) == ["orders"]
    unread = module.alerts()[-1]
    assert unread["Subject"] == "[ERROR] ops audit: tags discovery cannot read"
    assert "its discovered monitors stay as they were" in unread["Message"]


@pytest.mark.parametrize(
    ("service", "operation"), [("sns", "Publish"), ("dynamodb", "TransactWriteItems")]
)
def test_an_announcement_that_fails_is_made_by_the_retry_once(
    account: Account, module: Module, service: str, operation: str
) -> None:
    """Writing what is open with the discovered records, or the publish after it: either
    fails, and Lambda's retry of the same audit announces the discovery once."""
    arn = account.state_machine("orders")
    tag(account, arn, deadline="02:00")
    fail_once(service, operation)
    at = recent()
    with pytest.raises(Exception, match="failed by the test"):
        module.audit(at)
    module.audit(at)  # Lambda's retry of the same event

    assert subjects(module) == ["[OK] ops audit: 1 monitor(s) discovered: orders"]
    assert list(schedules(module, f"{GROUP}-discovered")) == ["orders"]


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("deadline", '{"Arn": "arn:aws:lambda:us-east-1:999999999999:function:x"}', "is not HH:MM"),
        ("deadline", "02:00 " + "MON+" * 100 + "MON", "is not a tag value"),
        ("timezone", "UTC\n", "is not a tag value"),
        ("name", "arn:aws:iam::999999999999:role/admin", "must be 1 to 64 letters"),
        ("format", "<aws.scheduler.scheduled-time>", "is not one of text, json, chat"),
        ("role", "arn:aws:iam::999999999999:role/admin", "is not a tag discovery reads"),
    ],
)
def test_a_hostile_tag_value_makes_nothing(
    account: Account, module: Module, key: str, value: str, said: str
) -> None:
    arn = account.state_machine("orders")
    tag(account, arn, deadline="02:00")
    account.sfn.tag_resource(resourceArn=arn, tags=[{"key": PREFIX + key, "value": value}])
    module.audit()

    assert schedules(module, f"{GROUP}-discovered") == {}
    (error,) = module.alerts()
    assert error["Subject"].startswith("[ERROR]")
    assert said in error["Message"]
    items = module.dynamodb.get_item(TableName="monitor-state", Key={"pk": {"S": DISCOVERED_KEY}})
    assert "Item" not in items or items["Item"]["chunks"]["N"] == "0"
    assert DEFAULT_ACCOUNT_ID in arn


def test_names_taken_twice_and_upstream_cycles_are_bad_tags(
    account: Account, module: Module
) -> None:
    first, second = account.state_machine("orders-a"), account.state_machine("orders-b")
    tag(account, first, deadline="02:00", name="orders")
    tag(account, second, deadline="02:00", name="orders")
    ping, pong = account.state_machine("ping"), account.state_machine("pong")
    tag(account, ping, deadline="02:00", upstream="pong")
    tag(account, pong, deadline="02:00", upstream="ping")
    follower = account.state_machine("follower")
    tag(account, follower, deadline="03:00", upstream="etl nobody")
    module.audit()

    assert schedules(module, f"{GROUP}-discovered") == {}
    text = module.alerts()[0]["Message"]
    for arn in (first, second):
        assert f"{arn}: tag deadline-monitor:name: 2 tagged state machines take" in text
    for arn, name in ((ping, "ping"), (pong, "pong")):
        assert f"{arn}: tag deadline-monitor:upstream: upstream makes a cycle ({name}" in text
    assert f"{follower}: tag deadline-monitor:upstream: upstream nobody is not" in text


def test_upstream_may_name_a_declared_monitor(account: Account, module: Module) -> None:
    follower = account.state_machine("follower")
    tag(account, follower, deadline="03:00", upstream="etl")
    module.audit()
    fired = scheduled_event(module.scheduler, f"{GROUP}-discovered", "follower", recent())
    assert fired["upstream"] == ["etl"]


def test_a_schedule_changed_by_hand_is_put_back_and_a_stray_one_deleted(
    account: Account, module: Module
) -> None:
    onboarded(account, module, deadline="02:00")
    group = f"{GROUP}-discovered"
    made = module.scheduler.get_schedule(GroupName=group, Name="orders")
    module.scheduler.update_schedule(
        Name="orders",
        GroupName=group,
        ScheduleExpression=made["ScheduleExpression"],
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=made["Target"],
        State="DISABLED",
    )
    module.scheduler.create_schedule(
        Name="stray",
        GroupName=group,
        ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": "arn:aws:lambda:us-east-1:999999999999:function:other",
            "RoleArn": account.role_arn,
        },
    )
    module.audit(recent() + timedelta(minutes=1))

    now = schedules(module, group)
    assert list(now) == ["orders"]
    assert now["orders"]["State"] == "ENABLED"


def discovered_failure(state_machine_arn: str, run: str = "run-1") -> dict[str, Any]:
    """The discovered monitors' failure rule's input (events.tf): the event alone."""
    execution = state_machine_arn.replace(":stateMachine:", ":execution:") + f":{run}"
    stop = recent()
    given = status_change(execution, "FAILED", stop - timedelta(minutes=5), stop)
    return {"version": 1, "check": "status_change", "discovered": True, "event": given["event"]}


def test_a_discovered_monitors_failed_run_is_reported_at_once(
    account: Account, module: Module
) -> None:
    arn = onboarded(account, module, deadline="02:00", timezone="Asia/Tokyo", format="json")
    subjects(module)

    check(discovered_failure(arn))
    check(discovered_failure(arn))  # EventBridge delivers at least once
    (sent,) = module.alerts()
    assert sent["Subject"].startswith("[FAILED] orders")
    facts = json.loads(sent["Message"])  # its format tag: json
    assert facts["monitor"] == "orders"
    assert facts["subject"].endswith("JST")  # its time zone tag


def test_a_failed_run_no_discovered_monitor_watches_sends_nothing(
    account: Account, module: Module
) -> None:
    untagged = account.state_machine("orders")
    summary = check(discovered_failure(untagged))
    check(discovered_failure(module.arns["etl"]))  # declared: its own rule reports it
    assert summary == {"check": "status_change", "monitors": []}
    assert module.alerts() == []


def test_a_discovered_failure_event_that_is_no_failed_run_is_an_error(
    account: Account, module: Module
) -> None:
    check({"version": 1, "check": "status_change", "discovered": True, "event": {"detail": {}}})
    (sent,) = module.alerts()
    assert sent["Subject"].startswith("[ERROR]")
    assert "malformed event" in sent["Message"]


@pytest.mark.slow
def test_the_calls_of_a_discovery_run_at_1000_tagged_state_machines(
    account: Account, module: Module, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/costs.md#discovery states these counts. The pace is not under test here: the
    benchmark (make bench-discovery) runs at the Scheduler's pace."""
    monkeypatch.setattr(discovery_run, "SCHEDULER_CALLS_PER_SECOND", 10**6)
    for n in range(1000):
        tag(account, account.state_machine(f"job-{n:04d}"), deadline="02:00")
    calls = count_calls(monkeypatch)
    module.audit()
    first = dict(calls)
    calls.clear()
    module.audit(recent() + timedelta(minutes=1))

    # moto ends a page at 99 resources of one tag each (its TagsPerPage of 100 counts the
    # next one); AWS answers the 100 of ResourcesPerPage, 10 calls.
    assert first["GetResources"] == 11
    assert first["CreateSchedule"] == 1000
    assert first["TransactWriteItems"] == 1  # the audit item and 10 discovered chunks
    assert calls["GetResources"] == 11
    assert {"CreateSchedule", "UpdateSchedule", "DeleteSchedule", "TransactWriteItems"}.isdisjoint(
        calls
    )
    assert len(schedules_named(module, f"{GROUP}-discovered")) == 1000


def schedules_named(module: Module, group: str) -> list[str]:
    pages = module.scheduler.get_paginator("list_schedules").paginate(GroupName=group)
    return [s["Name"] for page in pages for s in page["Schedules"]]


def test_a_kept_monitors_schedule_deleted_by_hand_asks_for_its_tags_not_terraform(
    account: Account, module: Module
) -> None:
    arn = onboarded(account, module, deadline="02:00")
    tag(account, arn, deadline="2am")
    module.scheduler.delete_schedule(GroupName=f"{GROUP}-discovered", Name="orders")
    module.audit(recent() + timedelta(minutes=1))

    text = module.alerts()[-1]["Message"]
    assert f"its deadline schedule {GROUP}-discovered/orders is missing: fix its state" in text
    assert "terraform apply" not in text
