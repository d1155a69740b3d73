"""`make demo`: the monitor working end to end against emulated AWS, in about a minute.

Starts moto on 127.0.0.1, applies demo/ (three state machines, the on-call topic and the
module watching them), plays three scenarios (a run that fails, a run still going at its
deadline, a job that never started), fires each monitor's check the way EventBridge
Scheduler does, and prints the alerts that reached the topic's SQS subscriber. Then it
destroys everything and stops the server, also on Ctrl-C or failure.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import boto3

from scripts.fire_check import invoke_deployed, scheduled_event
from scripts.moto_server import start

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo"
WORK = ROOT / ".build" / "demo"
REGION = "us-east-1"
SCENARIOS = {
    "nightly-etl": ("fail", "a run that fails 'relation orders_staging is locked'"),
    "billing": ("slow", "a run still waiting for its upstream at the deadline"),
    "reports": (None, "no run at all: its trigger was switched off"),
}
STEPS = 6


def step(number: int, text: str) -> None:
    print(f"\n[{number}/{STEPS}] {text}", flush=True)


def terraform(*args: str) -> None:
    result = subprocess.run(
        ["terraform", f"-chdir={DEMO}", *args, "-input=false", "-no-color"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        hint = ""
        if "registry.terraform.io" in result.stderr:
            hint = (
                "\nTerraform could not reach its registry: offline, point TF_PROVIDER_MIRROR "
                "at a filesystem mirror of hashicorp/aws and run `make demo` again."
            )
        raise SystemExit(f"terraform {args[0]} failed:\n{result.stderr}{hint}")


def play_scenarios(sfn: Any, arns: dict[str, str]) -> None:
    for monitor, (scenario, story) in SCENARIOS.items():
        print(f"  {monitor:12} {story}")
        if scenario:
            sfn.start_execution(
                stateMachineArn=arns[monitor],
                name=f"{monitor}-{datetime.now(UTC):%Y%m%dT%H%M%S}",
                input=json.dumps({"scenario": scenario}),
            )
    time.sleep(1)  # moto runs the executions in the background
    for monitor, arn in arns.items():
        for execution in sfn.list_executions(stateMachineArn=arn)["executions"]:
            print(f"  {monitor:12} execution {execution['status']}")


def fire_checks(aws: Any, out: dict[str, Any]) -> None:
    deadline = datetime.now(UTC)
    for monitor in SCENARIOS:
        event = scheduled_event(aws("scheduler"), out["schedule_group_name"], monitor, deadline)
        result = invoke_deployed(aws("lambda"), out["lambda_function_name"], event)
        print(
            f"  {monitor:12} -> {result['status']:8} "
            f"({result['executions_in_window']} run(s) in the window, "
            f"{result['list_calls']} ListExecutions call(s), alert sent: {result['notified']})"
        )


def print_alerts(sqs: Any, inbox_url: str) -> int:
    received = []
    while True:
        batch = sqs.receive_message(
            QueueUrl=inbox_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
        ).get("Messages", [])
        if not batch:
            break
        received += [json.loads(message["Body"]) for message in batch]
        for message in batch:
            sqs.delete_message(QueueUrl=inbox_url, ReceiptHandle=message["ReceiptHandle"])
    for notification in received:
        attributes = {k: v["Value"] for k, v in notification["MessageAttributes"].items()}
        print("\n" + "=" * 100)
        print(f"Subject:    {notification['Subject']}")
        print(f"Attributes: {attributes}")
        print("-" * 100)
        print(notification["Message"].rstrip())
    print("=" * 100)
    return len(received)


def main() -> int:
    def interrupted(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    started = time.monotonic()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)

    step(1, "Starting an emulated AWS (moto) on 127.0.0.1")
    server = start("127.0.0.1", 0)
    host, port = server.get_host_and_port()
    os.environ.update(
        AWS_ENDPOINT_URL=f"http://{host}:{port}",
        AWS_ACCESS_KEY_ID="demo",
        AWS_SECRET_ACCESS_KEY="demo",
        AWS_REGION=REGION,
        AWS_DEFAULT_REGION=REGION,
        TF_DATA_DIR=str(WORK / ".terraform"),
    )
    os.environ.pop("AWS_PROFILE", None)
    print(f"  listening on http://{host}:{port}")
    initialised = False
    try:
        step(2, "terraform apply demo/ (about 30 s: the AWS provider waits on new SQS queues)")
        terraform("init")
        initialised = True
        terraform("apply", "-auto-approve", f"-state={WORK / 'terraform.tfstate'}")
        out = outputs_from_state()
        print(
            f"  check function {out['lambda_function_name']}, "
            f"schedules in group {out['schedule_group_name']}: {', '.join(SCENARIOS)}"
        )

        def aws(service: str) -> Any:
            return boto3.client(service, region_name=REGION)

        step(3, "Playing one night's scenarios")
        play_scenarios(aws("stepfunctions"), out["state_machine_arns"])

        step(4, "Firing each monitor's check as EventBridge Scheduler does at the deadline")
        fire_checks(aws, out)

        step(5, "Alerts that arrived on the on-call topic (read from its SQS subscriber)")
        count = print_alerts(aws("sqs"), out["inbox_url"])
        print(f"  {count} alert(s) received")
    except KeyboardInterrupt:
        print("\n  interrupted: cleaning up", flush=True)
        return 130
    finally:
        step(6, "Destroying what the demo created and stopping moto")
        if initialised:
            terraform("destroy", "-auto-approve", f"-state={WORK / 'terraform.tfstate'}")
        server.stop()
        print(f"  done in {time.monotonic() - started:.0f} s")
    return 0


def outputs_from_state() -> dict[str, Any]:
    shown = subprocess.run(
        ["terraform", f"-chdir={DEMO}", "output", "-json", f"-state={WORK / 'terraform.tfstate'}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {name: value["value"] for name, value in json.loads(shown.stdout).items()}


if __name__ == "__main__":
    sys.exit(main())
