"""``doctor`` on emulated AWS: every check passes on a healthy deployment, and each check
fails (or warns) on a deployment broken on purpose for it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from sfn_deadline_monitor.__main__ import main
from sfn_deadline_monitor.cli.common import EXIT_ERROR, EXIT_NOT_OK, EXIT_OK, EXIT_USAGE
from sfn_deadline_monitor.state.discovered import discovered_items
from testkit.account import REGION, Account
from testkit.deployed_module import (
    ACCOUNT,
    ALARM,
    FUNCTION_ACTIONS,
    NAME,
    PREFIX,
    PUBLISH_STATEMENT,
    RULE,
    TABLE,
    Deployed,
    client,
    key_policy,
    run,
)
from testkit.member import MEMBER_ACCOUNT, MEMBER_ROLE
from testkit.registry_items import discovery, monitor
from testkit.state_table import create_state_table

Refuse = Callable[[str, str], None]


def lines(output: str, level: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(level)]


ROLE_FAILS = f"FAIL  the check_function role {PREFIX}-check may not take every action it uses: "


def role_failure(output: str) -> tuple[str, list[str]]:
    """The role-actions check's FAIL line (after its prefix), and the other FAIL lines: a
    grant removed from the role fails that check too."""
    fails = lines(output, "FAIL")
    (role,) = [line.removeprefix(ROLE_FAILS) for line in fails if line.startswith(ROLE_FAILS)]
    return role, [line for line in fails if not line.startswith(ROLE_FAILS)]


def test_a_healthy_deployment_passes_every_check(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run("doctor", capsys)
    assert code == EXIT_OK, out
    assert lines(out, "FAIL") == lines(out, "WARN") == []
    assert out.splitlines()[0] == f"doctor: {NAME} in {REGION}, 2 monitor(s)"
    assert out.splitlines()[-1] == "14 checks: 14 passed, 0 failed, 0 warnings"
    assert f"PASS  the check_function role {PREFIX}-check may take each of the 7 action(s)" in out
    assert f"PASS  key {deployed.key_arn} (alert_topic): Enabled, its policy holds" in out
    assert "PASS  2 deadline schedule(s) in group team: present, 2 enabled" in out
    assert (
        "PASS  1 monitor(s)' state machines in this account: exist, STANDARD, readable by the "
        "function's role"
    ) in out
    assert (
        f"PASS  member role {MEMBER_ROLE}: assumed, lists the executions of 1 monitor(s), whose "
        "state machines exist and are STANDARD"
    ) in out


def test_no_registry_cannot_start(account: object, capsys: pytest.CaptureFixture[str]) -> None:
    create_state_table(client("dynamodb"), TABLE)
    code, out = run("doctor", capsys)
    assert code == EXIT_ERROR
    assert f"error: {TABLE} holds no registry" in out


def test_no_table_cannot_start(account: object, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run("doctor", capsys)
    assert code == EXIT_ERROR
    assert f"error: no table {TABLE} in {REGION}: is --name the module's name input" in out


def test_without_a_name_or_table_it_is_a_usage_error(
    account: object, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["doctor"]) == EXIT_USAGE
    assert "give the module's --name" in capsys.readouterr().err


def test_a_deleted_function(deployed: Deployed, capsys: pytest.CaptureFixture[str]) -> None:
    client("lambda").delete_function(FunctionName=f"{PREFIX}-check")
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    assert lines(out, "FAIL") == [
        f"FAIL  function {deployed.function_arn} does not exist: no check runs. "
        "Fix: run terraform apply, which restores it"
    ]


def test_a_deleted_topic(deployed: Deployed, capsys: pytest.CaptureFixture[str]) -> None:
    client("sns").delete_topic(TopicArn=deployed.topic_arn)
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    assert any(f"alert topic {deployed.topic_arn} does not exist" in f for f in lines(out, "FAIL"))


def test_a_role_that_may_not_publish(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a topic policy that grants the role nothing, only the role's policies can."""
    deployed.role_policy([s for s in deployed.role_statements() if s["Sid"] != "PublishAlerts"])
    alarms_only = {
        "Effect": "Allow",
        "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Action": "sns:Publish",
        "Resource": deployed.topic_arn,
    }
    client("sns").set_topic_attributes(
        TopicArn=deployed.topic_arn,
        AttributeName="Policy",
        AttributeValue=json.dumps({"Version": "2012-10-17", "Statement": [alarms_only]}),
    )
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    role, (fail,) = role_failure(out)
    assert (
        f"sns:Publish on {deployed.topic_arn}: no statement of the role's policies allows it"
        in fail
    )
    assert role.startswith("its policies grant no sns:Publish. Fix: run terraform apply")


def test_a_conditional_grant_cannot_be_judged(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    """SNS's default topic policy allows under AWS:SourceOwner, a key AWS leaves
    undocumented: without the role's own grant, the doctor cannot tell."""
    deployed.role_policy([s for s in deployed.role_statements() if s["Sid"] != "PublishAlerts"])
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    assert role_failure(out)[0].startswith("its policies grant no sns:Publish.")
    (warn,) = lines(out, "WARN")
    assert warn.endswith(
        f"sns:Publish on {deployed.topic_arn}: only under a condition do the resource's policy "
        "(statement __default_statement_ID) allow it. Fix: make sure the condition admits the "
        "function"
    )


def test_a_role_that_may_not_use_the_topics_key(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    deployed.role_policy([s for s in deployed.role_statements() if s["Sid"] != "UseKeyAlertTopic"])
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    role, (fail,) = role_failure(out)
    assert role.startswith("its policies grant no kms:Decrypt, kms:GenerateDataKey.")
    assert f"kms:GenerateDataKey on {deployed.key_arn}: no statement of the role's policies" in fail


def test_a_key_grant_through_another_service_does_not_let_it_publish(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    """The role's grant of the topic's key holds only through SQS (kms:ViaService): SNS,
    which uses the key on the function's behalf, would be refused."""
    statements = deployed.role_statements()
    for s in statements:
        if s["Sid"] == "UseKeyAlertTopic":
            s["Condition"] = {"StringEquals": {"kms:ViaService": f"sqs.{REGION}.amazonaws.com"}}
    deployed.role_policy(statements)
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    # The grant itself is judged for the request it was written for (SQS's), which holds:
    # only publishing fails.
    (fail,) = lines(out, "FAIL")
    assert "may publish" in fail
    assert f"kms:GenerateDataKey on {deployed.key_arn}: no statement of the role's policies" in fail


def test_a_boundary_that_admits_the_key_through_another_service_only(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    """The boundary lets the key be used only through DynamoDB: the role's grant through
    SNS is refused, and the doctor names the action and the layer."""
    iam = client("iam")
    fence = [
        {
            "Effect": "Allow",
            "Action": [a for a in FUNCTION_ACTIONS if not a.startswith("kms:")],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": "kms:*",
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:ViaService": f"dynamodb.{REGION}.amazonaws.com"}},
        },
    ]
    arn = iam.create_policy(
        PolicyName="fence",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": fence}),
    )["Policy"]["Arn"]
    iam.put_role_permissions_boundary(RoleName=f"{PREFIX}-check", PermissionsBoundary=arn)
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    role, (publish,) = role_failure(out)
    assert role.startswith(
        f"kms:Decrypt on {deployed.key_arn} (the permissions boundary does not allow it)"
    ), role
    assert "may publish" in publish
    assert (
        f"kms:GenerateDataKey on {deployed.key_arn}: the permissions boundary does not allow it"
        in publish
    )


def test_a_deny_in_an_attached_policy_stops_publishing(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    iam = client("iam")
    deny = {"Sid": "NoSns", "Effect": "Deny", "Action": "sns:*", "Resource": "*"}
    arn = iam.create_policy(
        PolicyName="no-sns",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [deny]}),
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=f"{PREFIX}-check", PolicyArn=arn)
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    assert "the role's policies deny it (statement NoSns)" in lines(out, "FAIL")[0]


def test_a_permissions_boundary_without_publish(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    iam = client("iam")
    fence = {"Effect": "Allow", "Action": ["kms:*", "sts:AssumeRole"], "Resource": "*"}
    arn = iam.create_policy(
        PolicyName="fence",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [fence]}),
    )["Policy"]["Arn"]
    iam.put_role_permissions_boundary(RoleName=f"{PREFIX}-check", PermissionsBoundary=arn)
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    assert "the permissions boundary does not allow it" in lines(out, "FAIL")[0]


def test_a_permissions_boundary_without_an_action_the_role_uses_fails_naming_it(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    """The audit's BatchGetItem, which examples/complete's hand-written boundary lacked: the
    emulator evaluates no IAM, so only the doctor can say AWS would deny it."""
    iam = client("iam")
    fence = {
        "Effect": "Allow",
        "Action": [a for a in FUNCTION_ACTIONS if a != "dynamodb:BatchGetItem"],
        "Resource": "*",
    }
    arn = iam.create_policy(
        PolicyName="fence",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [fence]}),
    )["Policy"]["Arn"]
    iam.put_role_permissions_boundary(RoleName=f"{PREFIX}-check", PermissionsBoundary=arn)
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    role, others = role_failure(out)
    assert role.startswith(
        f"dynamodb:BatchGetItem on arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{TABLE} (the "
        "permissions boundary does not allow it). Fix: run terraform apply, which restores it "
        "(the role's policies); let the permissions boundary allow the module's role_actions"
    )
    assert others == []


def test_a_key_policy_without_the_modules_statement(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    weaker = {
        **PUBLISH_STATEMENT,
        "Condition": {"ArnEquals": PUBLISH_STATEMENT["Condition"]["ArnEquals"]},
    }
    client("kms").put_key_policy(
        KeyId=deployed.key_arn, PolicyName="default", Policy=key_policy(weaker)
    )
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    assert lines(out, "FAIL") == [
        f"FAIL  key {deployed.key_arn} (alert_topic): its policy lacks "
        "SfnDeadlineFunctionPublishes: "
        'alerts cannot be published. Fix: merge the module\'s kms_key_policies["alert_topic"] '
        "output into the key's policy"
    ]


def test_a_disabled_key(deployed: Deployed, capsys: pytest.CaptureFixture[str]) -> None:
    client("kms").disable_key(KeyId=deployed.key_arn.rsplit("/", 1)[-1])
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    assert f"FAIL  key {deployed.key_arn} (alert_topic) is Disabled" in out


def test_schedules_missing_disabled_elsewhere_or_undeclared(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    scheduler = client("scheduler")
    scheduler.delete_schedule(Name="etl", GroupName=NAME)
    held = scheduler.get_schedule(Name="member-etl", GroupName=NAME)
    scheduler.update_schedule(
        Name="member-etl",
        GroupName=NAME,
        ScheduleExpression=held["ScheduleExpression"],
        FlexibleTimeWindow={"Mode": "OFF"},
        State="DISABLED",
        Target={**held["Target"], "Arn": deployed.own_machine},
    )
    scheduler.create_schedule(
        Name="by-hand",
        GroupName=NAME,
        ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": deployed.function_arn, "RoleArn": held["Target"]["RoleArn"]},
    )
    scheduler.delete_schedule(Name="audit", GroupName=f"{NAME}-audit")
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    assert [line.split(". Fix: ")[0] for line in lines(out, "FAIL")] == [
        "FAIL  1 audit schedule(s) of group team-audit missing: their checks never run: audit",
        "FAIL  1 deadline schedule(s) of group team missing: their checks never run: etl",
        "FAIL  1 deadline schedule(s) of group team disabled: their checks do not run: member-etl",
        "FAIL  1 deadline schedule(s) of group team not targeting the function: member-etl",
    ]
    assert lines(out, "WARN") == [
        "WARN  1 deadline schedule(s) of group team not declared by the module: nothing keeps "
        "them up to date: by-hand. Fix: delete them, or declare them in the module"
    ]


def test_a_deleted_schedule_group(deployed: Deployed, capsys: pytest.CaptureFixture[str]) -> None:
    client("scheduler").delete_schedule_group(Name=f"{NAME}-audit")
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    assert lines(out, "FAIL") == [
        f"FAIL  schedule group {NAME}-audit does not exist: no audit check runs. "
        "Fix: run terraform apply, which restores it"
    ]


def test_a_paused_monitor_whose_schedule_runs_warns(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    deployed.monitors["etl"]["enabled"] = False
    deployed.write()
    code, out = run("doctor", capsys)
    assert code == EXIT_OK
    assert lines(out, "WARN")[0].startswith(
        "WARN  1 deadline schedule(s) of group team enabled though declared paused: etl"
    )


@pytest.mark.parametrize(
    ("breaking", "problem"),
    [
        (lambda e: e.disable_rule(Name=RULE), "disabled"),
        (lambda e: e.remove_targets(Rule=RULE, Ids=["check"]), "not targeting the function"),
        (
            lambda e: (e.remove_targets(Rule=RULE, Ids=["check"]), e.delete_rule(Name=RULE)),
            "missing",
        ),
    ],
)
def test_a_broken_failure_rule(
    deployed: Deployed, capsys: pytest.CaptureFixture[str], breaking: Callable, problem: str
) -> None:
    breaking(client("events"))
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    assert lines(out, "FAIL") == [
        f"FAIL  1 failure rule(s) {problem}: their monitors' instant failure alerts are off: "
        f"{RULE}. Fix: run terraform apply, which restores it"
    ]


def test_a_state_machine_that_does_not_exist_fails_naming_its_monitor(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    """A well-formed ARN with a typo: the function's role may read it (Terraform grants
    the ARN as written), but there is nothing to read."""
    typo = deployed.own_machine.replace(":etl", ":etI")
    deployed.monitors["etl"]["state_machine_arn"] = typo
    deployed.write()
    deployed.role_policy(
        [
            {**s, "Resource": typo} if s["Resource"] == deployed.own_machine else s
            for s in deployed.role_statements()
        ]
    )
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    assert lines(out, "FAIL") == [
        f"FAIL  monitor etl: its state machine {typo} does not exist in {ACCOUNT}/{REGION}: "
        "each of its checks reports ERROR. Fix: correct the monitor's state_machine_arn (a "
        "typo?) or create the state machine"
    ]


def test_an_express_state_machine_fails_naming_its_monitor(
    deployed: Deployed, account: Account, capsys: pytest.CaptureFixture[str]
) -> None:
    express = account.state_machine("etl-express", machine_type="EXPRESS")
    deployed.monitors["etl"]["state_machine_arn"] = express
    deployed.write()
    deployed.role_policy(
        [
            {**s, "Resource": express} if s["Resource"] == deployed.own_machine else s
            for s in deployed.role_statements()
        ]
    )
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    (fail,) = lines(out, "FAIL")
    assert fail.startswith(
        f"FAIL  monitor etl: its state machine {express} is EXPRESS: ListExecutions cannot "
        "read it: each of its checks reports ERROR. Fix: watch an EXPRESS state machine"
    )


def test_a_state_machine_the_functions_role_may_not_read(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    deployed.role_policy(
        [s for s in deployed.role_statements() if s["Sid"] != "ReadMonitoredStateMachines"]
    )
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    role, fails = role_failure(out)
    assert role.startswith("its policies grant no states:ListExecutions.")
    assert fails == [
        "FAIL  the function's role may not call states:ListExecutions on the state machines "
        "of etl: no statement of the role's policies allows it. Fix: run terraform apply, "
        "which restores it (the ReadMonitoredStateMachines statements, or read_scope's "
        "prefixes); remove a Deny or widen the permissions boundary"
    ]


def test_a_member_state_machine_that_does_not_exist_fails_naming_its_monitor(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    member = deployed.monitors["member-etl"]["state_machine_arn"]
    deployed.monitors["member-etl"]["state_machine_arn"] = f"{member}-typo"
    deployed.write()
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    assert lines(out, "FAIL") == [
        f"FAIL  monitor member-etl: its state machine {member}-typo does not exist in "
        f"{MEMBER_ACCOUNT}/{REGION}: each of its checks reports ERROR. Fix: correct the "
        "monitor's state_machine_arn (a typo?) or create the state machine"
    ]


def test_a_member_role_that_may_not_list_state_machines(
    deployed: Deployed, capsys: pytest.CaptureFixture[str], refuse: Refuse
) -> None:
    """A member role of an older release: the checks still read, the audit cannot look.
    Its missing state machine is still named, from what ListExecutions answers."""
    refuse("ListStateMachines", "AccessDeniedException")
    member = deployed.monitors["member-etl"]["state_machine_arn"]
    deployed.monitors["member-etl"]["state_machine_arn"] = f"{member}-typo"
    deployed.write()
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    assert [line.split(". Fix: ")[0] for line in lines(out, "FAIL")] == [
        f"FAIL  member role {MEMBER_ROLE} may not list its account's state machines "
        "(AccessDeniedException: refused by the test): the audit cannot tell whether they exist",
        f"FAIL  monitor member-etl: its state machine {member}-typo: StateMachineDoesNotExist: "
        "each of its checks reports ERROR",
    ]
    # The caller's own list was refused too: a check it could not make.
    assert lines(out, "WARN") == [
        "WARN  state machines: could not check (AccessDeniedException: refused by the test). "
        "Fix: run doctor with read access"
    ]


def test_a_member_role_of_another_account_than_the_state_machine(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    """The role is assumed, but Step Functions refuses a read across accounts."""
    deployed.monitors["member-etl"]["state_machine_arn"] = deployed.own_machine
    deployed.write()
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    (fail,) = lines(out, "FAIL")
    assert fail.startswith(
        f"FAIL  member role {MEMBER_ROLE} cannot list the executions of 1 monitor(s)' state "
        "machines (member-etl: AccessDeniedException"
    )


def test_a_function_role_that_may_not_assume_the_member_role(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    deployed.role_policy([s for s in deployed.role_statements() if s["Sid"] != "AssumeMemberRoles"])
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    role, fails = role_failure(out)
    assert role.startswith("its policies grant no sts:AssumeRole.")
    assert fails == [
        f"FAIL  the function's role may not assume {MEMBER_ROLE}: no statement of the role's "
        "policies allows it. Fix: run terraform apply, which restores it (the AssumeMemberRoles "
        "statement)"
    ]


def test_a_member_role_the_caller_may_not_assume_warns(
    deployed: Deployed, capsys: pytest.CaptureFixture[str], refuse: Refuse
) -> None:
    """modules/member-role trusts the function's role only: AWS refuses anyone else."""
    refuse("AssumeRole", "AccessDenied")
    code, out = run("doctor", capsys)
    assert code == EXIT_OK
    assert lines(out, "WARN") == [
        f"WARN  member role {MEMBER_ROLE}: your credentials could not assume it (AccessDenied: "
        "refused by the test); modules/member-role trusts only the function's role, so its "
        "reads are not verified. Fix: run doctor as a principal the role trusts, or see the "
        "monitors' last checks (status)"
    ]


def test_an_alarm_without_actions(deployed: Deployed, capsys: pytest.CaptureFixture[str]) -> None:
    client("cloudwatch").disable_alarm_actions(AlarmNames=[ALARM])
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    assert lines(out, "FAIL") == [
        "FAIL  1 alarm(s) with actions disabled: the monitor's own failures go unheard: "
        f"{ALARM}. Fix: aws cloudwatch enable-alarm-actions --alarm-names {ALARM}"
    ]


def test_a_deleted_alarm(deployed: Deployed, capsys: pytest.CaptureFixture[str]) -> None:
    client("cloudwatch").delete_alarms(AlarmNames=[ALARM])
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    assert lines(out, "FAIL")[0].startswith("FAIL  1 alarm(s) missing: the monitor's own")


def test_a_failure_queue_that_holds_messages(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    url = deployed.queues["check_failures"]
    client("sqs").send_message(QueueUrl=url, MessageBody="{}")
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    assert lines(out, "FAIL") == [
        f"FAIL  check_failures queue {PREFIX}-check-failures holds 1 message(s): checks that "
        "failed inside the function after Lambda's retries. Fix: read them (aws sqs "
        f"receive-message --queue-url {url}), fix what they name, then delete them"
    ]


def test_a_deleted_queue(deployed: Deployed, capsys: pytest.CaptureFixture[str]) -> None:
    client("sqs").delete_queue(QueueUrl=deployed.queues["undelivered"])
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    assert lines(out, "FAIL")[0].startswith("FAIL  undelivered queue https://")


def test_a_check_the_caller_may_not_make_warns(
    deployed: Deployed, capsys: pytest.CaptureFixture[str], refuse: Refuse
) -> None:
    refuse("DescribeAlarms", "AccessDenied")
    code, out = run("doctor", capsys)
    assert code == EXIT_OK
    assert lines(out, "WARN") == [
        "WARN  alarms: could not check (AccessDenied: refused by the test). "
        "Fix: run doctor with read access"
    ]


BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/incidents"
PUT_ALERT_EVENTS = {
    "Sid": "PutAlertEvents",
    "Effect": "Allow",
    "Action": "events:PutEvents",
    "Resource": BUS,
    "Condition": {
        "ForAllValues:StringEquals": {"events:source": ["sfn-deadline-monitor"]},
        "Null": {"events:source": "false"},
    },
}


def with_alert_bus(deployed: Deployed, *, exists: bool, statement: dict[str, object]) -> None:
    """The deployment with event_bus_name = "incidents", as registry.tf and iam.tf write
    it; the bus itself only if it ``exists``."""
    if exists:
        client("events").create_event_bus(Name="incidents")
    deployed.manifest["event_bus_arn"] = BUS
    roles = deployed.manifest["roles"]
    roles["check_function"]["actions"] = sorted(
        [*roles["check_function"]["actions"], "events:PutEvents"]
    )
    deployed.write()
    deployed.role_policy([*deployed.role_statements(), statement])


def test_the_function_may_put_its_alert_events(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    with_alert_bus(deployed, exists=True, statement=PUT_ALERT_EVENTS)
    code, out = run("doctor", capsys)
    assert code == EXIT_OK, out
    assert (
        f"PASS  the function's role {PREFIX}-check may put alert events on {BUS}: yes "
        "(events:PutEvents allowed)"
    ) in out


def test_a_missing_bus_holds_back_every_alert(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    with_alert_bus(deployed, exists=False, statement=PUT_ALERT_EVENTS)
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    assert lines(out, "FAIL") == [
        f"FAIL  the function's role {PREFIX}-check may put alert events on {BUS}: no, the bus "
        "does not exist: every alert fails before it is published. Fix: create the bus, or "
        "set event_bus_name to one that exists (null: SNS only)"
    ]


def test_a_grant_for_another_source_does_not_let_it_put_events(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
) -> None:
    other = {
        **PUT_ALERT_EVENTS,
        "Condition": {"ForAllValues:StringEquals": {"events:source": ["billing"]}},
    }
    with_alert_bus(deployed, exists=True, statement=other)
    code, out = run("doctor", capsys)
    assert code == EXIT_NOT_OK
    fails = [f for f in lines(out, "FAIL") if "may put alert events" in f]
    assert fails == [
        f"FAIL  the function's role {PREFIX}-check may put alert events on {BUS}: no, no "
        "statement of the role's policies allows it: every alert fails before it is "
        "published. Fix: run terraform apply, which restores it (the role's PutAlertEvents "
        "statement); remove a Deny or widen the permissions boundary"
    ]


def test_a_discovered_monitor_is_checked_in_its_own_group(
    deployed: Deployed, account: Account, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its schedule is looked for in the discovered group, and read through the grant on
    the tag (iam.tf), which names no state machine."""
    orders = account.state_machine("orders")
    account.sfn.tag_resource(
        resourceArn=orders, tags=[{"key": "deadline-monitor:deadline", "value": "02:00"}]
    )
    deployed.manifest["discovery"] = discovery(NAME, REGION, ACCOUNT)
    deployed.write()
    group = deployed.manifest["discovery"]["schedule_groups"]["deadline"]
    scheduler = client("scheduler")
    for name in deployed.manifest["discovery"]["schedule_groups"].values():
        scheduler.create_schedule_group(Name=name)
    scheduler.create_schedule(
        Name="orders",
        GroupName=group,
        ScheduleExpression="cron(0 2 * * ? *)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": deployed.function_arn, "RoleArn": account.role_arn},
    )
    record = {**monitor(orders), "digest": "0" * 16}
    for item in discovered_items({"orders": record}, datetime.now(UTC)):
        client("dynamodb").put_item(TableName=TABLE, Item=item)
    by_tag = {
        "Sid": "ReadDiscoveredStateMachines",
        "Effect": "Allow",
        "Action": "states:ListExecutions",
        "Resource": f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:*",
        "Condition": {"Null": {"aws:ResourceTag/deadline-monitor:deadline": "false"}},
    }
    deployed.role_policy([*deployed.role_statements(), by_tag])

    code, out = run("doctor", capsys)
    assert code == EXIT_OK, out
    assert lines(out, "FAIL") == lines(out, "WARN") == []
    assert f"PASS  1 deadline schedule(s) in group {group}: present, 1 enabled" in out
    assert "PASS  2 deadline schedule(s) in group team: present, 2 enabled" in out
    assert "PASS  2 monitor(s)' state machines in this account: exist, STANDARD, readable" in out

    # Untagged since the last audit (which will drop it): the grant no longer shows.
    account.sfn.untag_resource(resourceArn=orders, tagKeys=["deadline-monitor:deadline"])
    code, out = run("doctor", capsys)
    (warned,) = lines(out, "WARN")
    assert "states:ListExecutions on the state machines of orders: only under a condition" in warned
