"""Fire one of your deployed checks on the emulator and print the alert it publishes.

moto fires no schedule and runs no function. This does what the Scheduler and Lambda
would do at the check's fire time (testkit/fire_check.py), with the module's registry
naming the schedule, the function and the alert topic, and prints what the function
returned and every alert published meanwhile (read through a queue of its own,
subscribed to the alert topic for the run):

    make fire NAME=nightly-jobs MONITOR=nightly-etl [KIND=start] [AT=2026-12-07T17:00:00Z]

The emulator only (AWS_ENDPOINT_URL on this machine): on AWS the Scheduler fires checks.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

import boto3

from sfn_deadline_monitor.cli.common import CommandError, add_module_flags, open_deployment
from testkit.fire_check import invoke_deployed, scheduled_event
from testkit.inbox import Inbox

KINDS = ("deadline", "start", "at_risk")


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def fire(args: argparse.Namespace) -> list[str]:
    """The function's result and each alert it published, as printed lines."""
    endpoint = urlparse(os.environ.get("AWS_ENDPOINT_URL", "")).hostname
    if endpoint not in ("127.0.0.1", "localhost"):
        msg = "AWS_ENDPOINT_URL must name the emulator (make emulator prints the exports)"
        raise CommandError(msg, 2)
    registry = open_deployment(args).registry
    monitor = registry.monitors.get(args.monitor)
    if monitor is None:
        msg = f"no monitor {args.monitor}; the module has: {', '.join(sorted(registry.monitors))}"
        raise CommandError(msg, 2)
    spec = next((s for s in monitor.schedules if s.kind == args.kind), None)
    if spec is None:
        kinds = ", ".join(s.kind for s in monitor.schedules)
        raise CommandError(f"{args.monitor} has no {args.kind} check; it has: {kinds}", 2)
    region = registry.manifest.region

    def client(service: str) -> Any:
        return boto3.client(service, region_name=region)  # type: ignore[call-overload]

    at = args.at or datetime.now(UTC).replace(microsecond=0)
    event = scheduled_event(client("scheduler"), spec.group, monitor.name, at)
    function = registry.manifest.function_arn.rsplit(":", 1)[-1]
    inbox = Inbox(client, registry.manifest.alert_topic_arn)
    try:
        result = invoke_deployed(client("lambda"), function, event, at=at)
        alerts = inbox.take()
    finally:
        inbox.close()
    lines = [f"{function} returned:", json.dumps(result, indent=2)]
    lines += [f"\nPublished to {registry.manifest.alert_topic_arn}:" if alerts else "\nNo alert."]
    for alert in alerts:
        lines += [f"\nSubject: {alert['Subject']}", alert["Message"]]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_module_flags(parser)
    parser.add_argument("--monitor", required=True, help="the monitor's key in monitors")
    parser.add_argument("--kind", choices=KINDS, default="deadline", help="which of its checks")
    parser.add_argument("--at", type=_utc, help="the fire time, ISO 8601 (default: now)")
    try:
        print("\n".join(fire(parser.parse_args(argv))))
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.code
    return 0


if __name__ == "__main__":
    sys.exit(main())
