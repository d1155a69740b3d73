"""Recovery notices and no duplicates: the handler with the module's state table, on
moto's DynamoDB."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.core import DEFAULT_ACCOUNT_ID
from moto.stepfunctions.models import stepfunctions_backends

from sfn_deadline_monitor import handler
from sfn_deadline_monitor.alerts import delivery
from sfn_deadline_monitor.check.verdict import Status
from sfn_deadline_monitor.state import records
from sfn_deadline_monitor.state.records import was_skipped
from sfn_deadline_monitor.state.store import ClaimHeldError, StateStore
from testkit.account import REGION, Account, answer
from testkit.checks import attributes, only_alert
from testkit.events import at, event, status_change

DAY1 = at("2026-03-10T17:00")
DAY2 = at("2026-03-11T17:00")
LEASE = timedelta(minutes=3)


def refuse_the_next_read() -> None:
    """The state table's next GetItem answers as AWS does when the table is gone."""
    answer(
        "dynamodb",
        "GetItem",
        400,
        {
            "__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
            "message": "Requested resource not found",
        },
        times=1,
    )


def check(payload: dict) -> dict:
    return handler.lambda_handler(payload, None)


def stored(state_table, monitor: str = "nightly-etl") -> dict:
    return state_table.get_item(TableName="monitor-state", Key={"pk": {"S": f"monitor#{monitor}"}})[
        "Item"
    ]


def test_a_check_delivered_twice_alerts_once(account: Account, state_table) -> None:
    sm = account.state_machine()
    account.execution(
        sm, status="FAILED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:05")
    )
    first = check(event(sm, DAY1))
    again = check(event(sm, DAY1, attempt_number="2"))
    assert first["notified"] is True
    assert again == {"monitor": "nightly-etl", "status": None, "duplicate": True}
    assert len(account.published()) == 1


def test_each_scheduled_time_is_its_own_check(account: Account, state_table) -> None:
    sm = account.state_machine()
    check(event(sm, DAY1))
    check(event(sm, DAY2))
    assert [attributes(n)["status"] for n in account.published()] == ["MISSING", "MISSING"]


def test_ok_after_a_failure_is_a_recovered_notice(account: Account, state_table) -> None:
    sm = account.state_machine()
    account.execution(
        sm, status="FAILED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:05")
    )
    check(event(sm, DAY1))
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-11T15:00"), stop=at("2026-03-11T15:30")
    )
    result = check(event(sm, DAY2))
    assert result["status"] == "RECOVERED"
    assert result["previous_status"] == "FAILED"
    _, recovered = account.published()
    assert attributes(recovered) == {
        "status": "RECOVERED",
        "monitor": "nightly-etl",
        "severity": "info",
        "incident_key": "nightly-etl@2026-03-10T17:00:00Z",  # the FAILED's, which it ends
    }
    assert recovered["Subject"].endswith(", after FAILED")
    assert stored(state_table)["status"]["S"] == "RECOVERED"
    # And the day after, all is quiet again.
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-12T15:00"), stop=at("2026-03-12T15:30")
    )
    assert check(event(sm, at("2026-03-12T17:00")))["notified"] is False
    assert account.published() == []


def test_a_redriven_run_that_succeeded_is_reported_by_the_next_check(
    account: Account, state_table
) -> None:
    sm = account.state_machine()
    failed = account.execution(
        sm, status="FAILED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:05"), name="day1"
    )
    check(event(sm, DAY1))
    # On call redrives day1, which now succeeds (moto cannot redrive: set what AWS would).
    machine = stepfunctions_backends[DEFAULT_ACCOUNT_ID][REGION].describe_state_machine(sm)
    redriven = next(e for e in machine.executions if e.execution_arn == failed)
    redriven.status, redriven.stop_date = "SUCCEEDED", at("2026-03-10T19:00")
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-11T15:00"), stop=at("2026-03-11T15:30")
    )
    check(event(sm, DAY2))
    _, recovered = account.published()
    body = recovered["Message"]
    assert "Previously:     FAILED" in body
    assert "Those runs now:\n1. SUCCEEDED  day1\n" in body


def test_a_late_retry_of_an_older_check_cannot_undo_a_newer_status(
    account: Account, state_table
) -> None:
    sm = account.state_machine()
    check(event(sm, DAY2))  # MISSING
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:30")
    )
    older = check(event(sm, DAY1))
    assert older["status"] == "OK"  # not RECOVERED: it is about an earlier day
    assert stored(state_table)["status"]["S"] == "MISSING"
    assert [attributes(n)["status"] for n in account.published()] == ["MISSING"]


def test_a_failed_publish_gives_the_claim_back_for_the_retry(
    account: Account, state_table, monkeypatch: pytest.MonkeyPatch
) -> None:
    sm = account.state_machine()
    monkeypatch.setenv(delivery.TOPIC_ENV, account.topic_arn + "-gone")
    with pytest.raises(ClientError):
        check(event(sm, DAY1))
    monkeypatch.setenv(delivery.TOPIC_ENV, account.topic_arn)
    assert check(event(sm, DAY1, attempt_number="2"))["notified"] is True
    assert len(account.published()) == 1


def test_a_broken_state_table_still_sends_the_alert_once_and_says_so(
    account: Account, state_table, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """The problem is sent; the check then succeeds (a raise would make Lambda's retry
    send it again) and its log line names the table's failure for the alarm."""
    monkeypatch.setattr(records, "WRITE_PAUSES", (0, 0))
    sm = account.state_machine()
    monkeypatch.setenv(delivery.STATE_TABLE_ENV, "no-such-table")
    assert check(event(sm, DAY1))["notified"] is True
    assert attributes(only_alert(account))["status"] == "MISSING"
    failed = [
        line
        for line in map(json.loads, capsys.readouterr().out.splitlines())
        if line["event"] == "state_table_failed"
    ]
    assert [len(line["errors"]) for line in failed] == [5]
    assert "ResourceNotFoundException" in failed[0]["errors"][0]


def test_an_ok_whose_last_status_cannot_be_read_is_retried_not_sent(
    account: Account, state_table, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OK after an unreadable status may be a RECOVERED: nothing is sent, and the check
    fails for Lambda's retry to decide."""
    sm = account.state_machine()
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:30")
    )
    monkeypatch.setenv(delivery.STATE_TABLE_ENV, "no-such-table")
    with pytest.raises(
        delivery.StateTableError,
        match=r"whether a RECOVERED is due is unknown, so nothing was sent$",
    ):
        check(event(sm, DAY1, notify_on_success=True))
    assert account.published() == []


def test_start_check_missing_then_deadline_ok_is_recovered(account: Account, state_table) -> None:
    sm = account.state_machine()
    start_check = event(sm, at("2026-03-10T15:15"), check="start", lookback_minutes=75)
    start_check.pop("notify_on_success")
    assert check(start_check)["status"] == "MISSING"
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-10T15:30"), stop=at("2026-03-10T16:00")
    )
    assert check(event(sm, DAY1))["status"] == "RECOVERED"
    assert [attributes(n)["status"] for n in account.published()] == ["MISSING", "RECOVERED"]


def test_a_start_check_that_found_a_run_leaves_the_last_status_alone(
    account: Account, state_table
) -> None:
    sm = account.state_machine()
    check(event(sm, DAY1))  # MISSING
    account.execution(sm, status="RUNNING", start=at("2026-03-11T14:30"))
    start_check = event(sm, at("2026-03-11T15:00"), check="start", lookback_minutes=60)
    start_check.pop("notify_on_success")
    assert check(start_check)["notified"] is False
    assert stored(state_table)["status"]["S"] == "MISSING"


def test_a_failure_event_is_alerted_once_then_the_deadline_check_reports_the_window(
    account: Account, state_table
) -> None:
    sm = account.state_machine()
    start, stop = at("2026-03-10T15:00"), at("2026-03-10T15:05")
    run = account.execution(sm, status="FAILED", start=start, stop=stop, name="run-1")
    check(status_change(run, "FAILED", start, stop))
    check(status_change(run, "FAILED", start, stop))  # EventBridge delivered it twice
    assert [attributes(n)["status"] for n in account.published()] == ["FAILED"]
    # The same run redriven and failing again is a new failure.
    check(status_change(run, "FAILED", start, at("2026-03-10T16:00"), redrive_count=1))
    assert [attributes(n)["status"] for n in account.published()] == ["FAILED"]
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-10T16:10"), stop=at("2026-03-10T16:40")
    )
    # The window still holds run-1, FAILED: the deadline check reports it.
    assert check(event(sm, DAY1))["status"] == "FAILED"


def test_an_unreadable_last_status_is_not_overwritten_so_recovery_is_still_sent(
    account: Account, state_table, monkeypatch: pytest.MonkeyPatch
) -> None:
    sm = account.state_machine()
    check(event(sm, DAY1))  # MISSING
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-11T15:00"), stop=at("2026-03-11T15:30")
    )

    refuse_the_next_read()
    with pytest.raises(delivery.StateTableError, match="ResourceNotFoundException"):
        check(event(sm, DAY2))
    assert stored(state_table)["status"]["S"] == "MISSING"
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-12T15:00"), stop=at("2026-03-12T15:30")
    )
    assert check(event(sm, at("2026-03-12T17:00")))["status"] == "RECOVERED"


def test_a_claim_left_by_a_function_that_died_lapses_after_its_lease(
    account: Account, state_table
) -> None:
    store, key, now, lease = StateStore("monitor-state", state_table), "handled#x", DAY1, LEASE
    assert store.claim(key, "first", now, lease) is True
    # Still live: the first invocation may yet send, so this one must not pass as a duplicate.
    with pytest.raises(ClaimHeldError):
        store.claim(key, "second", now + timedelta(minutes=2), lease)
    assert store.claim(key, "second", now + timedelta(minutes=4), lease) is True
    # The first invocation comes back: its claim is gone, and it touches nobody else's.
    store.complete(key, "first", now)
    store.release(key, "first")
    with pytest.raises(ClaimHeldError):
        store.claim(key, "third", now + timedelta(minutes=5), lease)
    store.complete(key, "second", now + timedelta(minutes=4))
    assert store.claim(key, "second", now + timedelta(days=1), lease) is False


def test_a_retry_of_the_same_request_takes_its_own_live_claim_over(state_table) -> None:
    """Lambda's retry of one event keeps its request ID: it takes the claim its earlier
    attempt left at once (and so does botocore's resend of the claim's own put, whose
    answer was lost); another request still waits for the lease."""
    store, key, now, lease = StateStore("monitor-state", state_table), "handled#y", DAY1, LEASE
    assert store.claim(key, "request-1", now, lease) is True
    assert store.claim(key, "request-1", now, lease) is True
    assert store.claim(key, "request-1", now + timedelta(minutes=1), lease) is True
    with pytest.raises(ClaimHeldError):
        store.claim(key, "request-2", now + timedelta(minutes=2), lease)
    store.complete(key, "request-1", now + timedelta(minutes=1))
    assert store.claim(key, "request-1", now + timedelta(minutes=2), lease) is False
    assert store.claim(key, "request-2", now + timedelta(minutes=2), lease) is False


def test_a_delivery_of_a_check_still_in_flight_fails_for_lambda_to_retry(
    account: Account, state_table
) -> None:
    sm = account.state_machine()
    key = f"handled#nightly-etl#deadline#{DAY1.isoformat()}"
    StateStore("monitor-state", state_table).claim(
        key, "another-request", datetime.now(UTC), timedelta(minutes=5)
    )
    with pytest.raises(ClaimHeldError):
        check(event(sm, DAY1))
    assert account.published() == []


def test_a_failed_publish_after_an_unreadable_status_still_frees_the_claim(
    account: Account, state_table, monkeypatch: pytest.MonkeyPatch
) -> None:
    sm = account.state_machine()

    refuse_the_next_read()
    with monkeypatch.context() as patched:
        patched.setenv(delivery.TOPIC_ENV, account.topic_arn + "-gone")
        with pytest.raises(ClientError, match="NotFound"):
            check(event(sm, DAY1))
    assert check(event(sm, DAY1, attempt_number="2"))["notified"] is True
    assert [attributes(n)["status"] for n in account.published()] == ["MISSING"]


def test_the_stored_status_keeps_the_problem_runs(account: Account, state_table) -> None:
    sm = account.state_machine()
    run = account.execution(sm, status="RUNNING", start=at("2026-03-10T16:00"), name="slow")
    check(event(sm, DAY1))
    last = StateStore("monitor-state", state_table).last("nightly-etl")
    assert last is not None
    assert last.status is Status.LATE
    assert last.as_of == DAY1
    assert last.problem_executions == (run,)


def test_a_status_reported_for_the_same_time_replaces_the_stored_one(state_table) -> None:
    """A retried check reports the deadline it already reported: "unless a later one is
    stored" lets the same time through, so the retry's status is the one kept."""
    store = StateStore("monitor-state", state_table)
    store.record("nightly-etl", Status.FAILED, DAY1, ("arn:run",), DAY1)
    store.record("nightly-etl", Status.OK, DAY1, (), DAY1 + timedelta(minutes=1))
    last = store.last("nightly-etl")
    assert last is not None
    assert (last.status, last.as_of, last.problem_executions) == (Status.OK, DAY1, ())
    store.record("nightly-etl", Status.LATE, DAY1 - timedelta(days=1), (), DAY1)
    assert store.last("nightly-etl").status is Status.OK  # an earlier time never overwrites


@pytest.mark.parametrize(
    "later_item",
    [
        {"status": {"S": "PAUSED"}, "as_of": {"N": "1773118800000"}},
        {"status": {"S": "FAILED"}},
        {"status": {"S": "FAILED"}, "as_of": {"S": "2026-03-09T17:00:00Z"}},
        {"status": {"N": "3"}, "as_of": {"N": "1773118800000"}, "paused_by": {"S": "ops"}},
    ],
    ids=["unknown status", "no as_of", "as_of of another type", "unknown attribute"],
)
def test_an_item_a_later_release_wrote_is_read_as_absent_and_the_alert_sent(
    account: Account, state_table, capsys: pytest.CaptureFixture, later_item: dict
) -> None:
    """A rollback, or two releases side by side: the status this release cannot read is
    logged and treated as none, the alert is sent, and the status is recorded anew."""
    sm = account.state_machine()
    state_table.put_item(
        TableName="monitor-state", Item={"pk": {"S": "monitor#nightly-etl"}, **later_item}
    )
    assert check(event(sm, DAY1))["notified"] is True
    assert attributes(only_alert(account))["status"] == "MISSING"
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["event"] for line in logged if line["event"] == "unreadable_state"] == [
        "unreadable_state"
    ]
    assert stored(state_table)["status"]["S"] == "MISSING"


def test_a_completed_check_is_marked_with_its_time_unless_a_later_one_is(state_table) -> None:
    """The audit reads these marks: a retry of an older check must not hide a newer one,
    the same time is marked again, and a mark a later release wrote in another shape is
    replaced rather than left to fail every write."""
    store = StateStore("monitor-state", state_table)
    key = {"pk": {"S": "checked#nightly-etl#deadline"}}

    def mark() -> dict:
        return state_table.get_item(TableName="monitor-state", Key=key)["Item"]

    store.mark_checked("nightly-etl", "deadline", DAY1, DAY1 + timedelta(minutes=2))
    assert mark() == {
        **key,
        "scheduled_time": {"N": str(int(DAY1.timestamp() * 1000))},
        "checked_at": {"S": (DAY1 + timedelta(minutes=2)).isoformat()},
    }
    store.mark_checked("nightly-etl", "deadline", DAY1 - timedelta(days=1), DAY1)
    assert mark()["scheduled_time"] == {"N": str(int(DAY1.timestamp() * 1000))}
    store.mark_checked("nightly-etl", "deadline", DAY1, DAY1 + timedelta(minutes=9))
    assert mark()["checked_at"] == {"S": (DAY1 + timedelta(minutes=9)).isoformat()}
    state_table.put_item(
        TableName="monitor-state", Item={**key, "scheduled_time": {"S": "2026-03-10T17:00Z"}}
    )
    store.mark_checked("nightly-etl", "deadline", DAY1 - timedelta(days=2), DAY1)
    assert mark()["scheduled_time"] == {
        "N": str(int((DAY1 - timedelta(days=2)).timestamp() * 1000))
    }


def test_a_completed_check_keeps_what_it_came_to_and_a_skipped_one_is_told(state_table) -> None:
    """``status`` shows a check SKIPPED on its calendar's day off; a mark an earlier
    release wrote has no status, and one in another shape is no SKIPPED either."""
    store = StateStore("monitor-state", state_table)
    key = {"pk": {"S": "checked#nightly-etl#deadline"}}

    def mark() -> dict:
        return state_table.get_item(TableName="monitor-state", Key=key)["Item"]

    store.mark_checked("nightly-etl", "deadline", DAY1, DAY1, Status.SKIPPED)
    assert mark()["status"] == {"S": "SKIPPED"}
    assert was_skipped(mark())
    store.mark_checked("nightly-etl", "deadline", DAY1 + timedelta(days=1), DAY1, Status.MISSING)
    assert (mark()["status"], was_skipped(mark())) == ({"S": "MISSING"}, False)
    store.mark_checked("nightly-etl", "deadline", DAY1 + timedelta(days=2), DAY1)
    assert ("status" in mark(), was_skipped(mark())) == (False, False)
    assert not was_skipped({**mark(), "status": {"L": [{"S": "SKIPPED"}]}})


def test_a_claim_and_its_completion_are_stored_with_the_ttl_dynamodb_deletes_them_by(
    state_table,
) -> None:
    """expires_at is the table's TTL attribute (main.tf): a claim without it stays forever."""
    store = StateStore("monitor-state", state_table)
    key = {"pk": {"S": "handled#m#deadline#1"}}
    assert store.claim(key["pk"]["S"], "request-1", DAY1, timedelta(minutes=5))
    expires = {"N": str(int((DAY1 + timedelta(days=35)).timestamp()))}
    assert state_table.get_item(TableName="monitor-state", Key=key)["Item"] == {
        **key,
        "claimed_by": {"S": "request-1"},
        "claimed_at": {"N": str(int(DAY1.timestamp() * 1000))},
        "lease_until": {"N": str(int((DAY1 + timedelta(minutes=5)).timestamp() * 1000))},
        "expires_at": expires,
    }
    with pytest.raises(ClaimHeldError, match=r"^handled#m#deadline#1 is being handled by another"):
        store.claim(key["pk"]["S"], "request-2", DAY1, timedelta(minutes=5))
    state_table.delete_item(TableName="monitor-state", Key=key)
    store.complete(key["pk"]["S"], "request-1", DAY1)  # its claim could not be written
    assert state_table.get_item(TableName="monitor-state", Key=key)["Item"] == {
        **key,
        "claimed_by": {"S": "request-1"},
        "expires_at": expires,
    }


def test_a_problem_that_persists_keeps_the_time_it_began(account: Account, state_table) -> None:
    sm = account.state_machine()
    check(event(sm, DAY1))
    check(event(sm, DAY1 + timedelta(days=1)))
    item = stored(state_table)
    assert (item["status"], item["since"]) == (
        {"S": "MISSING"},
        {"N": str(int(DAY1.timestamp() * 1000))},
    )
    assert "updated_at" in item


def test_the_last_status_is_read_strongly_consistent(state_table) -> None:
    """Eventually consistent, a read right after the previous check's write could miss it
    and send RECOVERED, or a duplicate, on stale data."""
    sent: list[dict] = []
    state_table.meta.events.register(
        "before-parameter-build.dynamodb.GetItem", lambda params, **_: sent.append(dict(params))
    )
    StateStore("monitor-state", state_table).last("nightly-etl")
    assert sent[-1]["ConsistentRead"] is True


def test_an_unreadable_status_is_logged_with_its_monitor_and_why(
    state_table, capsys: pytest.CaptureFixture
) -> None:
    state_table.put_item(
        TableName="monitor-state",
        Item={"pk": {"S": "monitor#nightly-etl"}, "status": {"S": "PAUSED"}},
    )
    assert StateStore("monitor-state", state_table).last("nightly-etl") is None
    (line,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (line["event"], line["monitor"]) == ("unreadable_state", "nightly-etl")
    assert line["reason"] and line["reason"] != "None"


# AWS's expression grammar (Expressions.OperatorsAndFunctions.html and
# Expressions.UpdateExpressions.html in the DynamoDB developer guide) writes its keywords
# in capitals and says "function names are case sensitive"; moto reads either case.
KEYWORDS = {"AND", "OR", "NOT", "BETWEEN", "IN", "SET", "REMOVE", "ADD", "DELETE"}
FUNCTIONS = {"attribute_exists", "attribute_not_exists", "attribute_type", "if_not_exists"}


def test_every_expression_the_store_sends_is_spelt_as_aws_grammar_writes_it(state_table) -> None:
    sent: dict[str, list[str]] = {}

    def keep(params: dict, model: Any, **_: Any) -> None:
        expressions = [v for k, v in params.items() if k.endswith("Expression")]
        sent.setdefault(model.name, []).extend(expressions)

    state_table.meta.events.register("before-parameter-build.dynamodb.*", keep)
    store = StateStore("monitor-state", state_table)
    store.claim("handled#a", "me", DAY1, LEASE)
    store.complete("handled#a", "me", DAY1)
    store.claim("handled#b", "me", DAY1, LEASE)
    store.release("handled#b", "me")
    store.record("nightly-etl", Status.FAILED, DAY1, (), DAY1)
    store.mark_checked("nightly-etl", "deadline", DAY1, DAY1)
    assert {name: len(expressions) for name, expressions in sent.items()} == {
        "PutItem": 3,  # two claims, the mark
        "UpdateItem": 4,  # the completion's and the record's updates and conditions
        "DeleteItem": 1,
    }
    words = {w for each in sent.values() for e in each for w in re.findall(r"[A-Za-z_]+", e)}
    assert {w for w in words if w.upper() in KEYWORDS} == {"OR", "AND", "NOT", "SET", "REMOVE"}
    assert {w for w in words if w.lower() in FUNCTIONS} == FUNCTIONS
