"""The audit through the handler, against emulated AWS: the registry in the state table, the
schedules in the Scheduler, the failure queues in SQS. A monitor that went quiet is named
once, then once more when it recovers."""

from __future__ import annotations

import hashlib
import json
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.core import DEFAULT_ACCOUNT_ID

from sfn_deadline_monitor import aws, handler
from sfn_deadline_monitor.formatting import iso
from sfn_deadline_monitor.state.records import open_problems
from sfn_deadline_monitor.state.registry import RegistryError
from testkit.account import REGION, Account
from testkit.audited_module import EVERY_MINUTE, FUNCTION, GROUP, Module
from testkit.checks import check, fail_once
from testkit.events import clock, recent
from testkit.member import MEMBER_ACCOUNT, MEMBER_ROLE, member_state_machine

GRACE = timedelta(minutes=5)


@pytest.fixture
def module(account: Account, state_table: Any) -> Module:
    return Module(account, state_table, {"etl": EVERY_MINUTE, "billing": EVERY_MINUTE})


@pytest.fixture(autouse=True)
def stopped_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The handler reads the clock once per invocation. Stopped at the test's start, the
    fire time a test computes is the one the audit judges, even when a minute turns
    between them (every schedule here fires each minute)."""
    monkeypatch.setattr(handler, "datetime", clock(datetime.now(UTC)))


def remembered(state_table: Any) -> list[str]:
    """The keys of the problems the audit holds open."""
    item = state_table.get_item(TableName="monitor-state", Key={"pk": {"S": "audit"}})
    return sorted(open_problems(item.get("Item")))


def due_fire() -> datetime:
    """The fire time the audit judges on the handler's clock: the latest minute at least
    GRACE ago."""
    return (handler.datetime.now(UTC) - GRACE).replace(second=0, microsecond=0)


def test_monitors_that_check_on_time_are_not_reported(module: Module) -> None:
    for name in ("etl", "billing"):
        module.deadline_check(name, due_fire())
    module.account.published()  # the checks' MISSING alerts
    result = module.audit()
    assert (result["open_problems"], module.alerts()) == (0, [])


def test_a_check_skipped_on_its_calendars_day_off_is_not_quiet(module: Module) -> None:
    """The fire time falls on a day the monitors' calendar excludes: their checks send
    nothing (SKIPPED), but they completed, so the audit finds no monitor quiet."""
    fire = due_fire()
    day_off = {"name": "off", "exclude_dates": [f"{fire:%Y-%m-%d}"], "exclude_weekdays": []}
    for name in ("etl", "billing"):
        assert module.deadline_check(name, fire, calendar=day_off)["status"] == "SKIPPED"
    assert module.account.published() == []
    result = module.audit()
    assert (result["open_problems"], module.alerts()) == (0, [])


def test_a_schedule_disabled_by_hand_is_named_once_then_recovers_once(module: Module) -> None:
    for name in ("etl", "billing"):
        module.deadline_check(name, due_fire())
    module.account.published()
    module.scheduler.update_schedule(
        Name="etl",
        GroupName=GROUP,
        State="DISABLED",
        ScheduleExpression=EVERY_MINUTE,
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": FUNCTION, "RoleArn": module.account.role_arn},
    )
    module.audit()
    (alert,) = module.alerts()
    assert alert["Subject"] == "[ERROR] ops audit: 1 monitor(s) stopped checking: etl"
    assert (
        "- etl: its deadline schedule ops/etl is DISABLED although the module" in alert["Message"]
    )
    episode = f"ops.audit@{iso(handler.datetime.now(UTC).replace(microsecond=0))}"
    assert {k: v["Value"] for k, v in alert["MessageAttributes"].items()} == {
        "status": "ERROR",
        "monitor": "ops",
        "check": "audit",
        "severity": "critical",
        "incident_key": episode,
    }
    module.audit(recent() - timedelta(minutes=1))
    assert module.alerts() == []  # reported once
    module.scheduler.update_schedule(
        Name="etl",
        GroupName=GROUP,
        State="ENABLED",
        ScheduleExpression=EVERY_MINUTE,
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": FUNCTION, "RoleArn": module.account.role_arn},
    )
    module.audit(recent() - timedelta(minutes=2))
    (recovered,) = module.alerts()
    assert recovered["Subject"] == "[RECOVERED] ops audit: 1 monitor(s) check again: etl"
    # Nothing is left open: the RECOVERED closes the episode the ERROR opened.
    assert recovered["MessageAttributes"]["incident_key"]["Value"] == episode


def test_one_audit_episode_until_nothing_is_open(module: Module, state_table: Any) -> None:
    """Two problems: one gone while the other stays (no key: it must not resolve the
    incident), a third joining, then all gone: one key from first to last."""

    def disable(name: str, state: str) -> None:
        module.scheduler.update_schedule(
            Name=name,
            GroupName=GROUP,
            State=state,
            ScheduleExpression=EVERY_MINUTE,
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": FUNCTION, "RoleArn": module.account.role_arn},
        )

    def keys() -> list[str | None]:
        return [
            a["MessageAttributes"].get("incident_key", {}).get("Value") for a in module.alerts()
        ]

    for name in ("etl", "billing"):
        module.deadline_check(name, due_fire())
    module.account.published()
    disable("etl", "DISABLED")
    disable("billing", "DISABLED")
    module.audit()
    (episode,) = keys()
    assert episode is not None and episode.startswith("ops.audit@")
    disable("etl", "ENABLED")
    module.audit(recent() - timedelta(minutes=1))
    assert keys() == [None]  # etl is back, billing is not
    module.account.sqs.send_message(QueueUrl=module.queues["check_failures"], MessageBody="{}")
    module.audit(recent() - timedelta(minutes=2))
    assert keys() == [episode]  # a new problem joins
    item = state_table.get_item(TableName="monitor-state", Key={"pk": {"S": "audit"}})["Item"]
    assert item["incident_key"] == {"S": episode}
    disable("billing", "ENABLED")
    module.account.sqs.purge_queue(QueueUrl=module.queues["check_failures"])
    module.audit(recent() - timedelta(minutes=3))
    assert keys() == [episode]
    item = state_table.get_item(TableName="monitor-state", Key={"pk": {"S": "audit"}})["Item"]
    assert "incident_key" not in item


def test_a_monitor_whose_check_never_completed_is_quiet_after_its_grace(module: Module) -> None:
    """billing's function died before it could record: no checked item for its fire time."""
    module.deadline_check("etl", due_fire())
    module.account.published()
    module.audit()
    (alert,) = module.alerts()
    assert alert["Subject"] == "[ERROR] ops audit: 1 monitor(s) stopped checking: billing"
    assert "- billing: no deadline check completed for its fire time" in alert["Message"]
    assert "none has completed yet), 5 minutes of grace later" in alert["Message"]
    module.audit(recent() - timedelta(minutes=1))
    assert module.alerts() == []


def test_a_duplicate_audit_delivery_sends_nothing(module: Module) -> None:
    at = recent()
    module.audit(at)
    assert len(module.alerts()) == 1
    assert module.audit(at) == {"check": "audit", "duplicate": True}
    assert module.alerts() == []


def test_a_failed_record_of_the_open_problems_sends_no_second_alert(
    module: Module, state_table: Any
) -> None:
    """The open problems are written before the alert is published: when that write
    fails, nothing is sent, and the next audit announces the problem once."""
    module.deadline_check("etl", due_fire())
    module.account.published()
    fail_once("dynamodb", "PutItem", lambda params: params["Item"]["pk"]["S"] == "audit")
    with pytest.raises(ClientError, match="failed by the test"):
        module.audit()
    module.audit(recent() - timedelta(minutes=1))
    module.audit(recent() - timedelta(minutes=2))
    (alert,) = module.alerts()
    assert alert["Subject"] == "[ERROR] ops audit: 1 monitor(s) stopped checking: billing"
    assert remembered(state_table) == ["billing#quiet:deadline"]


def test_a_failed_publish_is_announced_once_by_the_retry(module: Module, state_table: Any) -> None:
    """A publish that fails puts back what was open before and frees the claim: Lambda's
    retry of the same audit announces the problem, once."""
    module.deadline_check("etl", due_fire())
    module.account.published()
    fail_once("sns", "Publish")
    at = recent()
    with pytest.raises(ClientError, match="failed by the test"):
        module.audit(at)
    assert (module.alerts(), remembered(state_table)) == ([], [])
    module.audit(at)  # Lambda's retry: the claim was freed, so this one runs and sends
    (alert,) = module.alerts()
    assert alert["Subject"] == "[ERROR] ops audit: 1 monitor(s) stopped checking: billing"
    assert remembered(state_table) == ["billing#quiet:deadline"]
    module.audit(at - timedelta(minutes=1))
    assert module.alerts() == []
    assert remembered(state_table) == ["billing#quiet:deadline"]


def test_a_state_machine_that_does_not_exist_is_named_once_then_recovers_once(
    module: Module,
) -> None:
    """A typo in state_machine_arn passes plan and apply; the audit names it within one
    audit period instead of the monitor's deadline."""
    for name in ("etl", "billing"):
        module.deadline_check(name, due_fire())
    module.account.published()
    typo = module.arns["etl"] + "-typo"
    module.monitors["etl"]["state_machine_arn"] = typo
    module.write()
    module.audit()
    (alert,) = module.alerts()
    assert alert["Subject"] == "[ERROR] ops audit: 1 monitor(s) stopped checking: etl"
    assert (
        f"- etl: its state machine {typo} does not exist in {DEFAULT_ACCOUNT_ID}/{REGION}: "
        "each of its checks reports ERROR. Fix: correct the monitor's state_machine_arn"
    ) in alert["Message"]
    module.audit(recent() - timedelta(minutes=1))
    assert module.alerts() == []  # reported once
    module.account.state_machine("etl-typo")
    module.audit(recent() - timedelta(minutes=2))
    (recovered,) = module.alerts()
    assert recovered["Subject"] == "[RECOVERED] ops audit: 1 monitor(s) check again: etl"


def test_a_member_state_machine_is_looked_for_through_its_role(module: Module) -> None:
    """Both monitors watch the member account, one with a typo: only that one is named
    (a list of the function's own account would hold neither)."""
    for name in ("etl", "billing"):
        module.deadline_check(name, due_fire())
    module.account.published()
    member = member_state_machine()
    for name, arn in {"etl": member, "billing": f"{member}-typo"}.items():
        module.monitors[name] |= {"state_machine_arn": arn, "role_arn": MEMBER_ROLE}
    module.write()
    module.audit()
    (alert,) = module.alerts()
    assert alert["Subject"] == "[ERROR] ops audit: 1 monitor(s) stopped checking: billing"
    assert (
        f"its state machine {member}-typo does not exist in {MEMBER_ACCOUNT}/" in (alert["Message"])
    )


def test_state_machines_the_audit_may_not_list_are_a_problem_not_a_pass(
    module: Module, state_table: Any
) -> None:
    """A role without states:ListStateMachines: the audit says it could not look, never
    that the state machines exist or that they do not."""
    for name in ("etl", "billing"):
        module.deadline_check(name, due_fire())
    module.account.published()
    fail = {"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}}

    def refuse(**_: Any) -> None:
        raise ClientError(fail, "ListStateMachines")  # type: ignore[arg-type]

    aws.client("stepfunctions").meta.events.register(
        "before-parameter-build.sfn.ListStateMachines", refuse
    )
    module.monitors["etl"]["state_machine_arn"] += "-typo"
    module.write()
    module.audit()
    (alert,) = module.alerts()
    assert alert["Subject"] == "[ERROR] ops audit: state machines the audit cannot list"
    assert (
        f"- (module): the function's role could not list the state machines in {REGION} "
        "(ListStateMachines: AccessDeniedException not authorized), so the audit cannot tell "
        "whether the state machines of 2 monitor(s) exist: billing, etl. Fix: let the "
        "function's role call states:ListStateMachines"
    ) in alert["Message"]
    assert "does not exist" not in alert["Message"]
    assert remembered(state_table) == ["-#state_machines_unread:function:us-east-1"]


def test_a_failure_queue_holding_messages_is_reported(module: Module) -> None:
    for name in ("etl", "billing"):
        module.deadline_check(name, due_fire())
    module.account.published()
    module.account.sqs.send_message(QueueUrl=module.queues["check_failures"], MessageBody="{}")
    module.audit()
    (alert,) = module.alerts()
    assert alert["Subject"] == "[ERROR] ops audit: failure queues hold messages"
    assert "1 message(s) wait in the check_failures queue" in alert["Message"]


@pytest.mark.slow
def test_the_audit_of_1000_monitors_costs_40_calls(account: Account, state_table: Any) -> None:
    """Every monitor quiet, so the audit reads and writes all it can: 40 calls on AWS,
    whose ListSchedules pages hold 100 schedules (moto's hold fewer: counted apart)."""
    module = Module(account, state_table, {f"m{n:04d}": EVERY_MINUTE for n in range(1000)})
    calls: dict[str, int] = {}

    def count(event_name: str, **_: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        calls[operation] = calls.get(operation, 0) + 1

    for service in ("scheduler", "dynamodb", "sqs", "sns", "stepfunctions"):
        aws.client(service).meta.events.register("before-call.*.*", count)  # type: ignore[call-overload]
    assert module.audit()["open_problems"] == 1000
    pages = calls.pop("ListSchedules")
    assert pages == -(-1000 // len(module.scheduler.list_schedules(GroupName=GROUP)["Schedules"]))
    # The registry (its manifest, then its 10 chunks), 1,000 records and 1,000 held
    # alerts' keys in 20, the open problems; the account's 1,000 state machines in one
    # list; the claim and the open problems written, the claim completed.
    assert calls == {
        "BatchGetItem": 1 + 1 + 20 + 1,
        "ListStateMachines": 1,
        "GetQueueAttributes": 2,
        "Publish": 1,
        "PutItem": 2,
        "UpdateItem": 1,
    }
    assert sum(calls.values()) + 1000 // 100 == 40
    (alert,) = module.alerts()
    assert alert["Subject"].startswith("[ERROR] ops audit: 1000 monitor(s) stopped checking: m0000")


def test_without_a_registry_the_audit_fails_for_lambda_to_retry(
    account: Account, state_table: Any
) -> None:
    with pytest.raises(RegistryError, match="holds no registry"):
        check({"version": 1, "check": "audit", "scheduled_time": recent().isoformat()})


def test_the_audit_alert_in_json(account: Account, state_table: Any) -> None:
    module = Module(account, state_table, {"etl": EVERY_MINUTE})
    module.manifest["audit"]["message_format"] = "json"
    module.write()
    module.audit()
    (alert,) = module.alerts()
    report = json.loads(alert["Message"])
    assert (report["status"], report["check"], report["still_open"]) == ("ERROR", "audit", 0)
    assert [p["kind"] for p in report["new"]] == ["quiet:deadline"]


@pytest.mark.slow
def test_1000_monitors_with_every_schedule_quiet_or_missing_fit_sns_and_dynamodb(
    account: Account, state_table: Any
) -> None:
    """The day a whole schedule group goes: 1,000 monitors with 64-character names, each
    with a deadline that went quiet and start and at-risk schedules deleted, 3,000 open
    problems. In each format the alert stays under SNS's 262,144 bytes (it lists the first
    problems and counts the rest), the open problems stay under DynamoDB's 400 KB item,
    and the next audit reads them back: nothing is reported twice."""
    # Names that do not compress: 64 hexadecimal digits each.
    names = [hashlib.sha256(str(n).encode()).hexdigest() for n in range(1000)]
    module = Module(account, state_table, dict.fromkeys(names, EVERY_MINUTE))
    groups = {"deadline": GROUP, "start": f"{GROUP}-start", "at_risk": f"{GROUP}-at-risk"}
    for group in (groups["start"], groups["at_risk"]):
        module.scheduler.create_schedule_group(Name=group)
    module.manifest["schedule_groups"] = groups
    for name in names:
        module.monitors[name]["schedules"] |= {
            kind: {"expression": EVERY_MINUTE, "start_date": None, "end_date": None}
            for kind in ("start", "at_risk")
        }
    sizes = {}
    for minutes, message_format in enumerate(("text", "json", "chat")):
        state_table.delete_item(TableName="monitor-state", Key={"pk": {"S": "audit"}})
        module.manifest["audit"]["message_format"] = message_format
        module.write()
        result = module.audit(recent() - timedelta(minutes=minutes))
        assert (result["open_problems"], len(result["new"])) == (3000, 3000)
        (alert,) = module.alerts()
        sizes[message_format] = len(alert["Message"].encode()) + len(alert["Subject"])
        every_problem = "python -m sfn_deadline_monitor status --name ops --region us-east-1"
        if message_format == "text":
            assert f"- ... and 2950 more; every open problem: {every_problem}" in alert["Message"]
        elif message_format == "json":
            report = json.loads(alert["Message"])
            assert (len(report["new"]), report["new_total"]) == (50, 3000)
            assert report["all_open"] == every_problem
        else:
            steps = json.loads(alert["Message"])["content"]["nextSteps"]
            assert steps[-1] == f"Every open problem: {every_problem}"
    assert max(sizes.values()) < 262_144, sizes
    item = state_table.get_item(TableName="monitor-state", Key={"pk": {"S": "audit"}})["Item"]
    # DynamoDB counts each attribute's name and value (binary: its bytes).
    item_bytes = sum(len(k) + len(v.get("S", "")) + len(v.get("B", b"")) for k, v in item.items())
    assert item_bytes < 400 * 1024, item_bytes
    plain = len(zlib.decompress(item["open_z"]["B"]))
    assert plain > 400 * 1024  # as plain JSON, the item would not fit
    assert module.audit(recent() + timedelta(minutes=1))["new"] == []
    assert module.alerts() == []
    print(f"\n3,000 problems: alert bytes {sizes}; item {item_bytes} bytes ({plain} as JSON)")
