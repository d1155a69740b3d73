"""examples/basic applied against moto: what AWS would hold, that a second plan is empty,
that the deployed function really alerts, and that destroy leaves nothing behind.

The tests share one apply (pytest-terraform, session scope) and pass in any order (see
tests/apply/conftest.py); the one marked ``destroys`` runs last.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from pytest_terraform import terraform

from sfn_deadline_monitor.__main__ import main
from sfn_deadline_monitor.check.fire_times import next_fire
from sfn_deadline_monitor.check.schedule_expression import parse
from sfn_deadline_monitor.cli import replay
from sfn_deadline_monitor.cli.common import STATE_TABLE_SUFFIX
from testkit import iam_calls
from testkit.applied import (
    CLOCKS,
    as_list,
    clock_id,
    failed_run,
    outputs_of,
    role_policies,
    terraform_plan_exit_code,
)
from testkit.events import clock
from testkit.fire_check import (
    invoke_deployed,
    invoke_deployed_async,
    rule_input,
    scheduled_event,
    status_change_event,
)
from testkit.iam_actions import unknown_actions
from testkit.inbox import Inbox

# Registers the session fixture `basic_example`: tests/apply/terraform/basic_example applied.
terraform("basic_example", scope="session")


@pytest.fixture(scope="session")
def basic(basic_example: Any) -> dict[str, Any]:
    return outputs_of(basic_example)


@pytest.fixture
def inbox(subscribe: Any, basic: dict[str, Any]) -> Inbox:
    """What the on-call topic receives while the test runs."""
    return subscribe(basic["topic_arn"])


@pytest.fixture(autouse=True)
def state_table_as_found(
    request: pytest.FixtureRequest, keep_state_table: Any, basic: dict[str, Any]
) -> None:
    if not request.node.get_closest_marker("destroys"):
        keep_state_table(basic["state_table_name"])


def schedule(aws: Any, basic: dict[str, Any]) -> dict[str, Any]:
    return aws("scheduler").get_schedule(GroupName=basic["schedule_group_name"], Name="nightly-etl")


def test_schedule_fires_on_time_in_the_monitor_time_zone(aws: Any, basic: dict[str, Any]) -> None:
    held = schedule(aws, basic)
    assert held["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert held["ScheduleExpression"] == "cron(0 2 * * ? *)"
    assert held["ScheduleExpressionTimezone"] == "Asia/Tokyo"
    assert held["State"] == "ENABLED"
    function_arn = aws("lambda").get_function(FunctionName=basic["lambda_function_name"])[
        "Configuration"
    ]["FunctionArn"]
    assert held["Target"]["Arn"] == function_arn
    assert held["Target"]["DeadLetterConfig"]["Arn"].endswith("-sfn-deadline-scheduler-dlq")


def test_schedule_input_is_the_contract(aws: Any, basic: dict[str, Any]) -> None:
    payload = json.loads(schedule(aws, basic)["Target"]["Input"])
    assert payload == {
        "version": 1,
        "monitor": "nightly-etl",
        "state_machine_arn": basic["state_machine_arn"],
        "lookback_minutes": 180,
        "timezone": "Asia/Tokyo",
        "notify_on_success": False,
        "message_format": "text",
        "scheduled_time": "<aws.scheduler.scheduled-time>",
        "scheduler_execution_id": "<aws.scheduler.execution-id>",
        "attempt_number": "<aws.scheduler.attempt-number>",
        "schedule_expression": "cron(0 2 * * ? *)",
    }


def test_check_role_is_scoped_to_the_monitored_resources(aws: Any, basic: dict[str, Any]) -> None:
    role_arn = aws("lambda").get_function(FunctionName=basic["lambda_function_name"])[
        "Configuration"
    ]["Role"]
    granted = {
        action: sorted(as_list(s["Resource"]))
        for s in role_policies(aws, role_arn)
        for action in as_list(s["Action"])
    }
    state_machine = basic["state_machine_arn"]
    executions = state_machine.replace(":stateMachine:", ":execution:") + ":*"
    state_table = aws("dynamodb").describe_table(TableName=basic["state_table_name"])["Table"]
    for action in ("GetItem", "BatchGetItem", "PutItem", "UpdateItem", "DeleteItem"):
        assert granted[f"dynamodb:{action}"] == [state_table["TableArn"]]
    assert granted["states:ListExecutions"] == [state_machine]
    assert granted["states:DescribeExecution"] == [executions]
    assert granted["sns:Publish"] == [basic["topic_arn"]]
    assert granted["sqs:SendMessage"] == [basic["check_failures_queue_arn"]]
    undelivered = aws("sqs").get_queue_attributes(
        QueueUrl=basic["undelivered_queue_url"], AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    assert granted["sqs:GetQueueAttributes"] == sorted(
        [basic["check_failures_queue_arn"], undelivered]
    )
    # The audit's grants on every resource: ListSchedules and ListStateMachines take none.
    assert [a for a, resources in granted.items() if "*" in resources] == [
        "scheduler:ListSchedules",
        "states:ListStateMachines",
    ]
    assert set(granted) == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "states:ListExecutions",
        "states:DescribeExecution",
        "sns:Publish",
        "sqs:SendMessage",
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "scheduler:ListSchedules",
        "states:ListStateMachines",
        "sqs:GetQueueAttributes",
    }


def test_scheduler_role_may_only_invoke_the_check(aws: Any, basic: dict[str, Any]) -> None:
    held = schedule(aws, basic)
    role_name = held["Target"]["RoleArn"].rsplit("/", 1)[-1]
    trust = aws("iam").get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    (trusted,) = trust["Statement"]
    assert trusted["Principal"] == {"Service": "scheduler.amazonaws.com"}
    account = aws("sts").get_caller_identity()["Account"]
    groups = [basic["schedule_group_name"], f"{basic['schedule_group_name']}-audit"]
    assert trusted["Condition"] == {
        "StringEquals": {"aws:SourceAccount": account},
        "ArnEquals": {
            "aws:SourceArn": [
                f"arn:aws:scheduler:us-east-1:{account}:schedule-group/{group}" for group in groups
            ]
        },
    }
    # Every schedule that uses the role is in one of those groups.
    scheduler = aws("scheduler")
    assert {
        s["GroupName"]
        for s in scheduler.list_schedules()["Schedules"]
        if scheduler.get_schedule(GroupName=s["GroupName"], Name=s["Name"])["Target"]["RoleArn"]
        == held["Target"]["RoleArn"]
    } == set(groups)
    granted = {
        action: as_list(s["Resource"])
        for s in role_policies(aws, held["Target"]["RoleArn"])
        for action in as_list(s["Action"])
    }
    assert granted == {
        "lambda:InvokeFunction": [held["Target"]["Arn"]],
        "sqs:SendMessage": [held["Target"]["DeadLetterConfig"]["Arn"]],
    }


def test_every_granted_action_exists(aws: Any, basic: dict[str, Any]) -> None:
    """The template this project grew from granted `lambda:InvokeLambda`, which does not
    exist, so its schedule could never invoke the function. Every action the module
    grants must be a real API operation."""
    held = schedule(aws, basic)
    lambda_role = aws("lambda").get_function(FunctionName=basic["lambda_function_name"])[
        "Configuration"
    ]["Role"]
    actions = [
        action
        for role in (lambda_role, held["Target"]["RoleArn"])
        for statement in role_policies(aws, role)
        for action in as_list(statement["Action"])
    ]
    assert actions
    assert unknown_actions(actions) == []


def test_log_group_and_dead_letter_queue_are_kept_safely(aws: Any, basic: dict[str, Any]) -> None:
    name = "/aws/lambda/" + basic["lambda_function_name"]
    (group,) = aws("logs").describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert group["retentionInDays"] == 365
    attributes = aws("sqs").get_queue_attributes(
        QueueUrl=basic["undelivered_queue_url"], AttributeNames=["All"]
    )["Attributes"]
    assert attributes["SqsManagedSseEnabled"] == "true"
    assert attributes["MessageRetentionPeriod"] == "1209600"


def test_failed_checks_go_to_the_failure_queue_and_are_replayed_once_fixed(
    aws: Any,
    basic: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A check that raises (its alert could not be published: the topic is gone) is
    retried as the deployed event invoke config says, then kept, with the event, in the
    check-failures queue that the check-failures alarm watches; once the topic is back,
    `replay` sends its alert, once. moto cannot run the function asynchronously:
    testkit/fire_check.py plays Lambda's part from the deployed configuration, and the
    queue is the deployed one."""
    function = basic["lambda_function_name"]
    config = aws("lambda").get_function_event_invoke_config(FunctionName=function)
    assert (config["MaximumRetryAttempts"], config["MaximumEventAgeInSeconds"]) == (2, 21600)
    assert (
        config["DestinationConfig"]["OnFailure"]["Destination"]
        == (basic["check_failures_queue_arn"])
    )
    variables = aws("lambda").get_function_configuration(FunctionName=function)["Environment"]
    gone = {**variables["Variables"], "ALERT_TOPIC_ARN": basic["topic_arn"] + "-gone"}
    aws("lambda").update_function_configuration(
        FunctionName=function, Environment={"Variables": gone}
    )
    try:
        deadline = CLOCKS[0]
        event = scheduled_event(
            aws("scheduler"), basic["schedule_group_name"], "nightly-etl", deadline
        )
        # The role may publish to the module's topic only: AWS would deny this one too.
        with iam_calls.denial_expected("sns:Publish", gone["ALERT_TOPIC_ARN"]):
            assert (
                invoke_deployed_async(aws("lambda"), aws("sqs"), function, event, at=deadline)
                is None
            )
    finally:
        aws("lambda").update_function_configuration(FunctionName=function, Environment=variables)
    (message,) = aws("sqs").receive_message(
        QueueUrl=basic["check_failures_queue_url"], WaitTimeSeconds=1
    )["Messages"]
    aws("sqs").change_message_visibility(
        QueueUrl=basic["check_failures_queue_url"],
        ReceiptHandle=message["ReceiptHandle"],
        VisibilityTimeout=0,
    )
    record = json.loads(message["Body"])
    assert record["requestPayload"] == event
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert "NotFound" in record["responsePayload"]["errorMessage"]
    queue = aws("sqs").get_queue_attributes(
        QueueUrl=basic["check_failures_queue_url"], AttributeNames=["All"]
    )["Attributes"]
    assert queue["SqsManagedSseEnabled"] == "true"
    # The cause fixed, the operator replays the queue (its clock a minute after the
    # deadline): the alert is sent once, and the queue is empty, so that an audit test
    # after this one finds nothing waiting.
    inbox = Inbox(aws, basic["topic_arn"])
    monkeypatch.setattr(replay, "datetime", clock(deadline + timedelta(minutes=1)))
    name = basic["state_table_name"].removesuffix(STATE_TABLE_SUFFIX)
    try:
        assert main(["replay", "--name", name, "--region", "us-east-1"]) == 0
        (alert,) = inbox.take()
    finally:
        inbox.close()
    assert alert["MessageAttributes"]["monitor"]["Value"] == "nightly-etl"
    assert "REPLAYED nightly-etl deadline" in capsys.readouterr().out
    assert "Messages" not in aws("sqs").receive_message(QueueUrl=basic["check_failures_queue_url"])


def test_alarms_watch_the_monitor_itself(aws: Any, basic: dict[str, Any]) -> None:
    alarms = {a["AlarmName"]: a for a in aws("cloudwatch").describe_alarms()["MetricAlarms"]}
    assert sorted(alarms) == [
        "nightly-batch-sfn-deadline-check-errors",
        "nightly-batch-sfn-deadline-check-failures",
        "nightly-batch-sfn-deadline-check-throttles",
        "nightly-batch-sfn-deadline-lost-check-failures",
        "nightly-batch-sfn-deadline-lost-checks",
        "nightly-batch-sfn-deadline-lost-failure-events-00",
        "nightly-batch-sfn-deadline-scheduler-dead-letters",
        "nightly-batch-sfn-deadline-state-table-errors",
    ]
    assert (
        "python -m sfn_deadline_monitor replay --name nightly-batch --region us-east-1"
        in alarms["nightly-batch-sfn-deadline-check-failures"]["AlarmDescription"]
    )
    for alarm in alarms.values():
        assert alarm["TreatMissingData"] == "notBreaching"
        assert alarm["AlarmActions"] == alarm["OKActions"] == [basic["topic_arn"]]
    (errors,) = alarms["nightly-batch-sfn-deadline-check-errors"]["Metrics"]
    assert errors["MetricStat"]["Metric"] == {
        "Namespace": "AWS/Lambda",
        "MetricName": "Errors",
        "Dimensions": [{"Name": "FunctionName", "Value": basic["lambda_function_name"]}],
    }
    (state,) = alarms["nightly-batch-sfn-deadline-state-table-errors"]["Metrics"]
    assert state["MetricStat"]["Metric"]["MetricName"] == "StateTableErrors"
    (counted,) = aws("logs").describe_metric_filters(
        logGroupName=f"/aws/lambda/{basic['lambda_function_name']}"
    )["metricFilters"]
    assert counted["filterPattern"] == '{ $.event = "state_table_failed" }'
    assert counted["metricTransformations"][0]["metricName"] == "StateTableErrors"
    (undelivered,) = alarms["nightly-batch-sfn-deadline-lost-check-failures"]["Metrics"]
    assert undelivered["MetricStat"]["Metric"] == {
        "Namespace": "AWS/Lambda",
        "MetricName": "DestinationDeliveryFailures",
        "Dimensions": [{"Name": "FunctionName", "Value": basic["lambda_function_name"]}],
    }
    lost = alarms["nightly-batch-sfn-deadline-lost-checks"]["Metrics"]
    group = basic["schedule_group_name"]
    assert sorted(
        (
            m["MetricStat"]["Metric"]["MetricName"],
            m["MetricStat"]["Metric"]["Dimensions"][0]["Value"],
        )
        for m in lost
        if "MetricStat" in m
    ) == [
        ("InvocationDroppedCount", group),
        ("InvocationDroppedCount", f"{group}-audit"),
        ("InvocationsFailedToBeSentToDeadLetterCount", group),
        ("InvocationsFailedToBeSentToDeadLetterCount", f"{group}-audit"),
    ]
    assert [m["Expression"] for m in lost if m.get("ReturnData")] == ["SUM(METRICS())"]


def test_second_plan_shows_no_changes(basic_example: Any) -> None:
    code, output = terraform_plan_exit_code(basic_example)
    assert code == 0, output


def test_deployed_function_alerts_on_a_failed_run(
    aws: Any, basic: dict[str, Any], inbox: Inbox
) -> None:
    """The code Terraform deployed, with the configuration Terraform gave it,
    invoked with the input the schedule holds, publishes an alert that a subscriber of
    the topic receives."""
    run = failed_run(aws("stepfunctions"), basic["state_machine_arn"], "nightly-2026-11-28")
    execution_arn = run["executionArn"]

    # Scheduled times are whole seconds: the deadline is the first one after the run
    # ended, on the emulator's clock, and the check runs at it.
    deadline = (run["stopDate"] + timedelta(seconds=1)).replace(microsecond=0)
    event = scheduled_event(aws("scheduler"), basic["schedule_group_name"], "nightly-etl", deadline)
    summary = invoke_deployed(aws("lambda"), basic["lambda_function_name"], event, at=deadline)
    assert summary["status"] == "FAILED"
    assert summary["deadline"] == deadline.isoformat()  # the substituted scheduled time

    (notification,) = inbox.take()
    # The runs other tests started may share the 3-hour window: all of them count.
    window = [
        e
        for e in aws("stepfunctions").list_executions(stateMachineArn=basic["state_machine_arn"])[
            "executions"
        ]
        if e["startDate"] >= deadline - timedelta(minutes=180)
    ]
    failed = sum(e["status"] == "FAILED" for e in window)
    assert notification["Subject"].startswith(
        f"[FAILED] nightly-etl: {failed} of {len(window)} run(s) failed"
    ), notification["Subject"]
    assert notification["MessageAttributes"]["status"]["Value"] == "FAILED"
    assert "Etl.LoadFailed" in notification["Message"]
    assert "relation orders_staging is locked" in notification["Message"]
    assert re.search(r"\d+\. FAILED  nightly-2026-11-28  \(FAILED\)", notification["Message"])
    assert execution_arn in notification["Message"]
    assert "no scheduled time" not in notification["Message"]


def test_deployed_rule_alerts_on_a_failure_at_once_and_only_once(
    aws: Any, basic: dict[str, Any], inbox: Inbox
) -> None:
    """A Step Functions failure event, matched by the deployed rule's pattern
    and wrapped by its input transformer, makes the deployed function alert at once; the
    same event delivered again sends nothing (the state table remembers it)."""
    run = failed_run(aws("stepfunctions"), basic["state_machine_arn"], "nightly-event")
    execution_arn = run["executionArn"]
    event = status_change_event(
        execution_arn,
        run["status"],
        run["startDate"],
        run["stopDate"],
        error=run.get("error"),
        cause=run.get("cause"),
    )
    (rule_arn,) = basic["failure_event_rule_arns"].values()
    payload = rule_input(aws("events"), rule_arn.rsplit("/", 1)[-1], event)
    first = invoke_deployed(aws("lambda"), basic["lambda_function_name"], payload)
    again = invoke_deployed(aws("lambda"), basic["lambda_function_name"], payload)
    ((summary),) = first["monitors"]
    assert (summary["status"], summary["check"], summary["notified"]) == (
        "FAILED",
        "status_change",
        True,
    )
    assert [m["duplicate"] for m in again["monitors"]] == [True]
    (notification,) = inbox.take()
    assert notification["Subject"].startswith("[FAILED] nightly-etl: run nightly-event FAILED at")
    assert "Etl.LoadFailed" in notification["Message"]
    item = aws("dynamodb").get_item(
        TableName=basic["state_table_name"], Key={"pk": {"S": "monitor#nightly-etl"}}
    )["Item"]
    assert item["status"]["S"] == "FAILED"
    assert item["problem_executions"]["L"] == [{"S": execution_arn}]


def test_rule_ignores_runs_that_succeeded(aws: Any, basic: dict[str, Any]) -> None:
    now = CLOCKS[0]
    arn = basic["state_machine_arn"].replace(":stateMachine:", ":execution:") + ":fine"
    event = status_change_event(arn, "SUCCEEDED", now, now)
    (rule_arn,) = basic["failure_event_rule_arns"].values()
    with pytest.raises(RuntimeError, match="does not match"):
        rule_input(aws("events"), rule_arn.rsplit("/", 1)[-1], event)


def set_state(aws: Any, group: str, name: str, state: str) -> None:
    """What someone does by hand in the console: UpdateSchedule with the schedule as it is,
    but another state (UpdateSchedule replaces every field: those not passed are lost)."""
    scheduler = aws("scheduler")
    held = scheduler.get_schedule(GroupName=group, Name=name)
    kept = (
        "ActionAfterCompletion",
        "Description",
        "EndDate",
        "FlexibleTimeWindow",
        "KmsKeyArn",
        "ScheduleExpression",
        "ScheduleExpressionTimezone",
        "StartDate",
        "Target",
    )
    scheduler.update_schedule(
        Name=name, GroupName=group, State=state, **{key: held[key] for key in kept if key in held}
    )


@pytest.mark.parametrize("now", CLOCKS, ids=clock_id)
def test_the_audit_names_a_quiet_monitor_once_and_its_recovery_once(
    aws: Any, basic: dict[str, Any], inbox: Inbox, now: datetime
) -> None:
    """The deployed audit, run as its schedule fires it, hours later (the clock moved on):
    nightly-etl's next 02:00 deadline after ``now`` passed, its function died before it
    could record (here: it never ran), and 60 minutes of grace went by. Then its check
    runs, and later someone disables its schedule by hand."""
    group, function = basic["schedule_group_name"], basic["lambda_function_name"]
    deadline = next_fire(parse("cron(0 2 * * ? *)"), "Asia/Tokyo", now)
    assert deadline is not None
    clock = deadline + timedelta(minutes=65)

    def audit(hours_later: int) -> dict[str, Any]:
        at = clock + timedelta(hours=hours_later)
        event = scheduled_event(aws("scheduler"), f"{group}-audit", "audit", at)
        return invoke_deployed(aws("lambda"), function, event, at=at)

    assert audit(0)["new"] == ["nightly-etl#quiet:deadline"]
    (alert,) = inbox.take()
    assert alert["Subject"] == f"[ERROR] {group} audit: 1 monitor(s) stopped checking: nightly-etl"
    assert "no deadline check completed for its fire time" in alert["Message"]
    assert audit(1)["new"] == [] and inbox.take() == []  # reported once

    check = scheduled_event(aws("scheduler"), group, "nightly-etl", deadline)
    assert invoke_deployed(aws("lambda"), function, check, at=clock)["status"] == "MISSING"
    (missing,) = inbox.take()
    assert missing["Subject"].startswith("[MISSING] nightly-etl: no run started in the 3h")
    assert audit(2)["recovered"] == ["nightly-etl#quiet:deadline"]
    (recovered,) = inbox.take()
    assert (
        recovered["Subject"] == f"[RECOVERED] {group} audit: 1 monitor(s) check again: nightly-etl"
    )

    set_state(aws, group, "nightly-etl", "DISABLED")
    try:
        assert audit(3)["new"] == ["nightly-etl#schedule_disabled:deadline"]
        (disabled,) = inbox.take()
        assert f"its deadline schedule {group}/nightly-etl is DISABLED" in disabled["Message"]
        assert audit(4)["new"] == [] and inbox.take() == []
    finally:
        set_state(aws, group, "nightly-etl", "ENABLED")


@pytest.mark.destroys
def test_destroy_leaves_nothing_behind(aws: Any, basic: dict[str, Any], basic_example: Any) -> None:
    basic_example.terraform.destroy()
    assert aws("lambda").list_functions()["Functions"] == []
    with pytest.raises(ClientError, match="ResourceNotFound"):
        aws("scheduler").get_schedule_group(Name=basic["schedule_group_name"])
    assert aws("scheduler").list_schedules()["Schedules"] == []
    assert aws("sqs").list_queues().get("QueueUrls", []) == []
    assert aws("sns").list_topics()["Topics"] == []
    roles = [r["RoleName"] for r in aws("iam").list_roles()["Roles"]]
    assert [r for r in roles if "sfn-deadline" in r or r == "nightly-etl-state-machines"] == []
    assert aws("logs").describe_log_groups()["logGroups"] == []
    assert aws("stepfunctions").list_state_machines()["stateMachines"] == []
    assert aws("cloudwatch").describe_alarms()["MetricAlarms"] == []
    assert aws("dynamodb").list_tables()["TableNames"] == []
    assert aws("events").list_rules()["Rules"] == []
    assert aws("iam").list_policies(Scope="Local")["Policies"] == []
