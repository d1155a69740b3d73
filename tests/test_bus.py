"""Alerts as events on an EventBridge bus, on moto: put before the SNS message, read back
through a rule to a queue as EventBridge delivers them, valid against the published schema
(schemas/alert-event.v1.json), and never lost when PutEvents fails."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, get_type_hints

import boto3
import pytest
from botocore.exceptions import ClientError
from jsonschema import Draft202012Validator

from sfn_deadline_monitor import aws
from sfn_deadline_monitor.alerts import bus, delivery
from sfn_deadline_monitor.alerts.bus import PutEventsError
from sfn_deadline_monitor.alerts.facts import Report
from sfn_deadline_monitor.check.verdict import Status
from sfn_deadline_monitor.handler import lambda_handler
from testkit.account import REGION, Account, answer
from testkit.bus import AlertBus
from testkit.checks import LambdaContext, attributes, check, largest_failure, only_alert
from testkit.events import at, event
from testkit.paths import ROOT

SCHEMA = json.loads((ROOT / "schemas" / "alert-event.v1.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
DEADLINE = at("2026-03-10T17:00")
DAY = timedelta(days=1)


@pytest.fixture
def alert_bus(account: Account, monkeypatch: pytest.MonkeyPatch) -> AlertBus:
    """A bus of the account, the function told of it, and its alert events' queue."""
    made = AlertBus.create(lambda service: boto3.client(service, region_name=REGION))
    monkeypatch.setenv(bus.EVENT_BUS_ENV, made.arn)
    return made


def valid(event_: dict[str, Any]) -> dict[str, Any]:
    """The event, once the published schema accepts it (every error listed if not)."""
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(event_)]
    assert errors == [], errors
    return event_


def test_a_failure_and_its_recovery_are_two_events_of_one_incident(
    account: Account, state_table: Any, alert_bus: AlertBus
) -> None:
    sm = account.state_machine()
    account.execution(
        sm, name="etl-1", status="FAILED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:20")
    )
    check(event(sm, DEADLINE, message_format="json"))
    account.execution(
        sm,
        name="etl-2",
        status="SUCCEEDED",
        start=at("2026-03-11T15:00"),
        stop=at("2026-03-11T15:20"),
    )
    check(event(sm, DEADLINE + DAY, message_format="json", scheduler_execution_id="day-2"))

    events = [valid(e) for e in alert_bus.events()]
    assert [
        (e["source"], e["detail-type"], e["resources"], e["detail"]["status"]) for e in events
    ] == [
        ("sfn-deadline-monitor", "Deadline Monitor Alert", [sm], "FAILED"),
        ("sfn-deadline-monitor", "Deadline Monitor Alert", [sm], "RECOVERED"),
    ]
    assert [(e["detail"]["severity"], e["detail"]["incident_key"]) for e in events] == [
        ("critical", "nightly-etl@2026-03-10T17:00:00Z"),
        ("info", "nightly-etl@2026-03-10T17:00:00Z"),
    ]
    # Each event is timed when its check judged, to the second as EventBridge keeps it.
    assert [e["time"] for e in events] == [
        e["detail"]["check"]["checked_at"][:19] + "Z" for e in events
    ]
    # The detail is the json message itself, versioned.
    messages = [json.loads(n["Message"]) for n in account.published()]
    assert [{**m, "schema_version": 1} for m in messages] == [e["detail"] for e in events]


def test_without_a_bus_nothing_is_put(account: Account, monkeypatch: pytest.MonkeyPatch) -> None:
    put: list[object] = []
    aws.client("events").meta.events.register(
        "before-call.events.PutEvents", lambda **kw: put.append(kw)
    )
    monkeypatch.delenv(bus.EVENT_BUS_ENV, raising=False)
    check(event(account.state_machine(), DEADLINE))
    assert attributes(only_alert(account))["status"] == "MISSING"
    assert put == []


ENTRY_REFUSED = {
    "FailedEntryCount": 1,
    "Entries": [{"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}],
}
CALL_REFUSED = {"__type": "AccessDeniedException", "message": "not authorized"}


@pytest.mark.parametrize(
    "refusal",
    [(200, ENTRY_REFUSED, PutEventsError), (400, CALL_REFUSED, ClientError)],
    ids=["entry_refused", "call_refused"],
)
def test_a_refused_event_fails_the_check_before_anything_is_sent_and_the_retry_sends_it(
    account: Account,
    state_table: Any,
    alert_bus: AlertBus,
    refusal: tuple[int, dict[str, Any], type[Exception]],
) -> None:
    """A refused entry comes back beside a 200; either way the check raises for Lambda to
    retry, with its claim released and nothing published, and the retry (the same
    request) sends the alert once on each channel."""
    sm = account.state_machine()
    payload = event(sm, DEADLINE)
    status, body, error = refusal
    answered = answer("events", "PutEvents", status, body, times=1)
    context = LambdaContext()
    with pytest.raises(error) as raised:
        lambda_handler(payload, context)
    if error is PutEventsError:
        assert str(raised.value) == (
            f"EventBridge refused the alert's event on {alert_bus.arn}: InternalFailure: try again"
        )
    assert answered() == 1
    assert (account.published(), alert_bus.events()) == ([], [])

    lambda_handler(payload, context)
    assert [attributes(n)["status"] for n in account.published()] == ["MISSING"]
    assert [e["detail"]["status"] for e in alert_bus.events()] == ["MISSING"]
    lambda_handler(payload, context)  # handled: a third delivery sends nothing
    assert (account.published(), alert_bus.events()) == ([], [])


def test_a_publish_that_fails_after_the_event_puts_the_event_again_on_the_retry(
    account: Account, state_table: Any, alert_bus: AlertBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one duplicate a bus adds (outbox.py): the same alert's event twice, one
    message."""
    sm = account.state_machine()
    payload = event(sm, DEADLINE)
    context = LambdaContext()
    monkeypatch.setenv(delivery.TOPIC_ENV, account.topic_arn + "-gone")
    with pytest.raises(ClientError):
        lambda_handler(payload, context)
    monkeypatch.setenv(delivery.TOPIC_ENV, account.topic_arn)
    lambda_handler(payload, context)
    assert [attributes(n)["status"] for n in account.published()] == ["MISSING"]
    events = alert_bus.events()
    assert [e["detail"]["incident_key"] for e in events] == ["nightly-etl@2026-03-10T17:00:00Z"] * 2


def test_the_schema_names_every_field_of_the_json_message() -> None:
    """A field added to the report without the schema fails here, as well as when a real
    event does not validate."""
    check_alert = SCHEMA["$defs"]["check_alert"]
    assert set(check_alert["properties"]) == {"schema_version", *get_type_hints(Report)}
    assert set(check_alert["required"]) == set(check_alert["properties"])
    assert check_alert["additionalProperties"] is False


def test_the_schema_knows_every_status() -> None:
    """A status added to the function without the schema fails here: a subscriber that
    validates would refuse its events."""
    alert = SCHEMA["$defs"]["check_alert"]["properties"]
    previous = alert["previous"]["oneOf"][1]["properties"]["status"]["enum"]
    assert set(alert["status"]["enum"]) == set(previous) == {status.value for status in Status}


def test_a_too_fast_alert_is_a_valid_event_with_the_usual_duration(
    account: Account, alert_bus: AlertBus
) -> None:
    sm = account.state_machine()
    for day in range(1, 6):
        start = at("2026-03-10T15:00") - day * DAY
        account.execution(sm, status="SUCCEEDED", start=start, stop=start + timedelta(minutes=40))
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:00:12")
    )
    check(event(sm, DEADLINE, min_duration={"fraction_of_median": 0.1}))
    (alert,) = [valid(e)["detail"] for e in alert_bus.events()]
    assert (alert["status"], alert["severity"]) == ("TOO_FAST", "error")
    assert alert["before_window"]["pace"]["median_seconds"] == 2400


def test_an_event_the_schema_refuses() -> None:
    """The schema can fail: an unknown status, a missing key, a foreign field."""
    good = {
        "version": "0",
        "id": "e",
        "detail-type": "Deadline Monitor Audit",
        "source": "sfn-deadline-monitor",
        "account": "123456789012",
        "time": "2026-03-10T17:00:05Z",
        "region": REGION,
        "resources": [],
        "detail": {
            "schema_version": 1,
            "status": "ERROR",
            "severity": "critical",
            "incident_key": "ops.audit@2026-03-10T17:00:00Z",
            "check": "audit",
            "module": "ops",
            "subject": "[ERROR] ops audit: 1 schedule disabled",
            "advice": None,
            "new": [
                {"monitor": "etl", "kind": "disabled", "text": "t", "since": "2026-03-10T16:00:00Z"}
            ],
            "new_total": 1,
            "recovered": [],
            "recovered_total": 0,
            "still_open": 0,
            "all_open": "python -m sfn_deadline_monitor status --name ops",
            "audited_at": "2026-03-10T17:00:00Z",
        },
    }
    assert list(VALIDATOR.iter_errors(good)) == []
    for broken in (
        {**good, "detail": {**good["detail"], "status": "BROKEN"}},
        {**good, "detail": {k: v for k, v in good["detail"].items() if k != "module"}},
        {**good, "detail": {**good["detail"], "extra": 1}},
        {**good, "source": "aws.states"},
        {**good, "time": "yesterday"},
    ):
        assert list(VALIDATOR.iter_errors(broken)) != []


# PutEvents' entry size (docs.aws.amazon.com/eventbridge/latest/userguide/
# eb-putevents.html#eb-putevent-size): 14 bytes for Time, then the UTF-8 bytes of Source,
# DetailType, Detail and each of Resources; 256 KB before 2026, 1 MB since.
MAX_ENTRY_BYTES = 262_144


def entry_size(event_: dict[str, Any]) -> int:
    detail = json.dumps(event_["detail"], separators=(",", ":"), ensure_ascii=False)
    parts = [event_["source"], event_["detail-type"], detail, *event_["resources"]]
    return 14 + sum(len(part.encode()) for part in parts)


def test_the_largest_failure_alert_fits_one_entry(
    account: Account, state_table: Any, alert_bus: AlertBus
) -> None:
    """The largest alert a check sends (testkit.checks.largest_failure): its event stays
    within the older 256 KB."""
    sent: list[dict[str, Any]] = []
    aws.client("events").meta.events.register(
        "before-parameter-build.events.PutEvents",
        lambda params, **_: sent.extend(params["Entries"]),
    )
    check(event(largest_failure(account), DEADLINE, monitor="n" * 64))
    (put,) = alert_bus.events()
    # Written compact and in UTF-8, as the entry's size is counted.
    (entry,) = sent
    assert entry["Detail"] == json.dumps(put["detail"], separators=(",", ":"), ensure_ascii=False)
    assert put["detail"]["status"] == "FAILED"
    assert 20_000 < entry_size(put) < MAX_ENTRY_BYTES  # 21 KB: causes are clipped
