"""examples/complete applied against moto: every option reaches AWS, and a second plan
is empty. The tests pass in any order; the one marked ``destroys`` runs last."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from fnmatch import fnmatch
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pytest_terraform import terraform

from sfn_deadline_monitor.__main__ import main
from sfn_deadline_monitor.check.fire_times import next_fire
from sfn_deadline_monitor.check.schedule_expression import parse
from sfn_deadline_monitor.cli.common import EXIT_OK, STATE_TABLE_SUFFIX
from sfn_deadline_monitor.doctor.iam_conditions import written_for
from sfn_deadline_monitor.doctor.iam_policy import decide
from sfn_deadline_monitor.doctor.roles import role
from testkit import registry_items
from testkit.applied import (
    DST_CLOCKS,
    as_list,
    clock_id,
    outputs_of,
    role_policies,
    terraform_plan_exit_code,
)
from testkit.fire_check import invoke_deployed, scheduled_event
from testkit.iam_actions import unknown_actions, wildcard_grants

# Registers the session fixture `complete_example`: tests/apply/terraform/complete_example.
terraform("complete_example", scope="session")


@pytest.fixture(scope="session")
def complete(complete_example: Any) -> dict[str, Any]:
    return outputs_of(complete_example)


def schedules(aws: Any, complete: dict[str, Any]) -> dict[str, dict[str, Any]]:
    scheduler = aws("scheduler")
    group = complete["schedule_group_name"]
    names = [s["Name"] for s in scheduler.list_schedules(GroupName=group)["Schedules"]]
    return {name: scheduler.get_schedule(GroupName=group, Name=name) for name in names}


def test_one_schedule_per_monitor_each_in_its_time_zone(aws: Any, complete: dict) -> None:
    held = schedules(aws, complete)
    assert {name: s["ScheduleExpressionTimezone"] for name, s in held.items()} == {
        "nightly-etl": "Asia/Tokyo",
        "billing": "Europe/Berlin",
        "hourly-export": "America/New_York",
        "legacy-report": "UTC",
    }
    assert {name: s["State"] for name, s in held.items()}["legacy-report"] == "DISABLED"
    assert all(s["FlexibleTimeWindow"] == {"Mode": "OFF"} for s in held.values())
    assert held["legacy-report"]["EndDate"].year == 2030
    assert held["billing"]["Target"]["RetryPolicy"] == {
        "MaximumEventAgeInSeconds": 1800,
        "MaximumRetryAttempts": 5,
    }
    billing = json.loads(held["billing"]["Target"]["Input"])
    assert billing["state_machine_arn"].endswith(":stateMachine:billing:prod")
    assert (billing["message_format"], billing["notify_on_success"]) == ("json", True)
    assert billing["min_duration"] == {"fraction_of_median": 0.1}
    assert "min_duration" not in json.loads(held["nightly-etl"]["Target"]["Input"])
    assert (
        aws("lambda").list_functions()["Functions"][0]["FunctionName"]
        == (complete["lambda_function_name"])
    )


def test_created_topic_is_encrypted_with_an_email_subscription(aws: Any, complete: dict) -> None:
    sns = aws("sns")
    attributes = sns.get_topic_attributes(TopicArn=complete["sns_topic_arn"])["Attributes"]
    assert attributes["KmsMasterKeyId"] == complete["kms_key_arn"]
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=complete["sns_topic_arn"])
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions["Subscriptions"]] == [
        ("email", "on-call@example.com")
    ]


def test_queue_and_logs_use_the_customer_managed_key(aws: Any, complete: dict) -> None:
    queue = aws("sqs").get_queue_attributes(
        QueueUrl=complete["undelivered_queue_url"], AttributeNames=["All"]
    )["Attributes"]
    assert queue["KmsMasterKeyId"] == complete["kms_key_arn"]
    (group,) = aws("logs").describe_log_groups(logGroupNamePrefix=complete["log_group_name"])[
        "logGroups"
    ]
    assert group["kmsKeyId"] == complete["kms_key_arn"]
    assert group["retentionInDays"] == 365


def test_roles_carry_path_boundary_and_key_grants(aws: Any, complete: dict) -> None:
    iam = aws("iam")
    for role_arn in (complete["lambda_role_arn"], complete["scheduler_role_arn"]):
        role = iam.get_role(RoleName=role_arn.rsplit("/", 1)[-1])["Role"]
        assert role["Path"] == "/monitoring/"
        assert role["PermissionsBoundary"]["PermissionsBoundaryArn"].endswith(
            ":policy/monitoring/data-platform-monitor-boundary"
        )
    check = {
        action: as_list(s["Resource"])
        for s in role_policies(aws, complete["lambda_role_arn"])
        for action in as_list(s["Action"])
    }
    assert check["kms:GenerateDataKey"] == [complete["kms_key_arn"]]
    # One key for the topic, the queues and the table: each grant through its service.
    through = {
        s["Sid"]: (sorted(as_list(s["Action"])), s["Condition"]["StringEquals"]["kms:ViaService"])
        for s in role_policies(aws, complete["lambda_role_arn"])
        if s["Sid"].startswith("UseKey")
    }
    assert through == {
        "UseKeyAlertTopic": (["kms:Decrypt", "kms:GenerateDataKey"], "sns.us-east-1.amazonaws.com"),
        "UseKeyFailureQueues": (
            ["kms:Decrypt", "kms:GenerateDataKey"],
            "sqs.us-east-1.amazonaws.com",
        ),
        "UseKeyStateTable": (["kms:Decrypt"], "dynamodb.us-east-1.amazonaws.com"),
    }
    machines = complete["state_machine_arns"]
    # The billing alias is authorized through its state machine's own ARN.
    assert sorted(check["states:ListExecutions"]) == sorted(machines.values())
    scheduler = {
        action: as_list(s["Resource"])
        for s in role_policies(aws, complete["scheduler_role_arn"])
        for action in as_list(s["Action"])
    }
    assert scheduler["kms:GenerateDataKey"] == [complete["kms_key_arn"]]
    assert scheduler["kms:Decrypt"] == [complete["kms_key_arn"]]


def test_the_boundary_admits_every_grant_of_both_roles(aws: Any, complete: dict) -> None:
    """The example's permissions boundary, read back as IAM holds it, allows every action
    each role's own policies grant, on its resources, for the request each grant was
    written for (a key through one service; evaluated by the doctor's policy.decide). A
    boundary listing actions by hand lacked the audit's reads: on AWS every audit would
    have been denied while the emulator, which evaluates no IAM, said nothing."""
    denied = []
    for role_arn in (complete["lambda_role_arn"], complete["scheduler_role_arn"]):
        applied = role(aws("iam"), role_arn)
        assert applied.boundary is not None, role_arn
        grants = [
            (action, resource, written_for(statement))
            for statement in applied.identity
            if statement["Effect"] == "Allow"
            for action in as_list(statement["Action"])
            for resource in as_list(statement["Resource"])
        ]
        assert grants, role_arn
        for action, resource, context in grants:
            decision = decide(
                role_arn,
                action,
                resource,
                applied.identity,
                boundary=applied.boundary,
                context=context,
            )
            if decision.allowed is not True:
                denied.append(f"{role_arn}: {action} on {resource}: {decision.reason}")
    assert not denied, "\n".join(denied)


def test_the_deployed_audit_reads_what_it_audits(
    aws: Any, complete: dict, keep_state_table: Any
) -> None:
    """The deployed audit, fired as its schedule fires it right after the apply (its clock
    is the deployment's: no fire time has passed its grace yet). It lists the schedules and
    state machines, reads the checks' records and counts the failure queues: the calls the
    example's hand-written boundary denied, which calls_allowed_by_iam now evaluates. All
    four state machines exist."""
    keep_state_table(complete["state_table_name"])
    group, at = complete["schedule_group_name"], datetime.now(UTC)
    event = scheduled_event(aws("scheduler"), f"{group}-audit", "audit", at)
    summary = invoke_deployed(aws("lambda"), complete["lambda_function_name"], event, at=at)
    assert summary["check"] == "audit" and summary["monitors"] == 4
    assert [key for key in summary["new"] if "#state_machine" in key] == []


def test_no_role_is_granted_anything_on_every_resource(aws: Any, complete: dict) -> None:
    """Every statement of both roles names its resources: "*" only for actions on the
    commented allow-list in testkit/iam_actions.py (the audit's ListSchedules and
    ListStateMachines)."""
    statements = [
        statement
        for role in (complete["lambda_role_arn"], complete["scheduler_role_arn"])
        for statement in role_policies(aws, role)
    ]
    assert len(statements) >= 8
    assert wildcard_grants(statements) == []
    assert unknown_actions([a for s in statements for a in as_list(s["Action"])]) == []


def test_early_start_check_has_its_own_schedule(aws: Any, complete: dict) -> None:
    scheduler = aws("scheduler")
    group = complete["start_schedule_group_name"]
    assert list(complete["start_schedule_arns"]) == ["nightly-etl"]
    start = scheduler.get_schedule(GroupName=group, Name="nightly-etl")
    assert (start["ScheduleExpression"], start["ScheduleExpressionTimezone"]) == (
        "cron(15 0 * * ? *)",
        "Asia/Tokyo",
    )
    assert start["FlexibleTimeWindow"] == {"Mode": "OFF"}
    contract = json.loads(start["Target"]["Input"])
    assert (contract["check"], contract["lookback_minutes"]) == ("start", 75)
    assert contract["message_format"] == "chat"


def test_instant_failure_alerts_reach_the_function(aws: Any, complete: dict) -> None:
    rules = complete["failure_event_rule_arns"]
    # billing opted out and legacy-report is paused; the other two share a rule.
    assert sorted(rules) == ["hourly-export", "nightly-etl"]
    assert rules["hourly-export"] == rules["nightly-etl"]
    events = aws("events")
    name = rules["nightly-etl"].rsplit("/", 1)[-1]
    pattern = json.loads(events.describe_rule(Name=name)["EventPattern"])
    assert pattern["detail"]["status"] == ["FAILED", "TIMED_OUT", "ABORTED"]
    machines = complete["state_machine_arns"]
    assert pattern["detail"]["stateMachineArn"] == sorted(
        [machines["hourly-export"], machines["nightly-etl"]]
    )
    (target,) = events.list_targets_by_rule(Rule=name)["Targets"]
    function = aws("lambda").get_function(FunctionName=complete["lambda_function_name"])
    assert target["Arn"] == function["Configuration"]["FunctionArn"]
    assert '"event":<aws.events.event.json>' in target["InputTransformer"]["InputTemplate"]
    policy = json.loads(
        aws("lambda").get_policy(FunctionName=complete["lambda_function_name"])["Policy"]
    )
    (allowed,) = [
        s["Condition"]["ArnLike"]["AWS:SourceArn"]
        for s in policy["Statement"]
        if s["Principal"] == {"Service": "events.amazonaws.com"}
    ]
    assert allowed.endswith(":rule/data-platform-sfn-failed-*")
    assert all(fnmatch(rule, allowed) for rule in rules.values())
    # What EventBridge cannot deliver waits in the dead-letter queue, which lets only
    # these rules send to it.
    queue_url = complete["undelivered_queue_url"]
    queue_arn = aws("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    assert target["DeadLetterConfig"]["Arn"] == queue_arn["Attributes"]["QueueArn"]
    queue_policy = json.loads(
        aws("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["Policy"])[
            "Attributes"
        ]["Policy"]
    )
    (statement,) = queue_policy["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"] == {"ArnLike": {"aws:SourceArn": allowed}}


def test_the_key_policy_holds_what_the_module_sends_through_the_key(
    aws: Any, complete: dict
) -> None:
    """The example builds its key policy from the module's kms_key_policies output; moto
    does not enforce key policies, so this reads back what AWS would judge."""
    key_id = complete["kms_key_arn"].rsplit("/", 1)[-1]
    policy = json.loads(aws("kms").get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    principals = {s["Sid"]: s["Principal"] for s in policy["Statement"]}
    assert principals["SfnDeadlineAlarmsPublish"] == {"Service": "cloudwatch.amazonaws.com"}
    (alarms,) = [s for s in policy["Statement"] if s["Sid"] == "SfnDeadlineAlarmsPublish"]
    account = complete["account_id"]
    pattern = f"arn:aws:cloudwatch:us-east-1:{account}:alarm:data-platform-sfn-deadline-*"
    assert alarms["Condition"] == {
        "StringEquals": {"aws:SourceAccount": account},
        "ArnLike": {"aws:SourceArn": pattern},
    }
    # The pattern covers every alarm the module made.
    names = [a["AlarmName"] for a in aws("cloudwatch").describe_alarms()["MetricAlarms"]]
    assert names and all(fnmatch(name, "data-platform-sfn-deadline-*") for name in names)
    assert principals["SfnDeadlineEventBridgeDeadLetters"] == {"Service": "events.amazonaws.com"}
    assert principals["SfnDeadlineLogsEncrypt"] == {"Service": "logs.us-east-1.amazonaws.com"}
    for sid in (
        "SfnDeadlineFunctionPublishes",
        "SfnDeadlineRolesSendToQueues",
        "SfnDeadlineFunctionUsesTable",
        "SfnDeadlineSchedulerReadsInput",
    ):
        assert principals[sid] == {"AWS": f"arn:aws:iam::{complete['account_id']}:root"}


def test_alarms_go_to_a_topic_of_their_own(aws: Any, complete: dict) -> None:
    alarms = aws("cloudwatch").describe_alarms(AlarmNamePrefix="data-platform-")["MetricAlarms"]
    assert alarms
    assert {tuple(a["AlarmActions"]) for a in alarms} == {(complete["alarm_sns_topic_arn"],)}
    assert complete["alarm_sns_topic_arn"] != complete["sns_topic_arn"]
    topic = aws("sns").get_topic_attributes(TopicArn=complete["alarm_sns_topic_arn"])
    assert topic["Attributes"]["KmsMasterKeyId"] == complete["kms_key_arn"]


def test_state_table_is_on_demand_encrypted_and_recoverable(aws: Any, complete: dict) -> None:
    dynamodb = aws("dynamodb")
    table = dynamodb.describe_table(TableName=complete["state_table_name"])["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["SSEDescription"]["KMSMasterKeyArn"] == complete["kms_key_arn"]
    backups = dynamodb.describe_continuous_backups(TableName=complete["state_table_name"])
    recovery = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert recovery["PointInTimeRecoveryStatus"] == "ENABLED"
    ttl = dynamodb.describe_time_to_live(TableName=complete["state_table_name"])
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expires_at"
    environment = aws("lambda").get_function(FunctionName=complete["lambda_function_name"])[
        "Configuration"
    ]["Environment"]["Variables"]
    assert environment["STATE_TABLE_NAME"] == complete["state_table_name"]


def test_doctor_and_status_pass_on_the_applied_example(
    complete: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    """The commands against what Terraform really applied: the registry it wrote, the key
    policy built from kms_key_policies, the schedules, rules, alarms and queues. No check
    has run yet, so no monitor has a status, and nothing needs attention."""
    name = complete["state_table_name"].removesuffix(STATE_TABLE_SUFFIX)
    code = main(["doctor", "--name", name, "--region", "us-east-1"])
    out = capsys.readouterr().out
    assert code == EXIT_OK, out
    assert [line for line in out.splitlines() if not line.startswith("PASS")] == [
        "doctor: data-platform in us-east-1, 4 monitor(s)",
        "22 checks: 22 passed, 0 failed, 0 warnings",
    ]
    # Both roles, whose boundary the example builds from permissions_boundary_policy.
    assert "PASS  the check_function role data-platform-sfn-deadline-check may take each" in out
    assert "PASS  the scheduler role data-platform-sfn-deadline-scheduler may take each" in out
    assert main(["status", "--name", name, "--region", "us-east-1"]) == EXIT_OK
    assert "0 of 4 monitor(s) need attention." in capsys.readouterr().out


def test_the_tests_registry_items_are_shaped_as_terraform_writes_them(
    aws: Any, complete: dict
) -> None:
    """testkit/registry_items.py stands in for registry.tf in the commands' tests."""
    items = {
        item["pk"]["S"]: item
        for item in aws("dynamodb").scan(TableName=complete["state_table_name"])["Items"]
        if item["pk"]["S"].startswith("registry")
    }
    assert sorted(items) == ["registry", "registry#00"]
    written = json.loads(items["registry"]["manifest"]["S"])
    assert written.keys() == registry_items.manifest("n", "r", "a").keys()
    assert written["audit"].keys() == registry_items.manifest("n", "r", "a")["audit"].keys()
    monitors = json.loads(items["registry#00"]["monitors"]["S"])
    nightly = registry_items.monitor(
        "arn", start="cron(15 0 * * ? *)", at_risk="cron(30 1 * * ? *)", failure_rule="rule"
    )
    assert monitors["nightly-etl"].keys() == nightly.keys()
    assert {kind: s.keys() for kind, s in monitors["nightly-etl"]["schedules"].items()} == {
        kind: s.keys() for kind, s in nightly["schedules"].items()
    }


@pytest.mark.parametrize("clock", DST_CLOCKS, ids=lambda clock: clock_id(clock[0]))
def test_a_deadline_keeps_its_local_time_across_daylight_saving_changes(
    aws: Any, complete: dict, subscribe: Any, keep_state_table: Any, clock: tuple[datetime, str]
) -> None:
    """billing is due by 06:30 on weekdays in Berlin. Its deployed schedule's next fire
    time after a clock on either side of a daylight saving change is 06:30 Berlin time,
    in winter (05:30 UTC) as in summer (04:30 UTC), and the deployed check, fired then
    with no run, says MISSING with that local deadline."""
    now, zone_name = clock
    keep_state_table(complete["state_table_name"])
    inbox = subscribe(complete["sns_topic_arn"])
    group, function = complete["schedule_group_name"], complete["lambda_function_name"]
    held = aws("scheduler").get_schedule(GroupName=group, Name="billing")
    timezone = held["ScheduleExpressionTimezone"]
    deadline = next_fire(parse(held["ScheduleExpression"]), timezone, now)
    assert deadline is not None
    local = deadline.astimezone(ZoneInfo(timezone))
    assert (local.hour, local.minute, local.tzname()) == (6, 30, zone_name)

    event = scheduled_event(aws("scheduler"), group, "billing", deadline)
    assert invoke_deployed(aws("lambda"), function, event, at=deadline)["status"] == "MISSING"
    (alert,) = inbox.take()
    assert alert["Subject"].startswith("[MISSING] billing: ")
    assert alert["Subject"].endswith(f"{local:%Y-%m-%d} 06:30 {zone_name}"), alert["Subject"]
    report = json.loads(alert["Message"])
    assert report["window"]["deadline"] == deadline.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert report["window"]["timezone"] == "Europe/Berlin"


def test_second_plan_shows_no_changes(complete_example: Any) -> None:
    code, output = terraform_plan_exit_code(complete_example)
    assert code == 0, output


@pytest.mark.destroys
def test_destroy_leaves_nothing_behind(aws: Any, complete_example: Any) -> None:
    complete_example.terraform.destroy()
    assert aws("lambda").list_functions()["Functions"] == []
    assert aws("scheduler").list_schedules()["Schedules"] == []
    assert aws("sns").list_topics()["Topics"] == []
    assert aws("sqs").list_queues().get("QueueUrls", []) == []
    assert aws("iam").list_policies(Scope="Local")["Policies"] == []
    assert aws("dynamodb").list_tables()["TableNames"] == []
    assert aws("events").list_rules()["Rules"] == []
