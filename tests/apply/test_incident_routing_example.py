"""examples/incident-routing applied against moto: a second plan is empty, and one
incident of the deployed function (a MISSING, then its RECOVERED) becomes the requests
the vendors' APIs document, for PagerDuty and Opsgenie alike.

The emulator calls no vendor: each route's rule, as deployed, is matched against the
events the deployed function put on the bus (read back through a rule to a queue), and
its input transformer is rendered as EventBridge documents it
(testkit/input_transformer.py). What is asserted is each vendor's documented request:
- PagerDuty Events API v2 (developer.pagerduty.com/docs/events-api-v2/trigger-events/):
  POST https://events.pagerduty.com/v2/enqueue; routing_key (32 characters),
  event_action trigger or resolve, dedup_key (at most 255 characters), and for a trigger
  payload.summary (at most 1,024), payload.source and payload.severity (critical, error,
  warning or info); a resolve needs no payload.
- Opsgenie Alert API (docs.opsgenie.com/docs/alert-api): POST /v2/alerts with
  "Authorization: GenieKey <key>", message (at most 130 characters), alias (the
  deduplication key; 512 characters by Opsgenie's older pages, 250 by others: the lower is
  held), priority P1 to P5, tags and details of strings; POST
  /v2/alerts/<alias>/close?identifierType=alias with source and note.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from moto.events.models import EventPattern
from pytest_terraform import terraform

from sfn_deadline_monitor.__main__ import main
from sfn_deadline_monitor.audit.message import audit_alert
from sfn_deadline_monitor.audit.rules import Findings
from sfn_deadline_monitor.cli.common import EXIT_OK
from sfn_deadline_monitor.state.records import OpenProblem
from testkit.applied import outputs_of, terraform_plan_exit_code
from testkit.fire_check import invoke_deployed, scheduled_event
from testkit.input_transformer import render, select
from testkit.paths import ROOT

# Registers the session fixture `incident_routing_example`.
terraform("incident_routing_example", scope="session")

ROUTING_KEY = "R0UT1NGKEY0123456789abcdefABCDEF"  # as the test root passes them
GENIE_KEY = "eb243592-faa2-4ba2-a551-1afdf565c889"
PAGERDUTY_SEVERITIES = {"critical", "error", "warning", "info"}
SCHEMA = json.loads((ROOT / "schemas" / "alert-event.v1.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def routing(incident_routing_example: Any) -> dict[str, Any]:
    return outputs_of(incident_routing_example)


@pytest.fixture(scope="session")
def incident(aws: Any, routing: dict[str, Any]) -> list[dict[str, Any]]:
    """One incident of the deployed function, as the bus's rules are handed it: no run
    before yesterday's deadline (MISSING), then a run that succeeded by tonight's
    (RECOVERED)."""
    sfn, function = aws("stepfunctions"), routing["lambda_function_name"]
    yesterday = (datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0)
    missing = scheduled_event(
        aws("scheduler"), routing["schedule_group_name"], "nightly-etl", yesterday
    )
    assert invoke_deployed(aws("lambda"), function, missing, at=yesterday)["status"] == "MISSING"
    run = sfn.start_execution(stateMachineArn=routing["state_machine_arn"], input="{}")
    for _ in range(50):
        described = sfn.describe_execution(executionArn=run["executionArn"])
        if described["status"] != "RUNNING":
            break
    assert described["status"] == "SUCCEEDED", described
    tonight = (described["stopDate"] + timedelta(seconds=1)).replace(microsecond=0)
    recovered = scheduled_event(
        aws("scheduler"), routing["schedule_group_name"], "nightly-etl", tonight
    )
    assert invoke_deployed(aws("lambda"), function, recovered, at=tonight)["status"] == "RECOVERED"
    sqs = aws("sqs")
    messages = sqs.receive_message(QueueUrl=routing["events_queue_url"], MaxNumberOfMessages=10)
    events = [json.loads(m["Body"]) for m in messages.get("Messages", [])]
    assert [e["detail"]["status"] for e in events] == ["MISSING", "RECOVERED"]
    return events


def handed(aws: Any, routing: dict[str, Any], route: str, event: dict[str, Any]) -> list[Any]:
    """What each target of the route's rule is handed for ``event``: nothing if the
    deployed pattern does not match it."""
    events = aws("events")
    name, bus = routing["route_rule_names"][route], routing["event_bus_name"]
    pattern = events.describe_rule(Name=name, EventBusName=bus)["EventPattern"]
    if not EventPattern.load(pattern).matches_event(event):
        return []
    targets = events.list_targets_by_rule(Rule=name, EventBusName=bus)["Targets"]
    return [
        (
            target,
            render(
                target["InputTransformer"]["InputTemplate"],
                target["InputTransformer"]["InputPathsMap"],
                event,
            ),
        )
        for target in targets
    ]


def matching(aws: Any, routing: dict[str, Any], prefix: str, event: dict[str, Any]) -> set[str]:
    """The routes (of names beginning with ``prefix``) whose deployed rule takes ``event``."""
    return {
        route
        for route in routing["route_rule_names"]
        if route.startswith(prefix) and handed(aws, routing, route, event)
    }


def destination(aws: Any, target: dict[str, Any]) -> dict[str, Any]:
    """The API destination a target calls, and the connection it authorizes with."""
    events = aws("events")
    name = target["Arn"].split(":api-destination/")[1].split("/")[0]
    called = events.describe_api_destination(Name=name)
    connection = events.describe_connection(
        Name=called["ConnectionArn"].split(":connection/")[1].split("/")[0]
    )
    return {**called, "connection": connection}


def test_a_second_plan_is_empty(routing: dict[str, Any], incident_routing_example: Any) -> None:
    code, output = terraform_plan_exit_code(incident_routing_example)
    assert code == 0, output


def test_plan_never_prints_the_keys(incident_routing_example: Any) -> None:
    """A destroy plan lists every attribute of every resource: the keys are hidden."""
    code, output = terraform_plan_exit_code(incident_routing_example, "-destroy")
    assert code == 2, output
    assert "aws_cloudwatch_event_connection.pagerduty[0] will be destroyed" in output
    assert ROUTING_KEY not in output and GENIE_KEY not in output


def test_doctor_finds_the_bus_and_the_grant(
    routing: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """The doctor against what Terraform applied: the bus exists and the function's role
    may put its alert events there (the registry names the bus)."""
    code = main(["doctor", "--name", "routing", "--region", "us-east-1"])
    out = capsys.readouterr().out
    assert code == EXIT_OK, out
    bus = f"arn:aws:events:us-east-1:123456789012:event-bus/{routing['event_bus_name']}"
    assert f"may put alert events on {bus}: yes (events:PutEvents allowed)" in out


def test_the_events_are_the_published_schema(incident: list[dict[str, Any]]) -> None:
    validator = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for event in incident:
        assert list(validator.iter_errors({"account": "123456789012", **event})) == []


def test_pagerduty_triggers_on_the_problem_and_resolves_on_its_recovery(
    aws: Any, routing: dict[str, Any], incident: list[dict[str, Any]]
) -> None:
    problem, recovery = incident
    key = problem["detail"]["incident_key"]
    assert recovery["detail"]["incident_key"] == key

    assert matching(aws, routing, "pagerduty-", problem) == {"pagerduty-open"}
    assert matching(aws, routing, "pagerduty-", recovery) == {"pagerduty-resolve"}
    ((target, trigger),) = handed(aws, routing, "pagerduty-open", problem)
    called = destination(aws, target)
    assert (called["InvocationEndpoint"], called["HttpMethod"]) == (
        "https://events.pagerduty.com/v2/enqueue",
        "POST",
    )
    # The connection adds the routing key to the body, as a secret body parameter.
    (body_parameter,) = called["connection"]["AuthParameters"]["InvocationHttpParameters"][
        "BodyParameters"
    ]
    assert (body_parameter["Key"], body_parameter["IsValueSecret"]) == ("routing_key", True)
    request = {"routing_key": ROUTING_KEY, **trigger}
    assert request == {
        "routing_key": ROUTING_KEY,
        "event_action": "trigger",
        "dedup_key": key,
        "payload": {
            "summary": problem["detail"]["subject"],
            "source": "nightly-etl",
            "severity": "critical",
            "class": "MISSING",
            "group": "sfn-deadline-monitor",
            "custom_details": problem["detail"],
        },
    }
    assert len(request["routing_key"]) == 32 and len(request["dedup_key"]) <= 255
    assert len(request["payload"]["summary"]) <= 1024
    assert request["payload"]["severity"] in PAGERDUTY_SEVERITIES

    ((_, resolve),) = handed(aws, routing, "pagerduty-resolve", recovery)
    assert {"routing_key": ROUTING_KEY, **resolve} == {
        "routing_key": ROUTING_KEY,
        "event_action": "resolve",
        "dedup_key": key,
    }


def test_opsgenie_creates_an_alert_of_the_problems_priority_and_closes_it_by_alias(
    aws: Any, routing: dict[str, Any], incident: list[dict[str, Any]]
) -> None:
    problem, recovery = incident
    key = problem["detail"]["incident_key"]
    assert matching(aws, routing, "opsgenie-", problem) == {"opsgenie-critical"}
    assert matching(aws, routing, "opsgenie-", recovery) == {"opsgenie-resolve"}
    ((target, create),) = handed(aws, routing, "opsgenie-critical", problem)
    called = destination(aws, target)
    assert (called["InvocationEndpoint"], called["HttpMethod"]) == (
        "https://api.opsgenie.com/v2/alerts",
        "POST",
    )
    api_key = called["connection"]["AuthParameters"]["ApiKeyAuthParameters"]
    assert api_key["ApiKeyName"] == "Authorization"  # its value, GenieKey <key>, is secret
    assert create == {
        "message": problem["detail"]["subject"],
        "alias": key,
        "priority": "P1",
        "source": "sfn-deadline-monitor",
        "entity": "nightly-etl",
        "tags": ["sfn-deadline-monitor", "MISSING", "critical"],
        "details": {
            "monitor": "nightly-etl",
            "status": "MISSING",
            "severity": "critical",
            "incident_key": key,
        },
    }
    assert len(create["message"]) <= 130 and len(create["alias"]) <= 250
    assert all(isinstance(v, str) for v in (*create["tags"], *create["details"].values()))

    ((target, close),) = handed(aws, routing, "opsgenie-resolve", recovery)
    called = destination(aws, target)
    http = target["HttpParameters"]
    alias = [select(recovery, path) for path in http["PathParameterValues"]]
    assert (called["InvocationEndpoint"].replace("*", alias[0]), http["QueryStringParameters"]) == (
        f"https://api.opsgenie.com/v2/alerts/{key}/close",
        {"identifierType": "alias"},
    )
    assert close == {"source": "sfn-deadline-monitor", "note": recovery["detail"]["subject"]}


def audit_event(findings: Findings, incident_key: str | None) -> dict[str, Any]:
    """An audit alert of the function's own code, as a rule on the bus is handed it."""
    now = datetime(2026, 3, 10, 3, 10, tzinfo=UTC)
    alert = audit_alert("routing", "us-east-1", findings, now, "text", incident_key=incident_key)
    return {
        "version": "0",
        "id": "00000000-0000-0000-0000-000000000000",
        "detail-type": "Deadline Monitor Audit",
        "source": "sfn-deadline-monitor",
        "account": "123456789012",
        "time": "2026-03-10T03:10:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {"schema_version": 1, **alert.detail},
    }


def test_the_audits_episode_opens_one_incident_and_resolves_it_when_nothing_is_open(
    aws: Any, routing: dict[str, Any]
) -> None:
    """The audit's ERROR triggers (critical, P1); a RECOVERED that leaves a problem open
    touches nothing; the one that leaves none resolves and closes."""
    since = datetime(2026, 3, 10, 2, 10, tzinfo=UTC)
    quiet, disabled = (
        OpenProblem("nightly-etl", kind, "text", since) for kind in ("quiet", "disabled")
    )
    key = "routing.audit@2026-03-10T02:10:00Z"
    opened = audit_event(Findings((quiet, disabled), (), {"a": quiet, "b": disabled}), key)
    partly = audit_event(Findings((), (quiet,), {"b": disabled}), None)
    closed = audit_event(Findings((), (disabled,), {}), key)
    assert matching(aws, routing, "", opened) == {"pagerduty-audit-open", "opsgenie-audit-open"}
    assert matching(aws, routing, "", partly) == set()
    assert matching(aws, routing, "", closed) == {
        "pagerduty-audit-resolve",
        "opsgenie-audit-resolve",
    }
    ((_, trigger),) = handed(aws, routing, "pagerduty-audit-open", opened)
    assert (trigger["event_action"], trigger["dedup_key"]) == ("trigger", key)
    assert (trigger["payload"]["source"], trigger["payload"]["severity"]) == ("routing", "critical")
    assert handed(aws, routing, "pagerduty-audit-resolve", closed)[0][1] == {
        "event_action": "resolve",
        "dedup_key": key,
    }
    ((_, create),) = handed(aws, routing, "opsgenie-audit-open", opened)
    assert (create["alias"], create["priority"], create["entity"]) == (key, "P1", "routing")
    ((target, _),) = handed(aws, routing, "opsgenie-audit-resolve", closed)
    assert [select(closed, p) for p in target["HttpParameters"]["PathParameterValues"]] == [key]


def test_an_undeliverable_request_waits_in_a_queue(aws: Any, routing: dict[str, Any]) -> None:
    """After an hour of retries, a request the vendor refused waits in the queue."""
    events = aws("events")
    queue_arn = aws("sqs").get_queue_attributes(
        QueueUrl=routing["undelivered_queue_url"], AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    for route, name in routing["route_rule_names"].items():
        targets = events.list_targets_by_rule(Rule=name, EventBusName=routing["event_bus_name"])
        for target in targets["Targets"]:
            assert target["DeadLetterConfig"] == {"Arn": queue_arn}, route
            assert target["RetryPolicy"]["MaximumEventAgeInSeconds"] == 3600, route
