"""Delivery on its own, on moto's SNS and DynamoDB: what it sends, what it writes to the
state table, what it logs, and what it raises, for each fault the exactly-one-alert
promise names (docs/failure-modes.md#exactly-one-alert). The handler tests reach the same
code through whole checks; these pin each step's own outcome, quickly enough for the aws
group of `make mutation` to run them against every mutant first."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from sfn_deadline_monitor.alerts import delivery
from sfn_deadline_monitor.alerts.delivery import Delivery, Duplicate, Memory, StateTableError
from sfn_deadline_monitor.check.context import CheckContext
from sfn_deadline_monitor.check.contract import AT_RISK, DEADLINE, START
from sfn_deadline_monitor.check.verdict import Execution, Finding, Status, Verdict, Window
from sfn_deadline_monitor.state import records
from sfn_deadline_monitor.state.records import MonitorState, checked_key
from sfn_deadline_monitor.state.store import ClaimHeldError, StateStore
from testkit.account import Account, answer
from testkit.checks import attributes, only_alert
from testkit.events import at
from testkit.inbox import drain
from testkit.member import MEMBER_ROLE, member_state_machine

DEADLINE_AT = at("2026-03-10T17:00")
CHECKED_AT = DEADLINE_AT + timedelta(seconds=5)
LEASE = timedelta(minutes=3)
KEY = "check#nightly-etl#deadline#2026-03-10T17:00:00+00:00"
TABLE_GONE = {
    "__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
    "message": "Requested resource not found",
}
TABLE_GONE_TEXT = "(ResourceNotFoundException) when calling the {} operation"


def a_delivery(
    sm: str,
    status: Status = Status.MISSING,
    *,
    check: str = DEADLINE,
    key: str | None = KEY,
    owner: str = "request-1",
    as_of: datetime = DEADLINE_AT,
    problems: tuple[Finding, ...] = (),
    severities: dict[str, str] | None = None,
    **fields: Any,
) -> Delivery:
    """A verdict on its way to the test account's topic, in the json format."""
    context = CheckContext(
        monitor="nightly-etl",
        state_machine_arn=sm,
        window=Window(start=DEADLINE_AT - timedelta(hours=3), deadline=DEADLINE_AT),
        timezone="UTC",
        checked_at=CHECKED_AT,
        check=check,
        severities=severities or {},
    )
    return Delivery(
        topic_arn=fields.pop("topic_arn", os.environ[delivery.TOPIC_ENV]),
        check=context,
        verdict=Verdict(status=status, findings=problems),
        message_format="json",
        key=key,
        as_of=as_of,
        lease=LEASE,
        owner=owner,
        **fields,
    )


@pytest.fixture
def sm(account: Account) -> str:
    return account.state_machine()


@pytest.fixture
def store(state_table: Any) -> StateStore:
    """The function's own store, whose calls testkit.account.answer can fail."""
    function_store = delivery.state_store()
    assert function_store is not None
    return function_store


def item(state_table: Any, key: str) -> dict[str, Any] | None:
    """An item as the table holds it, read past the function's client and its faults."""
    found = state_table.get_item(TableName="monitor-state", Key={"pk": {"S": key}})
    return found.get("Item")


def lines(capsys: pytest.CaptureFixture[str], event: str) -> list[dict[str, Any]]:
    """The log lines of one kind written so far."""
    logged = map(json.loads, capsys.readouterr().out.splitlines())
    return [line for line in logged if line["event"] == event]


def failed_run(sm: str, account: Account, name: str = "run-1") -> Finding:
    arn = account.execution(
        sm, status="FAILED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:05"), name=name
    )
    execution = Execution(arn=arn, name=name, status="FAILED", start=at("2026-03-10T15:00"))
    return Finding(execution=execution, status=Status.FAILED)


def test_without_a_table_the_verdict_is_sent_as_it_is(
    account: Account, sm: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(delivery.STATE_TABLE_ENV, raising=False)
    assert delivery.recall(None, a_delivery(sm)) == Memory(store=None)
    summary = delivery.settle(a_delivery(sm))
    summary_again = delivery.settle(a_delivery(sm))
    assert (summary["status"], summary["notified"]) == ("MISSING", True)
    assert summary_again["notified"] is True  # no table, no dedupe
    assert [attributes(n)["status"] for n in account.published()] == ["MISSING", "MISSING"]
    [line, _] = lines(capsys, "check")
    assert (line["message_id"], line["state_error"]) == (summary["message_id"], None)


def test_a_claimed_check_reads_its_last_status(
    account: Account, sm: str, store: StateStore, state_table: Any
) -> None:
    store.record("nightly-etl", Status.FAILED, DEADLINE_AT - timedelta(days=1), ("x",), CHECKED_AT)
    memory = delivery.recall(store, a_delivery(sm))
    assert memory == Memory(
        store=store,
        claimed=True,
        previous=MonitorState(
            Status.FAILED, DEADLINE_AT - timedelta(days=1), ("x",), DEADLINE_AT - timedelta(days=1)
        ),
    )
    claim = item(state_table, KEY)
    assert claim["claimed_by"] == {"S": "request-1"}
    assert claim["lease_until"] == {"N": str(int((CHECKED_AT + LEASE).timestamp() * 1000))}


def test_a_check_without_a_key_takes_no_claim_and_is_never_a_duplicate(
    account: Account, sm: str, store: StateStore, state_table: Any
) -> None:
    assert delivery.recall(store, a_delivery(sm, key=None)) == Memory(store=store)
    delivery.settle(a_delivery(sm, key=None))
    delivery.settle(a_delivery(sm, key=None))
    assert len(account.published()) == 2
    assert item(state_table, KEY) is None


def test_a_handled_check_is_a_duplicate_logged_with_its_monitor_and_key(
    account: Account, sm: str, store: StateStore, capsys: pytest.CaptureFixture[str]
) -> None:
    delivery.settle(a_delivery(sm))
    assert isinstance(delivery.recall(store, a_delivery(sm, owner="request-2")), Duplicate)
    again = delivery.settle(a_delivery(sm, owner="request-2"))
    assert again == {"monitor": "nightly-etl", "status": None, "duplicate": True}
    assert lines(capsys, "duplicate") == [
        {"event": "duplicate", "monitor": "nightly-etl", "key": KEY}
    ]
    assert len(account.published()) == 1


def test_a_claim_another_request_holds_is_logged_and_raised(
    account: Account, sm: str, store: StateStore, capsys: pytest.CaptureFixture[str]
) -> None:
    assert store.claim(KEY, "request-0", CHECKED_AT, LEASE)
    with pytest.raises(ClaimHeldError):
        delivery.settle(a_delivery(sm))
    assert lines(capsys, "claim_held") == [
        {"event": "claim_held", "monitor": "nightly-etl", "key": KEY}
    ]
    assert account.published() == []


def test_a_failed_claim_is_noted_and_the_check_goes_on(
    account: Account, sm: str, store: StateStore, capsys: pytest.CaptureFixture[str]
) -> None:
    answer("dynamodb", "PutItem", 400, TABLE_GONE, times=1)
    memory = delivery.recall(store, a_delivery(sm))
    assert isinstance(memory, Memory)
    assert (memory.claimed, memory.previous, memory.read_error) == (False, None, None)
    [failure] = memory.failures
    assert failure.startswith("the claim failed: An error occurred ")
    assert TABLE_GONE_TEXT.format("PutItem") in failure


def test_an_unreadable_last_status_is_noted_with_the_claim_kept(
    account: Account, sm: str, store: StateStore
) -> None:
    answer("dynamodb", "GetItem", 400, TABLE_GONE, times=1)
    memory = delivery.recall(store, a_delivery(sm))
    assert isinstance(memory, Memory)
    assert (memory.store, memory.claimed, memory.previous) == (store, True, None)
    assert memory.read_error is not None
    assert memory.read_error.startswith("the last status could not be read: An error occurred")
    assert TABLE_GONE_TEXT.format("GetItem") in memory.read_error
    assert memory.failures == (memory.read_error,)


def test_an_ok_whose_last_status_is_unreadable_releases_its_claim_logs_and_raises(
    account: Account, sm: str, store: StateStore, capsys: pytest.CaptureFixture[str]
) -> None:
    answer("dynamodb", "GetItem", 400, TABLE_GONE, times=1)
    with pytest.raises(StateTableError) as raised:
        delivery.settle(a_delivery(sm, Status.OK, notify_on_success=True))
    failure = str(raised.value)
    assert failure.startswith("the last status could not be read: An error occurred")
    assert failure.endswith("; whether a RECOVERED is due is unknown, so nothing was sent")
    [check] = lines(capsys, "check")
    assert (check["status"], check["notified"], check["state_error"]) == ("OK", False, failure)
    # The function's retry can claim the check again and send what is due.
    assert delivery.settle(a_delivery(sm, Status.OK, notify_on_success=True))["notified"]
    assert [attributes(n)["status"] for n in account.published()] == ["OK"]


def test_the_unreadable_status_failure_is_logged_for_the_alarm(
    account: Account, sm: str, store: StateStore, capsys: pytest.CaptureFixture[str]
) -> None:
    answer("dynamodb", "GetItem", 400, TABLE_GONE, times=1)
    with pytest.raises(StateTableError) as raised:
        delivery.settle(a_delivery(sm, Status.OK))
    assert lines(capsys, "state_table_failed") == [
        {"event": "state_table_failed", "monitor": "nightly-etl", "errors": [str(raised.value)]}
    ]


def test_a_claim_that_cannot_be_released_is_named_in_the_error(
    account: Account, sm: str, store: StateStore
) -> None:
    answer("dynamodb", "GetItem", 400, TABLE_GONE, times=1)
    answer("dynamodb", "DeleteItem", 400, TABLE_GONE, times=1)
    with pytest.raises(StateTableError, match="; the claim was not released: An error occurred"):
        delivery.settle(a_delivery(sm, Status.OK))


def test_release_frees_only_a_live_claim_this_delivery_holds(
    account: Account, sm: str, store: StateStore
) -> None:
    claimed = Memory(store=store, claimed=True)
    assert delivery.release(Memory(store=None, claimed=True), a_delivery(sm)) == ""
    assert store.claim(KEY, "request-1", CHECKED_AT, LEASE)
    assert delivery.release(Memory(store=store), a_delivery(sm)) == ""
    assert delivery.release(claimed, a_delivery(sm, key=None)) == ""
    with pytest.raises(ClaimHeldError):  # still held: none of the three released it
        store.claim(KEY, "request-2", CHECKED_AT, LEASE)
    assert delivery.release(claimed, a_delivery(sm)) == ""
    assert store.claim(KEY, "request-2", CHECKED_AT, LEASE)


def test_a_failed_publish_releases_the_claim_logs_the_error_and_raises(
    account: Account, sm: str, store: StateStore, capsys: pytest.CaptureFixture[str]
) -> None:
    answer("dynamodb", "PutItem", 400, TABLE_GONE, times=1)  # the claim fails first
    gone = a_delivery(sm, topic_arn=account.topic_arn + "-gone")
    with pytest.raises(ClientError) as raised:
        delivery.settle(gone)
    [check] = lines(capsys, "check")
    assert check["publish_error"] == str(raised.value)
    assert check["state_error"].startswith("the claim failed: An error occurred")
    assert (check["status"], check["notified"], check["message_id"]) == ("MISSING", False, None)
    assert delivery.settle(a_delivery(sm))["notified"] is True


def test_a_failed_publish_logs_every_failure_of_the_table_before_it(
    account: Account, sm: str, store: StateStore, capsys: pytest.CaptureFixture[str]
) -> None:
    answer("dynamodb", "PutItem", 400, TABLE_GONE, times=1)  # the claim
    answer("dynamodb", "GetItem", 400, TABLE_GONE, times=1)  # the last status
    with pytest.raises(ClientError):
        delivery.settle(a_delivery(sm, topic_arn=account.topic_arn + "-gone"))
    [check] = lines(capsys, "check")
    claim, read = check["state_error"].split("; ")
    assert claim.startswith("the claim failed: ")
    assert read.startswith("the last status could not be read: ")


def test_a_failed_publish_names_a_claim_it_could_not_release(
    account: Account, sm: str, store: StateStore, capsys: pytest.CaptureFixture[str]
) -> None:
    answer("dynamodb", "DeleteItem", 400, TABLE_GONE, times=1)
    with pytest.raises(ClientError):
        delivery.settle(a_delivery(sm, topic_arn=account.topic_arn + "-gone"))
    [check] = lines(capsys, "check")
    assert "; the claim was not released: An error occurred" in check["publish_error"]
    assert check["state_error"] is None


def test_a_sent_problem_is_recorded_completed_and_marked_checked(
    account: Account,
    sm: str,
    store: StateStore,
    state_table: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    problem = failed_run(sm, account)
    summary = delivery.settle(
        a_delivery(sm, Status.FAILED, problems=(problem,), scheduled=DEADLINE_AT, list_calls=2)
    )
    alert = only_alert(account)
    assert summary["message_id"] == alert["MessageId"]
    assert (summary["list_calls"], summary["previous_status"]) == (2, None)
    last = store.last("nightly-etl")
    episode = "nightly-etl@2026-03-10T17:00:00Z"
    runs = (problem.execution.arn,)
    assert last == MonitorState(Status.FAILED, DEADLINE_AT, runs, DEADLINE_AT, episode)
    claim = item(state_table, KEY)
    assert (claim["claimed_by"], "lease_until" in claim) == ({"S": "request-1"}, False)
    mark = item(state_table, checked_key("nightly-etl", DEADLINE))
    assert mark["checked_at"] == {"S": CHECKED_AT.isoformat()}
    assert lines(capsys, "state_table_failed") == []


def test_a_persisting_problem_keeps_its_since(account: Account, sm: str, store: StateStore) -> None:
    yesterday = DEADLINE_AT - timedelta(days=1)
    store.record("nightly-etl", Status.MISSING, yesterday, (), CHECKED_AT - timedelta(days=1))
    delivery.settle(a_delivery(sm))
    # Stored before keys: the episode is named for when the problem began, and kept.
    episode = "nightly-etl@2026-03-09T17:00:00Z"
    last = store.last("nightly-etl")
    assert last == MonitorState(Status.MISSING, DEADLINE_AT, (), yesterday, episode)


def test_writes_that_still_fail_after_the_publish_are_logged_not_raised(
    account: Account,
    sm: str,
    store: StateStore,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pauses: list[float] = []
    monkeypatch.setattr(records.time, "sleep", pauses.append)
    # The claim, then the record (an UpdateItem) and the mark (a PutItem), each tried
    # three times; the completion, the next UpdateItem, goes through.
    answer("dynamodb", "PutItem", 400, TABLE_GONE, times=4)
    answer("dynamodb", "UpdateItem", 400, TABLE_GONE, times=3)
    summary = delivery.settle(a_delivery(sm, scheduled=DEADLINE_AT))
    assert summary["notified"] is True
    [failed] = lines(capsys, "state_table_failed")
    assert [error.split(":", 1)[0] for error in failed["errors"]] == [
        "the claim failed",
        "record failed",
        "mark_checked failed",
    ]
    claim, record, mark = failed["errors"]
    assert TABLE_GONE_TEXT.format("PutItem") in claim and TABLE_GONE_TEXT.format("PutItem") in mark
    assert TABLE_GONE_TEXT.format("UpdateItem") in record
    assert summary["state_error"] == "; ".join(failed["errors"])
    assert failed["monitor"] == "nightly-etl"
    assert pauses == [*records.WRITE_PAUSES, *records.WRITE_PAUSES]
    # The completion went through: a later delivery is a duplicate.
    assert isinstance(delivery.recall(store, a_delivery(sm, owner="request-2")), Duplicate)


def test_a_completion_that_still_fails_is_named(
    account: Account,
    sm: str,
    store: StateStore,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(records.time, "sleep", lambda _: None)
    # The record's three tries, then the completion's.
    answer("dynamodb", "UpdateItem", 400, TABLE_GONE, times=6)
    delivery.settle(a_delivery(sm))
    [failed] = lines(capsys, "state_table_failed")
    record, complete = failed["errors"]
    assert record.startswith("record failed: An error occurred (ResourceNotFoundException)")
    assert complete.startswith("complete failed: An error occurred (ResourceNotFoundException)")


def test_a_write_that_fails_once_is_made_after_a_pause(
    account: Account, sm: str, store: StateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    pauses: list[float] = []
    monkeypatch.setattr(records.time, "sleep", pauses.append)
    answer("dynamodb", "UpdateItem", 400, TABLE_GONE, times=1)  # the record's
    assert delivery.remember(Memory(store=store), a_delivery(sm)) == ()
    assert pauses == [records.WRITE_PAUSES[0]]
    assert store.last("nightly-etl") is not None


def test_a_quiet_early_check_neither_records_nor_recovers(
    account: Account, sm: str, store: StateStore
) -> None:
    store.record("nightly-etl", Status.MISSING, DEADLINE_AT - timedelta(days=1), (), CHECKED_AT)
    before = store.last("nightly-etl")
    for kind in (START, AT_RISK):
        early = a_delivery(sm, Status.OK, check=kind, key=f"{KEY}#{kind}", notify_on_success=True)
        assert delivery.settle(early)["status"] == "OK"
    assert store.last("nightly-etl") == before
    assert [attributes(n)["status"] for n in account.published()] == ["OK", "OK"]


def test_ok_after_a_problem_recorded_for_the_same_moment_is_recovered(
    account: Account, sm: str, store: StateStore
) -> None:
    """A failure event for a run and the deadline check may be about the same moment."""
    store.record("nightly-etl", Status.FAILED, DEADLINE_AT, (), CHECKED_AT)
    summary = delivery.settle(a_delivery(sm, Status.OK))
    assert (summary["status"], summary["previous_status"]) == ("RECOVERED", "FAILED")
    previous = json.loads(only_alert(account)["Message"])["previous"]
    assert previous == {"status": "FAILED", "as_of": "2026-03-10T17:00:00Z", "executions": []}


def test_a_recovered_notice_rereads_the_member_accounts_run_through_its_role(
    account: Account, store: StateStore
) -> None:
    """The earlier problem run lives in the member account, in the state machine's region:
    read with the default role or region, it would be missing from the notice."""
    sm = member_state_machine(region="eu-west-1")
    run = sm.replace(":stateMachine:", ":execution:") + ":run-1"
    store.record("nightly-etl", Status.FAILED, DEADLINE_AT, (run,), CHECKED_AT)
    delivery.settle(a_delivery(sm, Status.OK, role_arn=MEMBER_ROLE))
    [earlier] = json.loads(only_alert(account)["Message"])["previous"]["executions"]
    assert (earlier["arn"], earlier["status"]) == (run, "FAILED")


def test_earlier_runs_that_cannot_be_read_leave_the_notice_without_them(
    account: Account, sm: str, store: StateStore
) -> None:
    store.record("nightly-etl", Status.FAILED, DEADLINE_AT, ("arn:aws:states:x",), CHECKED_AT)
    answer("stepfunctions", "DescribeExecution", 400, {"__type": "AccessDenied"}, times=1)
    delivery.settle(a_delivery(sm, Status.OK))
    assert json.loads(only_alert(account)["Message"])["previous"]["executions"] == []


def test_a_role_that_cannot_be_assumed_leaves_the_notice_without_the_earlier_runs(
    account: Account, sm: str, store: StateStore
) -> None:
    def refuse(**_: object) -> None:
        raise ClientError({"Error": {"Code": "AccessDenied"}}, "AssumeRole")

    delivery.aws.client("sts").meta.events.register("before-call.sts.AssumeRole", refuse)
    store.record("nightly-etl", Status.FAILED, DEADLINE_AT, ("arn:aws:states:x",), CHECKED_AT)
    summary = delivery.settle(a_delivery(sm, Status.OK, role_arn=MEMBER_ROLE))
    assert summary["status"] == "RECOVERED"
    assert json.loads(only_alert(account)["Message"])["previous"]["executions"] == []


def episode_of(notification: dict[str, Any]) -> tuple[str, str, str | None]:
    """An alert's status, severity and incident key, as its message attributes carry them."""
    carried = attributes(notification)
    return carried["status"], carried["severity"], carried.get("incident_key")


def test_one_episode_from_its_first_problem_to_its_recovered_has_one_key(
    account: Account, sm: str, store: StateStore, state_table: Any
) -> None:
    """AT_RISK, then FAILED, then RECOVERED: one incident; the next problem opens another.
    The json message carries what the attributes carry."""
    day = timedelta(days=1)
    at_risk = a_delivery(sm, Status.AT_RISK, check=AT_RISK, key=None, as_of=DEADLINE_AT - day)
    for each in (
        at_risk,
        a_delivery(sm, Status.FAILED, key=None, as_of=DEADLINE_AT - day),
        a_delivery(sm, Status.OK, key=None, as_of=DEADLINE_AT),
        a_delivery(sm, Status.MISSING, key=None, as_of=DEADLINE_AT + day),
    ):
        delivery.settle(each)
    first, second = "nightly-etl@2026-03-09T17:00:00Z", "nightly-etl@2026-03-11T17:00:00Z"
    notifications = account.published()
    assert [episode_of(n) for n in notifications] == [
        ("AT_RISK", "warning", first),
        ("FAILED", "critical", first),
        ("RECOVERED", "info", first),
        ("MISSING", "critical", second),
    ]
    assert [
        (message["severity"], message["incident_key"])
        for message in (json.loads(n["Message"]) for n in notifications)
    ] == [("warning", first), ("critical", first), ("info", first), ("critical", second)]
    assert item(state_table, "monitor#nightly-etl")["incident_key"] == {"S": second}


def test_a_recovered_status_is_stored_without_a_key(
    account: Account, sm: str, store: StateStore, state_table: Any
) -> None:
    store.record("nightly-etl", Status.FAILED, DEADLINE_AT, (), CHECKED_AT, incident_key="k")
    delivery.settle(a_delivery(sm, Status.OK))
    assert episode_of(only_alert(account)) == ("RECOVERED", "info", "k")
    stored = item(state_table, "monitor#nightly-etl")
    assert stored is not None
    assert (stored["status"], "incident_key" in stored) == ({"S": "RECOVERED"}, False)


def test_a_monitors_severities_replace_the_defaults_it_names(account: Account, sm: str) -> None:
    overrides = {"AT_RISK": "critical", "MISSING": "error"}
    for status in (Status.AT_RISK, Status.MISSING, Status.FAILED):
        delivery.settle(a_delivery(sm, status, key=None, severities=overrides))
    assert [attributes(n)["severity"] for n in account.published()] == [
        "critical",
        "error",
        "critical",
    ]


def test_a_subscription_filtered_on_severity_gets_only_critical_alerts(
    account: Account, sm: str
) -> None:
    """The pager's subscription of docs/alerts.md#severity-and-incidents, on moto's SNS."""
    pager = account.sqs.create_queue(QueueName="pager")["QueueUrl"]
    pager_arn = account.sqs.get_queue_attributes(QueueUrl=pager, AttributeNames=["QueueArn"])
    account.sns.subscribe(
        TopicArn=account.topic_arn,
        Protocol="sqs",
        Endpoint=pager_arn["Attributes"]["QueueArn"],
        Attributes={"FilterPolicy": json.dumps({"severity": ["critical"]})},
    )
    for status in (Status.AT_RISK, Status.FAILED, Status.OK):
        delivery.settle(a_delivery(sm, status, key=None, notify_on_success=True))
    assert [episode_of(n)[:2] for n in drain(account.sqs, pager)] == [("FAILED", "critical")]
    assert len(account.published()) == 3  # the unfiltered subscription gets all three
