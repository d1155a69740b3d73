"""``pause`` and ``resume``: hold a monitor's alerts while something nobody planned for is
being dealt with (an incident, a job stopped by hand), and end that hold early.

A maintenance window declared in Terraform covers planned stops; a pause is set from the
command line and kept on the monitor's state item ``monitor#<monitor>``
(state/records.py: PAUSE_ATTRIBUTES), which the check reads with the status, so a pause
costs the check no read. A check whose time falls in the pause holds its problem instead
of sending it; the hourly audit sends it once the pause has ended if it still holds
(check/maintenance.py, alerts/held.py). Every pause ends on its own, at most 30 days after
it was set: a forgotten pause silences a monitor, so none can be set for good.

Calls, after the registry's 2 BatchGetItem (cli/common.py): ``pause`` makes 1 UpdateItem,
after sts:GetCallerIdentity unless ``--by`` names who pauses; ``resume`` makes 1
UpdateItem, and 1 more when it removed a pause (to send a held alert at the next audit).
Each is an update, never a put: the check's status attributes on the item stay.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .. import aws
from ..check.maintenance import Pause
from ..errors import error_code
from ..formatting import resolve_timezone
from ..state.deployment import Deployment
from ..state.records import (
    PAUSE_ATTRIBUTES,
    UnreadableItemError,
    held_key,
    millis,
    moment,
    monitor_key,
    pause_attributes,
    pause_of,
)
from .check import lookback_minutes
from .common import EXIT_OK, EXIT_USAGE, CommandError, add_module_flags, open_deployment

# The longest pause: past it, a monitor paused and forgotten would stay silent.
MAX_PAUSE = timedelta(days=30)
MAX_TEXT = 500  # --reason and --by: shown in status and in the held alert
_UNTIL_FORMS = "an RFC 3339 time with its offset (2026-12-08T09:00:00+09:00) or a duration "
_UNTIL_FORMS += "from now (90m, 3h, 2d, 1h30m)"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Both commands: they are one feature, and ``resume`` undoes what ``pause`` writes."""
    pause = commands.add_parser(
        "pause",
        help="hold a monitor's alerts until a time, for a reason (at most 30 days)",
        description="Exit status: 0 paused, 2 bad arguments (a time past or more than 30 "
        "days ahead, a reason empty or too long, a monitor not declared), 3 the state "
        "table could not be read or written.",
    )
    pause.add_argument("monitor", help="the monitor, as the module declares it")
    add_module_flags(pause)
    pause.add_argument("--until", required=True, metavar="TIME", help=_UNTIL_FORMS)
    pause.add_argument("--reason", required=True, metavar="TEXT", help="why, 1 to 500 characters")
    pause.add_argument(
        "--by", metavar="TEXT", help="who pauses; default: your identity's ARN (STS)"
    )
    pause.set_defaults(run=run_pause)
    resume = commands.add_parser(
        "resume",
        help="end a monitor's pause now; an alert it held goes out with the next audit",
        description="Exit status: 0 resumed or not paused, 2 bad arguments, 3 the state "
        "table could not be read or written.",
    )
    resume.add_argument("monitor", help="the monitor, as the module declares it")
    add_module_flags(resume)
    resume.set_defaults(run=run_resume)


def until_time(text: str, now: datetime) -> datetime:
    """``--until`` as a time: RFC 3339 with an offset, or a duration after ``now`` (with a
    unit: a bare number could be meant as minutes, hours or a date)."""
    try:
        until: datetime | None = datetime.fromisoformat(text)
    except ValueError:
        until = None
    if until is None and not text.isdigit():
        with suppress(argparse.ArgumentTypeError):
            until = now + timedelta(minutes=lookback_minutes(text))
    if until is None or until.tzinfo is None:
        raise CommandError(f"--until {text!r} must be {_UNTIL_FORMS}", EXIT_USAGE)
    until = until.astimezone(UTC)
    if until <= now:
        raise CommandError(
            f"--until {_utc(until)} is not in the future (now {_utc(now)}): give a later "
            "time, or a duration from now such as 3h",
            EXIT_USAGE,
        )
    if until - now > MAX_PAUSE:
        raise CommandError(
            f"--until {_utc(until)} is more than {MAX_PAUSE.days} days ahead, the longest "
            "pause, because a forgotten pause silences the monitor: pause for less (and "
            "again when it ends), or declare a maintenance window in Terraform",
            EXIT_USAGE,
        )
    return until


def bounded(flag: str, text: str) -> str:
    """A ``--reason`` or ``--by``, trimmed: 1 to 500 characters, said to the reader."""
    trimmed = text.strip()
    if not 1 <= len(trimmed) <= MAX_TEXT:
        raise CommandError(
            f"{flag} must be 1 to {MAX_TEXT} characters, not {len(trimmed)}: say it for "
            "whoever reads the monitor's status or its held alert",
            EXIT_USAGE,
        )
    return trimmed


def declared(deployment: Deployment, monitor: str) -> str:
    """The monitor's time zone; a name the registry does not declare is refused with the
    nearest names, as a typo is the likely cause."""
    monitors = deployment.registry.monitors
    if monitor in monitors:
        return monitors[monitor].timezone
    nearest = difflib.get_close_matches(monitor, sorted(monitors), n=3, cutoff=0)
    raise CommandError(
        f"{deployment.registry.manifest.name} declares no monitor {monitor!r}; nearest: "
        f"{', '.join(nearest) or 'none (it declares none)'} (`status` lists them all)",
        EXIT_USAGE,
    )


def caller(region: str) -> str:
    """Who pauses: the caller's identity ARN, so that the pause names a person or role."""
    try:
        return aws.client("sts", region=region).get_caller_identity()["Arn"]
    except (ClientError, BotoCoreError) as error:
        raise CommandError(f"could not tell who you are: {error}; give --by") from error


def run_pause(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    until = until_time(args.until, now)
    reason = bounded("--reason", args.reason)
    by = None if args.by is None else bounded("--by", args.by)
    deployment = open_deployment(args)
    zone = declared(deployment, args.monitor)
    pause = Pause(until, by or caller(deployment.registry.manifest.region), reason, now)
    attributes = pause_attributes(pause)
    old = _update(
        deployment,
        monitor_key(args.monitor),
        UpdateExpression="SET " + ", ".join(f"{name} = :{name}" for name in attributes),
        ExpressionAttributeValues={f":{name}": value for name, value in attributes.items()},
        ReturnValues="UPDATED_OLD",
    )
    where = f"{args.monitor} of {deployment.registry.manifest.name}"
    lines = [f"Paused {where}:", *_described(pause, zone)]
    replaced = _previous(old)
    if replaced is not None and replaced.until > now:
        lines.append("It replaces the pause:")
        lines.extend(_described(replaced, zone))
    lines += [
        "Problems its checks find meanwhile are held, not sent: after the pause, the hourly",
        "audit sends each one that still holds. OK and RECOVERED are never held: a problem",
        "alerted before the pause still gets its RECOVERED. The pause ends on its own at",
        f"{_utc(until)}; `resume {args.monitor}` ends it sooner.",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK


def run_resume(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    deployment = open_deployment(args)
    zone = declared(deployment, args.monitor)
    where = f"{args.monitor} of {deployment.registry.manifest.name}"
    removed = _update(
        deployment,
        monitor_key(args.monitor),
        UpdateExpression="REMOVE " + ", ".join(PAUSE_ATTRIBUTES),
        # No item written where there is no pause: nothing to remove.
        ConditionExpression="attribute_exists(paused_until)",
        ReturnValues="UPDATED_OLD",
    )
    if removed is None:
        sys.stdout.write(f"{where} was not paused: nothing to do.\n")
        return EXIT_OK
    pause = _previous(removed)
    ended = "" if pause is None or pause.until > now else " (it had ended already)"
    lines = [f"Resumed {where}: removed the pause{ended}", *_described(pause, zone)]
    held = _update(
        deployment,
        held_key(args.monitor),
        UpdateExpression="SET #until = :now",
        # Only a pause's hold still to end: one already due is the audit's already, and
        # a maintenance window's ends when the window does.
        ConditionExpression="attribute_exists(pk) AND #until > :now AND held_by = :pause",
        ExpressionAttributeNames={"#until": "until"},
        ExpressionAttributeValues={":now": {"N": str(millis(now))}, ":pause": {"S": "pause"}},
        ReturnValues="UPDATED_OLD",
    )
    if held is None:
        lines.append("No alert the pause held waits for a later time.")
    else:
        lines += [
            f"The alert held until {_utc(moment(held['until']))} is due now: the next audit",
            "(within the hour) sends it if its problem still holds.",
        ]
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK


def _update(deployment: Deployment, key: str, **request: Any) -> dict[str, Any] | None:
    """One UpdateItem of ``key``: the attributes it returned, or None when its condition
    did not hold (the only refusal these commands expect)."""
    try:
        answer = deployment.dynamodb.update_item(
            TableName=deployment.table, Key={"pk": {"S": key}}, **request
        )
    except ClientError as error:
        if error_code(error) == "ConditionalCheckFailedException":
            return None
        raise CommandError(
            f"could not write {key} in {deployment.table}: {error} (your credentials need "
            "dynamodb:UpdateItem on the table)"
        ) from error
    except BotoCoreError as error:
        raise CommandError(f"could not reach DynamoDB: {error}") from error
    return answer.get("Attributes", {})


def _previous(attributes: dict[str, Any] | None) -> Pause | None:
    """The pause an update returned as it was; None without one, or one this release
    cannot read (the check takes it for none as well)."""
    try:
        return pause_of(attributes)
    except UnreadableItemError:
        return None


def _described(pause: Pause | None, zone: str) -> list[str]:
    """A pause's until (in UTC and the monitor's time zone), by and reason, indented."""
    if pause is None:
        return ["  (a pause this release cannot read)"]
    tz, name = resolve_timezone(zone)
    local = "" if zone == "UTC" else f" ({pause.until.astimezone(tz):%Y-%m-%d %H:%M:%S %Z}, {name})"
    return [
        f"  until   {_utc(pause.until)}{local}",
        f"  by      {pause.by}",
        f"  reason  {pause.reason}",
    ]


def _utc(at: datetime) -> str:
    return f"{at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
