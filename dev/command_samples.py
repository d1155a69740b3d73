"""Capture docs/commands.md's check, replay, pause, status, doctor, report and resume
output from a run on emulated AWS.

Starts moto on 127.0.0.1, applies examples/complete around four state machines, runs
nightly-etl once (it succeeds), fires the deadline checks of nightly-etl and
hourly-export (which never ran) and the audit the way the Scheduler does
(testkit/fire_check.py), and leaves yesterday's nightly-etl check in the check-failures
queue (its topic was mistyped through Lambda's retries); gives nightly-etl and billing
two weeks of past runs, each deadline checked by the deployed function (the history
`report` reads); then runs `check` (of hourly-export), `replay`, `pause` (of
hourly-export, so that `status` shows a pause), `status`, `doctor`, `report` and `resume`
(of hourly-export) as a consumer runs them, in that order:
`python -m sfn_deadline_monitor` with PYTHONPATH set to dist/lambda.zip and
AWS_ENDPOINT_URL set to the emulator. Each one's output, with the command and its exit
status, goes between its markers in docs/commands.md
(``<!-- BEGIN_STATUS_SAMPLE -->`` and ``<!-- END_STATUS_SAMPLE -->`` for status).
The output holds the times of the run, so no test compares it; run this after changing
the commands or the module's resources (about 90 seconds on a 2-CPU machine).

    python -m dev.command_samples
"""

from __future__ import annotations

import json
import shlex
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from moto.core.config import default_user_config

from dev import generated
from testkit.account import PASS_DEFINITION, execution
from testkit.fire_check import (
    invoke_deployed,
    invoke_deployed_async,
    run_command,
    scheduled_event,
)
from testkit.moto_server import emulated_aws
from testkit.paths import ROOT
from testkit.terraform import terraform

DOC = ROOT / "docs" / "commands.md"
WORK = ROOT / ".build" / "command-samples"
REGION = "us-east-1"
NAME = "data-platform"  # examples/complete's default name
# A root module of one's own: the estate's four state machines and examples/complete watching
# them, the complete example's apply test root, applied in place with its state kept here.
ROOT_MODULE = ROOT / "tests" / "apply" / "terraform" / "complete_example"


def consumer_command(*args: str) -> tuple[str, int]:
    """A command's output and exit status as a consumer sees them (``replay``'s without the
    function's log lines)."""
    run = run_command(*args)
    return run.stdout + ("" if args[0] == "replay" else run.stderr), run.returncode


def fail_through_retries(lambdas: Any, function: str, event: dict[str, Any], at: datetime) -> None:
    """Run ``event`` as Lambda runs an asynchronous event while the function's topic is
    mistyped: it fails through the retries and waits in the check-failures queue."""
    environment = lambdas.get_function_configuration(FunctionName=function)["Environment"]
    variables = environment["Variables"]
    mistyped = {**variables, "ALERT_TOPIC_ARN": variables["ALERT_TOPIC_ARN"] + "-typo"}
    lambdas.update_function_configuration(
        FunctionName=function, Environment={"Variables": mistyped}
    )
    try:
        invoke_deployed_async(lambdas, boto3.client("sqs"), function, event, at=at)
    finally:
        lambdas.update_function_configuration(FunctionName=function, Environment=environment)


# Two weeks of nightly-etl (due 02:00 in Tokyo, 17:00 UTC; starts 15:00 UTC) and billing
# (weekdays, due 06:30 in Berlin; starts 04:00 UTC): for each day back, how long the run
# took in minutes and how it ended. One nightly load ends 10 minutes late, one fails; one
# billing run is done in 2 minutes, a tenth of its usual 45 or less (TOO_FAST).
HISTORY_DAYS = 14
NIGHTLY_RUNS = {3: (130, "SUCCEEDED"), 9: (20, "FAILED")}
BILLING_RUNS = {5: (2, "SUCCEEDED")}


def seed_history(lambdas: Any, function: str, machines: dict[str, str], now: datetime) -> None:
    """Past runs of nightly-etl and billing, each deadline checked by the deployed
    function at its time, as the Scheduler would have.

    moto keeps the state machines it runs (``execute_state_machine``, on for the applies)
    apart from those it does not, whose runs may be given past times: the history lives
    in copies of the two, of the same ARNs, that it does not run, read while it is off.
    """
    scheduler = boto3.client("scheduler", region_name=REGION)
    sfn = boto3.client("stepfunctions", region_name=REGION)
    names = ("nightly-etl", "billing")
    roles = {n: sfn.describe_state_machine(stateMachineArn=machines[n])["roleArn"] for n in names}
    # What each monitor watches (billing: its prod alias), as its schedule's input says.
    watched = {
        n: json.loads(scheduler.get_schedule(GroupName=NAME, Name=n)["Target"]["Input"])[
            "state_machine_arn"
        ]
        for n in names
    }
    config = default_user_config["stepfunctions"]
    executes, config["execute_state_machine"] = config["execute_state_machine"], False
    today = now.replace(hour=0, minute=0, second=0)
    try:
        for name, role in roles.items():
            sfn.create_state_machine(name=name, definition=PASS_DEFINITION, roleArn=role)
            if watched[name] != machines[name]:  # an alias: the same, routing to a version
                version = sfn.update_state_machine(stateMachineArn=machines[name], publish=True)
                sfn.create_state_machine_alias(
                    name=watched[name].rsplit(":", 1)[1],
                    routingConfiguration=[
                        {"stateMachineVersionArn": version["stateMachineVersionArn"], "weight": 100}
                    ],
                )
        for back in range(HISTORY_DAYS, 0, -1):
            day = today - timedelta(days=back)
            minutes, status = NIGHTLY_RUNS.get(back, (60 + 3 * back, "SUCCEEDED"))
            start = day + timedelta(hours=15)
            stop = start + timedelta(minutes=minutes)
            run = f"nightly-etl-{day:%Y%m%d}"
            execution(sfn, watched["nightly-etl"], status=status, start=start, stop=stop, name=run)
            deadline = day + timedelta(hours=17)
            checked = scheduled_event(scheduler, NAME, "nightly-etl", deadline)
            invoke_deployed(lambdas, function, checked, at=deadline + timedelta(minutes=1))
            if day.weekday() >= 5:  # billing runs on weekdays
                continue
            minutes, status = BILLING_RUNS.get(back, (40 + back % 4, "SUCCEEDED"))
            start = day + timedelta(hours=4)
            stop = start + timedelta(minutes=minutes)
            run = f"billing-{day:%Y%m%d}"
            execution(sfn, watched["billing"], status=status, start=start, stop=stop, name=run)
            deadline = day + timedelta(hours=5, minutes=30)
            checked = scheduled_event(scheduler, NAME, "billing", deadline)
            invoke_deployed(lambdas, function, checked, at=deadline + timedelta(minutes=1))
    finally:
        config["execute_state_machine"] = executes


def markers(command: str) -> tuple[str, str]:
    return f"<!-- BEGIN_{command.upper()}_SAMPLE -->", f"<!-- END_{command.upper()}_SAMPLE -->"


def render(command: str, shown: str, output: str, code: int, at: datetime) -> str:
    begin, end = markers(command)
    return "\n".join(
        [
            begin,
            f"Captured by `python -m dev.command_samples` on {at:%Y-%m-%d %H:%M} UTC "
            "([how](#where-the-samples-come-from)):",
            "",
            "```console",
            f"$ {shown}",
            output.rstrip("\n"),
            "$ echo $?",
            str(code),
            "```",
            end,
        ]
    )


def main() -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    for stale in ("terraform.tfstate", "terraform.tfstate.backup"):  # of an emulator gone
        (WORK / stale).unlink(missing_ok=True)
    env = {"TF_DATA_DIR": str(WORK / ".terraform")}
    state = f"-state={WORK / 'terraform.tfstate'}"
    with emulated_aws(REGION):
        terraform(ROOT_MODULE, "init", env=env)
        terraform(ROOT_MODULE, "apply", "-auto-approve", state, env=env)
        function = terraform(ROOT_MODULE, "output", "-raw", state, "lambda_function_name", env=env)
        sfn = boto3.client("stepfunctions", region_name=REGION)
        machines = {
            m["name"]: m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]
        }
        sfn.start_execution(stateMachineArn=machines["nightly-etl"], name="nightly-etl-manual")
        time.sleep(2)  # moto runs the execution in the background
        scheduler, lambdas = boto3.client("scheduler"), boto3.client("lambda")
        now = datetime.now(UTC).replace(microsecond=0)
        fired = ((NAME, "nightly-etl"), (NAME, "hourly-export"), (f"{NAME}-audit", "audit"))
        for group, schedule in fired:
            invoke_deployed(lambdas, function, scheduled_event(scheduler, group, schedule, now))
        fail_through_retries(
            lambdas,
            function,
            scheduled_event(scheduler, NAME, "nightly-etl", now - timedelta(days=1)),
            now - timedelta(days=1),
        )
        seed_history(lambdas, function, machines, now)
        runs = {
            "check": (
                "check",
                "--state-machine-arn",
                machines["hourly-export"],
                "--lookback",
                "50m",
                "--timezone",
                "America/New_York",
            ),
            "replay": ("replay", "--name", NAME, "--region", REGION),
            "pause": (
                "pause",
                "hourly-export",
                "--name",
                NAME,
                "--region",
                REGION,
                "--until",
                "3h",
                "--reason",
                "INC-1042: export trigger deleted by hand, restoring it",
            ),
            "status": ("status", "--name", NAME, "--region", REGION),
            "doctor": ("doctor", "--name", NAME, "--region", REGION),
            "report": ("report", "--name", NAME, "--region", REGION, "--days", "14"),
            "resume": ("resume", "hourly-export", "--name", NAME, "--region", REGION),
        }
        text = DOC.read_text()
        for command, args in runs.items():
            output, code = consumer_command(*args)
            shown = f"PYTHONPATH=dist/lambda.zip python -m sfn_deadline_monitor {shlex.join(args)}"
            begin, end = markers(command)
            head, rest = text.split(begin, 1)
            text = head + render(command, shown, output, code, now) + rest.split(end, 1)[1]
    return generated.publish({DOC: text}, check=False, command="python -m dev.command_samples")


if __name__ == "__main__":
    sys.exit(main())
