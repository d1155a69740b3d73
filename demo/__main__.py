"""`make demo`: the module deployed on emulated AWS, fed a failed, a late and a missing run,
a run at risk of missing its deadline, and a schedule someone disabled by hand.

Starts moto on 127.0.0.1, applies demo/ (five state machines, the on-call topic and the
module watching them), plays the scenarios (a run that fails, a run still going at its
deadline, a job that never started and waits for the failed one (its alert names it), a
job on its calendar's day off (nothing sent), a job whose run takes far longer than its
history), hands the failure's event to the check as the module's EventBridge rule does,
fires each monitor's check the way EventBridge Scheduler does (one of them twice, as a
retry would), lets on call start the missing job by hand and checks it again, fires the
at-risk check before a deadline, disables a schedule by hand and fires the audit, lets a
check fail through Lambda's retries into the check-failures queue and replays it once the
cause is fixed, pauses a monitor and sends its held alert after the pause, tags a team's
state machine for the audit to discover and checks it at its deadline, prints the alerts
that reached the topic's SQS subscriber and the incidents their events opened and
resolved on the module's event bus, and ends with the `report` of the deadlines the
checks judged (the deadline history). Then it destroys everything and stops the server,
also on Ctrl-C or failure.
"""

from __future__ import annotations

import json
import shlex
import shutil
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import boto3

from demo.received import print_alerts, print_incidents
from testkit.fire_check import (
    invoke_deployed,
    invoke_deployed_async,
    rule_input,
    run_command,
    scheduled_event,
    status_change_event,
)
from testkit.moto_server import emulated_aws
from testkit.paths import ROOT
from testkit.terraform import TerraformError, terraform

DEMO = Path(__file__).resolve().parent  # main.tf, the demo's root module, beside this driver
WORK = ROOT / ".build" / "demo"
REGION = "us-east-1"
SCENARIOS = {
    "nightly-etl": ("fail", "a run that fails 'relation orders_staging is locked'"),
    "billing": ("slow", "a run still waiting for its upstream at the deadline"),
    "reports": (None, "no run at all: it waits for nightly-etl (upstream), which failed"),
    "payroll": (None, "no run: today is a day off in its calendar"),
}
STEPS = 14
MODULE_NAME = "demo"  # demo/main.tf's name input
# exports' history: runs of two seconds, at least as many as a pace needs (check/history.py).
QUICK_RUNS = 6


def step(number: int, text: str) -> None:
    print(f"\n[{number}/{STEPS}] {text}", flush=True)


def demo_terraform(*args: str) -> str:
    """Terraform on demo/, with its state and data kept under .build/demo."""
    state = [f"-state={WORK / 'terraform.tfstate'}"] if args[0] != "init" else []
    return terraform(DEMO, *args, *state, env={"TF_DATA_DIR": str(WORK / ".terraform")})


def start_run(sfn: Any, arn: str, monitor: str, scenario: str | None) -> None:
    sfn.start_execution(
        stateMachineArn=arn,
        name=f"{monitor}-{datetime.now(UTC):%Y%m%dT%H%M%S}",
        input=json.dumps({"scenario": scenario}),
    )


def play_scenarios(sfn: Any, arns: dict[str, str]) -> None:
    print(f"  {'exports':12} {QUICK_RUNS} runs of two seconds each: its history")
    for n in range(QUICK_RUNS):
        start_run(sfn, arns["exports"], f"exports-{n}", "quick")
    for monitor, (scenario, story) in SCENARIOS.items():
        print(f"  {monitor:12} {story}")
        if scenario:
            start_run(sfn, arns[monitor], monitor, scenario)
    time.sleep(3)  # moto runs the executions in the background
    for monitor, arn in arns.items():
        for execution in sfn.list_executions(stateMachineArn=arn)["executions"]:
            print(f"  {monitor:12} execution {execution['status']}")


def send_failure_events(aws: Any, out: dict[str, Any]) -> None:
    """Each failed run's status change event, through its monitor's rule, as it happens."""
    sfn = aws("stepfunctions")
    for monitor, rule_arn in out["failure_event_rule_arns"].items():
        arn = out["state_machine_arns"][monitor]
        for item in sfn.list_executions(stateMachineArn=arn, statusFilter="FAILED")["executions"]:
            run = sfn.describe_execution(executionArn=item["executionArn"])
            event = status_change_event(
                run["executionArn"],
                run["status"],
                run["startDate"],
                run["stopDate"],
                error=run.get("error"),
                cause=run.get("cause"),
            )
            payload = rule_input(aws("events"), rule_arn.rsplit("/", 1)[-1], event)
            result = invoke_deployed(aws("lambda"), out["lambda_function_name"], payload)
            for summary in result["monitors"]:
                print(f"  {summary['monitor']:12} failure event -> {summary['status']} at once")


def fire(aws: Any, out: dict[str, Any], monitor: str, deadline: datetime, attempt: int = 1) -> None:
    event = scheduled_event(
        aws("scheduler"), out["schedule_group_name"], monitor, deadline, attempt
    )
    result = invoke_deployed(aws("lambda"), out["lambda_function_name"], event)
    if result.get("duplicate"):
        print(
            f"  {monitor:12} -> attempt {attempt} of the same check: already handled, nothing sent"
        )
        return
    print(
        f"  {monitor:12} -> {result['status']:9} "
        f"({result['executions_in_window']} run(s) in the window, "
        f"{result['list_calls']} ListExecutions call(s), alert sent: {result['notified']})"
    )


def fire_checks(aws: Any, out: dict[str, Any]) -> None:
    deadline = datetime.now(UTC).replace(microsecond=0)
    for monitor in SCENARIOS:
        fire(aws, out, monitor, deadline)
    fire(aws, out, "billing", deadline, attempt=2)


def recover(aws: Any, out: dict[str, Any]) -> None:
    """On call starts the missing job by hand, as its alert advised; its next check recovers."""
    time.sleep(1)  # a later scheduled time than the MISSING check's
    start_run(aws("stepfunctions"), out["state_machine_arns"]["reports"], "reports", None)
    time.sleep(1)
    fire(aws, out, "reports", datetime.now(UTC).replace(microsecond=0))


def at_risk(aws: Any, out: dict[str, Any]) -> None:
    """exports is due every minute, its window the minute before; its history lies before
    it. Today's run takes an hour: its at-risk check, due before the deadline, warns."""
    wait = 61 - datetime.now(UTC).second
    print(f"  waiting {wait} s for the next minute, so that the history lies before the window")
    time.sleep(wait)
    start_run(aws("stepfunctions"), out["state_machine_arns"]["exports"], "exports", "slow")
    time.sleep(4)
    event = scheduled_event(
        aws("scheduler"),
        out["at_risk_group_name"],
        "exports",
        datetime.now(UTC).replace(microsecond=0),
    )
    result = invoke_deployed(aws("lambda"), out["lambda_function_name"], event)
    print(f"  {'exports':12} -> {result['status']:9} (prediction: {result['prediction']})")


def audit(aws: Any, out: dict[str, Any]) -> None:
    """Someone disables billing's schedule in the console; the next audit names it."""
    scheduler, group = aws("scheduler"), out["schedule_group_name"]
    held = scheduler.get_schedule(GroupName=group, Name="billing")
    kept = ("ScheduleExpression", "ScheduleExpressionTimezone", "FlexibleTimeWindow", "Target")
    scheduler.update_schedule(
        Name="billing", GroupName=group, State="DISABLED", **{k: held[k] for k in kept}
    )
    print(f"  {'billing':12} schedule DISABLED by hand")
    now = datetime.now(UTC).replace(microsecond=0)
    event = scheduled_event(scheduler, out["audit_group_name"], "audit", now)
    result = invoke_deployed(aws("lambda"), out["lambda_function_name"], event)
    print(f"  {'audit':12} -> new problems: {', '.join(result['new']) or 'none'}")


def consumer_command(*args: str) -> str:
    """A command run as a user runs it, shown with its output, without the function's log
    lines (stderr)."""
    print(f"  $ PYTHONPATH=dist/lambda.zip python -m sfn_deadline_monitor {shlex.join(args)}")
    return "".join(f"  {line}\n" for line in run_command(*args).stdout.splitlines())


def replay_after_outage(aws: Any, out: dict[str, Any]) -> None:
    """The alert topic's name is mistyped for a while (a bad deploy): nightly-etl's check
    fails through Lambda's retries into the check-failures queue. Once the topic is
    right again, `replay` sends its alert, once."""
    lambdas, function = aws("lambda"), out["lambda_function_name"]
    environment = lambdas.get_function_configuration(FunctionName=function)["Environment"]
    variables = environment["Variables"]
    mistyped = {**variables, "ALERT_TOPIC_ARN": variables["ALERT_TOPIC_ARN"] + "-typo"}
    lambdas.update_function_configuration(
        FunctionName=function, Environment={"Variables": mistyped}
    )
    deadline = datetime.now(UTC).replace(microsecond=0)
    event = scheduled_event(aws("scheduler"), out["schedule_group_name"], "nightly-etl", deadline)
    try:
        invoke_deployed_async(lambdas, aws("sqs"), function, event)
    finally:
        lambdas.update_function_configuration(FunctionName=function, Environment=environment)
    print(f"  {'nightly-etl':12} check failed 3 times (the topic mistyped): in the queue")
    print(consumer_command("replay", "--name", MODULE_NAME, "--region", REGION), end="")


def pause_and_resume(aws: Any, out: dict[str, Any]) -> None:
    """On call pauses exports while it looks into the slow run: its deadline check finds
    the run still going and holds the alert. After `resume`, the next audit sends it, the
    run being late still."""
    reason = "INC-7: re-indexing the warehouse"
    where = ("--name", MODULE_NAME, "--region", REGION)
    print(consumer_command("pause", "exports", *where, "--until", "2h", "--reason", reason), end="")
    time.sleep(1)  # a later scheduled time than the at-risk check's
    fire(aws, out, "exports", datetime.now(UTC).replace(microsecond=0))
    print(consumer_command("resume", "exports", *where), end="")
    time.sleep(1)  # the audit runs after the hold's end
    now = datetime.now(UTC).replace(microsecond=0)
    event = scheduled_event(aws("scheduler"), out["audit_group_name"], "audit", now)
    result = invoke_deployed(aws("lambda"), out["lambda_function_name"], event)
    print(f"  {'audit':12} -> held alerts sent: {', '.join(result['held_released']) or 'none'}")


def discover(aws: Any, out: dict[str, Any]) -> None:
    """A team tags its own state machine, in its own Terraform (here boto3): the next
    audit makes its schedule, and its check at the deadline alerts as a declared one's."""
    sfn, scheduler = aws("stepfunctions"), aws("scheduler")
    role = sfn.describe_state_machine(stateMachineArn=out["state_machine_arns"]["nightly-etl"])
    deadline = datetime.now(UTC).replace(microsecond=0)
    tags = {"deadline-monitor:deadline": f"{deadline:%H:%M}", "deadline-monitor:format": "text"}
    sfn.create_state_machine(
        name="orders-export",
        definition=json.dumps(
            {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}
        ),
        roleArn=role["roleArn"],
        tags=[{"key": key, "value": value} for key, value in tags.items()],
    )
    print(f"  {'orders-export':12} tagged " + ", ".join(f"{k} = {v!r}" for k, v in tags.items()))
    event = scheduled_event(scheduler, out["audit_group_name"], "audit", deadline)
    invoke_deployed(aws("lambda"), out["lambda_function_name"], event)
    group = out["discovered_groups"]["deadline"]
    made = scheduler.get_schedule(GroupName=group, Name="orders-export")
    print(f"  {'audit':12} -> made {group}/orders-export: {made['ScheduleExpression']}")
    time.sleep(1)  # a later scheduled time than the audit's
    at = datetime.now(UTC).replace(microsecond=0)
    result = invoke_deployed(
        aws("lambda"),
        out["lambda_function_name"],
        scheduled_event(scheduler, group, "orders-export", at),
    )
    print(f"  {'orders-export':12} -> {result['status']} (no run before its deadline)")


def main() -> int:
    def interrupted(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    started = time.monotonic()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)

    step(1, "Starting an emulated AWS (moto) on 127.0.0.1")
    with emulated_aws(REGION) as endpoint:
        print(f"  listening on {endpoint}")
        try:
            return play()
        except TerraformError as error:
            hint = ""
            if "registry.terraform.io" in str(error):
                hint = (
                    "\nTerraform could not reach its registry: offline, point "
                    "TF_PROVIDER_MIRROR at a filesystem mirror of hashicorp/aws and run "
                    "`make demo` again."
                )
            print(f"{error}{hint}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("\n  interrupted: cleaning up", flush=True)
            return 130
        finally:
            print(f"  done in {time.monotonic() - started:.0f} s")


def play() -> int:
    """Steps 2 to 14; whatever was applied is destroyed, however the steps end."""
    step(2, "terraform apply demo/ (about a minute: the provider waits on new SQS queues)")
    demo_terraform("init")
    try:
        demo_terraform("apply", "-auto-approve")
        out = {
            name: value["value"]
            for name, value in json.loads(demo_terraform("output", "-json")).items()
        }
        print(
            f"  check function {out['lambda_function_name']}, "
            f"schedules in group {out['schedule_group_name']}: {', '.join(SCENARIOS)}"
        )

        def aws(service: str) -> Any:
            return boto3.client(service, region_name=REGION)  # type: ignore[call-overload]

        step(3, "Playing one night's scenarios; the failure reaches the check at once")
        play_scenarios(aws("stepfunctions"), out["state_machine_arns"])
        send_failure_events(aws, out)

        step(4, "Firing each monitor's check as EventBridge Scheduler does at the deadline")
        fire_checks(aws, out)

        step(5, "On call starts reports by hand, as its alert advised; its check runs again")
        recover(aws, out)

        step(6, "exports' run takes far longer than its history: its at-risk check warns")
        at_risk(aws, out)

        step(7, "Someone disables a schedule by hand: the audit, hourly, names the monitor")
        audit(aws, out)

        step(8, "A check fails through Lambda's retries; once fixed, replay sends its alert")
        replay_after_outage(aws, out)

        step(9, "On call pauses exports; its problem is held, then sent after the pause")
        pause_and_resume(aws, out)

        step(10, "A team tags its own state machine: the next audit monitors it")
        discover(aws, out)

        step(11, "Alerts that arrived on the on-call topic (read from its SQS subscriber)")
        count = print_alerts(aws("sqs"), out["inbox_url"])
        print(f"  {count} alert(s) received")

        step(12, "The same alerts as events on the bus: incidents opened and resolved")
        print(f"  {print_incidents(aws('sqs'), out['incident_queue_url'])} event(s)")

        step(13, "How often each job made its deadline: the report of today's checks")
        print(
            consumer_command("report", "--name", MODULE_NAME, "--region", REGION, "--days", "1"),
            end="",
        )
    finally:
        step(14, "Destroying what the demo created and stopping moto")
        demo_terraform("destroy", "-auto-approve")
    return 0


if __name__ == "__main__":
    sys.exit(main())
