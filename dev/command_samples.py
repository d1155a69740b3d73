"""Capture docs/commands.md's check, status and doctor output from a run on emulated AWS.

Starts moto on 127.0.0.1, applies examples/complete around four state machines, runs
nightly-etl once (it succeeds), fires the deadline checks of nightly-etl and
hourly-export (which never ran) and the audit the way the Scheduler does
(testkit/fire_check.py), then runs `check` (of hourly-export), `status` and `doctor` as a
consumer runs them: `python -m sfn_deadline_monitor` with PYTHONPATH set to
dist/lambda.zip and AWS_ENDPOINT_URL set to the emulator. Each one's output, with the
command and its exit status, goes between its markers in docs/commands.md
(``<!-- BEGIN_STATUS_SAMPLE -->`` and ``<!-- END_STATUS_SAMPLE -->`` for status).
The output holds the times of the run, so no test compares it; run this after changing
the commands or the module's resources (about 90 seconds on a 2-CPU machine).

    python -m dev.command_samples
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import boto3

from dev import generated
from testkit.fire_check import invoke_deployed, scheduled_event
from testkit.moto_server import emulated_aws
from testkit.paths import ZIP_PATH
from testkit.terraform import terraform

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "commands.md"
WORK = ROOT / ".build" / "command-samples"  # ROOT_MODULE's source is relative to it
REGION = "us-east-1"
NAME = "data-platform"  # examples/complete's default name
# A root module of one's own: four state machines, and examples/complete watching them.
ROOT_MODULE = """\
provider "aws" {
  region = "us-east-1"
}

module "estate" {
  source = "../../tests/setup/estate"

  name           = "jobs"
  state_machines = ["nightly-etl", "billing", "hourly-export", "legacy-report"]
  topic_name     = null
}

module "complete" {
  source = "../../examples/complete"

  nightly_etl_state_machine_arn   = module.estate.state_machine_arns["nightly-etl"]
  billing_state_machine_arn       = "${module.estate.state_machine_arns["billing"]}:prod"
  hourly_export_state_machine_arn = module.estate.state_machine_arns["hourly-export"]
  legacy_report_state_machine_arn = module.estate.state_machine_arns["legacy-report"]
  alert_email                     = "on-call@example.com"
}

output "lambda_function_name" {
  value = module.complete.lambda_function_name
}

output "schedule_group_name" {
  value = module.complete.schedule_group_name
}
"""


def consumer_command(*args: str) -> tuple[str, int]:
    """``python -m sfn_deadline_monitor ARGS`` from the committed zip, as a consumer runs
    it: its output and exit status."""
    run = subprocess.run(
        [sys.executable, "-m", "sfn_deadline_monitor", *args],
        env={**os.environ, "PYTHONPATH": str(ZIP_PATH)},
        capture_output=True,
        text=True,
        check=False,
    )
    return run.stdout + run.stderr, run.returncode


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
    (WORK / "main.tf").write_text(ROOT_MODULE)
    with emulated_aws(REGION):
        terraform(WORK, "init")
        terraform(WORK, "apply", "-auto-approve")
        function = terraform(WORK, "output", "-raw", "lambda_function_name")
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
            "status": ("status", "--name", NAME, "--region", REGION),
            "doctor": ("doctor", "--name", NAME, "--region", REGION),
        }
        text = DOC.read_text()
        for command, args in runs.items():
            output, code = consumer_command(*args)
            shown = f"PYTHONPATH=dist/lambda.zip python -m sfn_deadline_monitor {' '.join(args)}"
            begin, end = markers(command)
            head, rest = text.split(begin, 1)
            text = head + render(command, shown, output, code, now) + rest.split(end, 1)[1]
    return generated.publish({DOC: text}, check=False, command="python -m dev.command_samples")


if __name__ == "__main__":
    sys.exit(main())
