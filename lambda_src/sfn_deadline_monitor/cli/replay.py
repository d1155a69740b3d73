"""``replay``: run again the checks that outlasted Lambda's retries, once the cause is fixed.

Each message of the check-failures queue is Lambda's on-failure record of one event, whose
``requestPayload`` is the event as the Scheduler or EventBridge delivered it
(docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html). Each event
is run as the function runs it (``invocation.invoke``), with the caller's credentials and
the module's topic and state table from the registry: judged as of the time it names (a
deadline check reads the window before its scheduled time), and deduplicated by the state
table like any retry, so a check sent meanwhile sends nothing. A message is deleted once
its event ran; one whose event fails again, or that is not an on-failure record, stays in
the queue for the next replay and the command exits 1.

    python -m sfn_deadline_monitor replay --name NAME [--dry-run] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import redirect_stdout
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .. import aws
from ..alerts.delivery import STATE_TABLE_ENV, TOPIC_ENV
from ..invocation import invoke
from .common import EXIT_NOT_OK, EXIT_OK, CommandError, add_module_flags, open_deployment

# How long a message taken stays hidden: long enough to run a batch of ten checks, so that
# a command that dies mid-way leaves the rest for the next replay.
VISIBILITY_SECONDS = 300
DEFAULT_LIMIT = 1000


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "replay",
        help="run again the checks waiting in the check-failures queue, once the cause is fixed",
        description="Exit status: 0 every check replayed (or, with --dry-run, listed), 1 a "
        "check failed again or a message was not Lambda's on-failure record (it stays in "
        "the queue), 2 bad arguments, 3 the module could not be read.",
    )
    add_module_flags(parser)
    parser.add_argument(
        "--dry-run", action="store_true", help="list the checks waiting, run none, keep them"
    )
    parser.add_argument(
        "--limit", type=int, default=DEFAULT_LIMIT, help="replay at most this many messages"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    deployment = open_deployment(args)
    manifest = deployment.registry.manifest
    queue_url = manifest.queues.get("check_failures")
    if queue_url is None:
        raise CommandError("the registry names no check-failures queue: apply this release")
    sqs = aws.client("sqs", region=manifest.region)
    environment = {TOPIC_ENV: manifest.alert_topic_arn, STATE_TABLE_ENV: deployment.table}
    previous = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    try:
        outcomes = _replay(sqs, queue_url, args.limit, dry_run=args.dry_run)
    except (ClientError, BotoCoreError) as error:
        raise CommandError(f"could not read {queue_url}: {error}") from error
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    for line in outcomes:
        sys.stdout.write(line + "\n")
    failed = sum(line.startswith("FAILED") for line in outcomes)
    sys.stdout.write(f"{len(outcomes)} message(s), {failed} failed\n")
    return EXIT_NOT_OK if failed else EXIT_OK


def _replay(sqs: Any, queue_url: str, limit: int, *, dry_run: bool) -> list[str]:
    """One line per message taken: what ran and what it sent, or why it stays. A message
    kept is hidden while the command runs (so that it is taken once) and made visible
    again at the end, for the next replay."""
    outcomes: list[str] = []
    kept: list[str] = []
    while len(outcomes) < limit:
        messages = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=min(10, limit - len(outcomes)),
            VisibilityTimeout=VISIBILITY_SECONDS,
            WaitTimeSeconds=0,
        ).get("Messages", [])
        if not messages:
            break
        for message in messages:
            outcome, done = _one(message["Body"], dry_run=dry_run)
            outcomes.append(outcome)
            if done:
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            else:
                kept.append(message["ReceiptHandle"])
    for receipt in kept:
        sqs.change_message_visibility(
            QueueUrl=queue_url, ReceiptHandle=receipt, VisibilityTimeout=0
        )
    return outcomes


def _one(body: str, *, dry_run: bool) -> tuple[str, bool]:
    """Replay one on-failure record: its line, and whether the message may be deleted."""
    try:
        payload = json.loads(body)["requestPayload"]
    except (ValueError, KeyError, TypeError):
        return f"FAILED  not a Lambda on-failure record, kept: {body[:200]}", False
    what = _describe(payload)
    if dry_run:
        return f"WAITING {what}", False
    try:
        with redirect_stdout(sys.stderr):  # the function's log lines, apart from the summary
            result = invoke(payload, None, datetime.now(UTC))
    except Exception as error:  # the check failed again: it stays for the next replay
        return f"FAILED  {what}: {error}", False
    sent = "nothing (handled already)" if result.get("duplicate") else result.get("status")
    return f"REPLAYED {what}: {sent}", True


def _describe(payload: Any) -> str:
    """Which check an event is, for the command's output."""
    if not isinstance(payload, dict):
        return "an event that is not an object"
    monitors = payload.get("monitors")
    names = (
        ",".join(str(m.get("monitor")) for m in monitors if isinstance(m, dict))
        if isinstance(monitors, list)
        else str(payload.get("monitor", "-"))
    )
    return f"{names} {payload.get('check', 'deadline')} {payload.get('scheduled_time', '')}".strip()
