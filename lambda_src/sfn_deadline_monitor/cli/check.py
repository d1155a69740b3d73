"""``check``: the Lambda's judgement, run with the caller's own credentials.

For troubleshooting a monitor from a laptop, and for running the check from any other
scheduler (cron, CI, Airflow): the exit status says whether the runs were OK.

    python -m sfn_deadline_monitor check --state-machine-arn ARN --lookback 3h \\
        [--at 2026-11-28T02:00:00+09:00] [--publish TOPIC_ARN]
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from botocore.exceptions import BotoCoreError, ClientError

from .. import aws
from ..alerts.message import compose
from ..alerts.sns import publish
from ..check.context import check_context
from ..check.contract import CONTRACT_VERSION, DEADLINE, START, CheckRequest, parse_event
from ..check.executions import ThrottledError, read_window
from ..check.monitor_settings import InvalidEventError, parse_state_machine_arn
from ..check.verdict import Status
from ..formatting import duration_minutes
from .common import EXIT_ERROR, EXIT_NOT_OK, EXIT_OK, EXIT_USAGE

# The contract's fields as the command's flags, for its error messages.
_FLAGS = {
    "scheduled_time": "--at",
    "lookback_minutes": "--lookback",
    "state_machine_arn": "--state-machine-arn",
    "role_arn": "--role-arn",
    "timezone": "--timezone",
    "message_format": "--format",
    "monitor": "--monitor",
    "schedule_expression": "--schedule",
}


def timezone_name(text: str) -> str:
    """An IANA time zone this machine knows, as the module accepts only those."""
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an IANA time zone name such as UTC, Asia/Tokyo or Europe/Berlin"
        ) from None
    return text


def in_flags(problem: str) -> str:
    """A contract error, worded with the command's flags instead of the contract's fields."""
    for field, flag in _FLAGS.items():
        problem = re.sub(rf"\b{field}\b", flag, problem)
    return problem


def _state_machine_name(arn: str) -> str:
    """The state machine's name, also for a version or alias ARN (the monitor's default)."""
    try:
        return parse_state_machine_arn(arn)["name"]
    except InvalidEventError:
        return arn.rsplit(":", 1)[-1]  # the contract refuses the ARN, naming it


def lookback_minutes(text: str) -> int:
    """``3h``, ``90m``, ``1d``, ``1h30m`` or a plain number of minutes."""
    if text.isdigit():
        return int(text)
    minutes = duration_minutes(text)
    if minutes is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration such as 3h, 90m, 1d or 1h30m")
    return minutes


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser(
        "check",
        help="judge the runs that started in the look-back window before a deadline",
        description="Exit status: 0 OK, 1 FAILED, LATE or MISSING, 2 bad arguments, "
        "3 the check could not be made or its alert not published.",
    )
    check.set_defaults(run=run)
    check.add_argument("--state-machine-arn", required=True, help="state machine, version or alias")
    check.add_argument(
        "--lookback",
        required=True,
        type=lookback_minutes,
        help="how long before the deadline a run may start: 3h, 90m, 1d, 1h30m",
    )
    check.add_argument(
        "--at",
        help="the deadline, ISO 8601 with an offset (2026-11-28T02:00:00+09:00); default: now",
    )
    check.add_argument("--publish", metavar="TOPIC_ARN", help="also publish the alert to SNS")
    check.add_argument(
        "--start-check",
        action="store_true",
        help="only ask whether a run started in the window (the early missing-run check)",
    )
    check.add_argument(
        "--timezone", default="UTC", type=timezone_name, help="IANA zone of the times shown"
    )
    check.add_argument("--format", default="text", choices=("text", "json", "chat"))
    check.add_argument("--role-arn", help="role to assume in the state machine's account")
    check.add_argument("--monitor", help="name shown in the alert; default: the state machine's")
    check.add_argument(
        "--schedule",
        metavar="EXPRESSION",
        help="the deadline's schedule, cron(...) or rate(...), to compare with earlier windows",
    )


def run(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    event = {
        "version": CONTRACT_VERSION,
        "check": START if args.start_check else DEADLINE,
        "monitor": args.monitor or _state_machine_name(args.state_machine_arn),
        "state_machine_arn": args.state_machine_arn,
        "lookback_minutes": args.lookback,
        "timezone": args.timezone,
        "message_format": args.format,
        "scheduled_time": args.at or now.isoformat(),
    }
    if args.role_arn:
        event["role_arn"] = args.role_arn
    if args.schedule:
        event["schedule_expression"] = args.schedule
    try:
        request = parse_event(event, now)
    except InvalidEventError as invalid:
        sys.stderr.write(f"error: {in_flags(str(invalid))}\n")
        return EXIT_USAGE
    assert isinstance(request, CheckRequest)  # a scheduled check, as built above
    region = request.state_machine_arn.split(":")[3]
    if args.publish and args.publish.split(":")[3:4] != [region]:
        sys.stderr.write(f"error: --publish must name a topic in {region}, as the state machine\n")
        return EXIT_USAGE

    aws.reset_clients()
    try:
        reading = read_window(request, now)
    except ThrottledError as throttled:
        sys.stderr.write(f"error: {throttled}; try again in a minute\n")
        return EXIT_ERROR
    context, verdict = check_context(request, now, reading.history), reading.verdict
    alert = compose(context, verdict, request.message_format)
    verdict_line = f"Verdict: {verdict.status.value}"
    if request.message_format == "text":
        sys.stdout.write(f"{verdict_line}\n\n{alert.body}")
    else:
        sys.stderr.write(verdict_line + "\n")
        sys.stdout.write(alert.body + "\n")
    if args.publish:
        try:
            message_id = publish(args.publish, alert)
        except (ClientError, BotoCoreError) as error:
            sys.stderr.write(f"error: could not publish to {args.publish}: {error}\n")
            return EXIT_ERROR
        sys.stderr.write(f"Published to {args.publish} (message {message_id})\n")
    if verdict.status is Status.OK:
        return EXIT_OK
    return EXIT_ERROR if verdict.status is Status.ERROR else EXIT_NOT_OK
