"""What a check says: the SNS subject, the text and JSON bodies, and message attributes.

Pure functions of a verdict, so the wording is tested without AWS and the text and the
JSON format are built from the same facts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .contract import DEADLINE, START, STATUS_CHANGE
from .verdict import Execution, Finding, Status, Verdict, Window

# SNS rejects a subject of 100 characters or more.
MAX_SUBJECT_CHARS = 99
# An alert lists at most this many executions, worst first, and says how many it left out.
MAX_LISTED_EXECUTIONS = 10

_CONSOLE_DOMAINS = {
    "aws": "https://{region}.console.aws.amazon.com",
    "aws-cn": "https://console.amazonaws.cn",
    "aws-us-gov": "https://console.amazonaws-us-gov.com",
}

_ADVICE = {
    Status.FAILED: "Open the failed execution below, fix its cause, then redrive it "
    "(aws stepfunctions redrive-execution --execution-arn <ARN>) or start a new execution.",
    Status.LATE: "The run has not finished by its deadline. Check in the console whether it "
    "is stuck, warn whoever consumes its output, and stop it if it cannot finish.",
    Status.MISSING: "Nothing started the state machine in the window. Check what triggers it "
    "(its schedule, rule or upstream job), then start the run by hand if it is still needed.",
    Status.ERROR: "The monitor could not check the state machine: until this is fixed, a "
    "failed, late or missing run of this job goes unnoticed.",
    Status.RECOVERED: "No action needed: the job succeeded by its deadline again.",
}
_EARLIER_PROBLEMS_ADVICE = (
    " Check that the earlier problem runs listed below were redriven or are no longer needed."
)
_STATUS_CHANGE_ADVICE = (
    "Step Functions reported this failure as it happened, before the deadline: open the "
    "execution, fix its cause, then redrive it (aws stepfunctions redrive-execution "
    "--execution-arn <ARN>) or start a new execution. The deadline check still follows."
)
_START_ADVICE = (
    "No run has started by the time one must have. Check what triggers the state machine "
    "(its schedule, rule or upstream job) and start the run by hand if it is still needed: "
    "there is still time before the deadline."
)
_CHECK_LINES = {
    START: "start check (a run must have started by the end of the window)",
    STATUS_CHANGE: "failure event from Step Functions (the deadline check still follows)",
}
# Shown first in chat titles, so a channel reads at a glance.
_CHAT_ICONS = {
    Status.OK: ":white_check_mark:",
    Status.RECOVERED: ":white_check_mark:",
    Status.FAILED: ":red_circle:",
    Status.LATE: ":hourglass:",
    Status.MISSING: ":grey_question:",
    Status.ERROR: ":warning:",
}
# AWS Chatbot truncates long descriptions; keep the chat body well under its limits.
MAX_CHAT_DESCRIPTION_CHARS = 3500


@dataclass(frozen=True)
class CheckContext:
    """What the alert says about the check itself, beside the verdict."""

    monitor: str
    state_machine_arn: str
    window: Window | None
    timezone: str
    checked_at: datetime
    check: str = DEADLINE
    deadline_from_invocation_time: bool = False
    scheduler_execution_id: str | None = None
    attempt_number: int | None = None
    # For a RECOVERED notice: the status it follows, and the executions that status was
    # about, as they are now (a redriven execution may have SUCCEEDED since).
    previous_status: Status | None = None
    previous_as_of: datetime | None = None
    earlier_problems: tuple[Execution, ...] = ()


@dataclass(frozen=True)
class Alert:
    """One SNS publish: subject, body and the attributes subscribers filter on."""

    subject: str
    body: str
    attributes: dict[str, str]


def console_url(arn: str) -> str | None:
    """Link to an execution or state machine in the console of the ARN's partition."""
    parts = arn.split(":")
    if len(parts) < 7 or parts[0] != "arn":
        return None
    partition, region, resource = parts[1], parts[3], parts[5]
    domain = _CONSOLE_DOMAINS.get(partition)
    if domain is None:
        return None
    page = "v2/executions/details" if resource == "execution" else "statemachines/view"
    return (
        f"{domain.format(region=region)}/states/home?region={region}#/{page}/{quote(arn, safe=':')}"
    )


def format_duration(seconds: float) -> str:
    """``2h 05m 10s``: short, and sortable by eye."""
    total = max(int(seconds), 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m {secs:02d}s"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def resolve_timezone(name: str) -> tuple[tzinfo, str]:
    """The display time zone and its name; UTC when the zone is unknown on this runtime."""
    try:
        return ZoneInfo(name), name
    except (ZoneInfoNotFoundError, ValueError):
        return UTC, f"UTC (time zone {name!r} is unknown to this runtime)"


def compose(context: CheckContext, verdict: Verdict, message_format: str = "text") -> Alert:
    """Build the alert for a verdict in the monitor's chosen format."""
    subject = _subject(context, verdict)
    report = _report(context, verdict, subject)
    match message_format:
        case "json":
            body = json.dumps(report, indent=2, ensure_ascii=False)
        case "chat":
            body = json.dumps(_chat(context, verdict, report), indent=2, ensure_ascii=False)
        case _:
            body = _text(context, verdict, report)
    return Alert(
        subject=subject,
        body=body,
        attributes={"status": verdict.status.value, "monitor": context.monitor},
    )


def _subject(context: CheckContext, verdict: Verdict) -> str:
    zone, _ = resolve_timezone(context.timezone)
    deadline = (
        context.window.deadline.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
        if context.window
        else ""
    )
    total = len(verdict.findings)
    problems = len(verdict.problems)
    if context.check == STATUS_CHANGE and verdict.findings:
        execution = verdict.findings[0].execution
        moment = execution.stop or execution.start
        summary = (
            f"run {execution.name} {execution.status} at "
            f"{moment.astimezone(zone).strftime('%Y-%m-%d %H:%M %Z')}"
        )
        return _clean_subject(f"[{verdict.status.value}] {context.monitor}: {summary}")
    match verdict.status:
        case Status.OK:
            summary = f"{total} run(s) succeeded by {deadline}"
        case Status.RECOVERED:
            after = f", after {context.previous_status.value}" if context.previous_status else ""
            summary = f"{total} run(s) succeeded by {deadline}{after}"
        case Status.FAILED:
            failed = sum(1 for f in verdict.findings if f.status is Status.FAILED)
            summary = f"{failed} of {total} run(s) failed, deadline {deadline}"
        case Status.LATE:
            summary = f"{problems} of {total} run(s) not finished by {deadline}"
        case Status.MISSING:
            lookback = context.window.deadline - context.window.start if context.window else None
            summary = f"no run started in the {_span(lookback)} before {deadline}"
        case _:
            summary = f"check could not be made: {verdict.reason}"
    return _clean_subject(f"[{verdict.status.value}] {context.monitor}: {summary}")


def _clean_subject(subject: str) -> str:
    # SNS rejects subjects with line breaks, control or non-ASCII characters, and a
    # rejected publish would lose the alert: keep printable ASCII only.
    subject = " ".join(subject.encode("ascii", "replace").decode().split())
    if len(subject) > MAX_SUBJECT_CHARS:
        subject = subject[: MAX_SUBJECT_CHARS - 3].rstrip() + "..."
    return subject


def _span(lookback: timedelta | None) -> str:
    if lookback is None:
        return "window"
    minutes = int(lookback.total_seconds() // 60)
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes} min"


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _advice(context: CheckContext, status: Status) -> str | None:
    if context.check == STATUS_CHANGE and status is Status.FAILED:
        return _STATUS_CHANGE_ADVICE
    if context.check == START and status is Status.MISSING:
        return _START_ADVICE
    if status is Status.RECOVERED and context.earlier_problems:
        return _ADVICE[status] + _EARLIER_PROBLEMS_ADVICE
    return _ADVICE.get(status)


def _report(context: CheckContext, verdict: Verdict, subject: str) -> dict[str, Any]:
    """The machine-readable alert; the text and chat formats render the same facts."""
    listed = _listed(verdict)
    counts: dict[str, int] = {}
    for finding in verdict.findings:
        counts[finding.execution.status] = counts.get(finding.execution.status, 0) + 1
    return {
        "status": verdict.status.value,
        "monitor": context.monitor,
        "subject": subject,
        "reason": verdict.reason or None,
        "advice": _advice(context, verdict.status),
        "state_machine_arn": context.state_machine_arn or None,
        "state_machine_console_url": console_url(context.state_machine_arn),
        "window": None
        if context.window is None
        else {
            "start": _iso(context.window.start),
            "deadline": _iso(context.window.deadline),
            "timezone": context.timezone,
        },
        "executions_in_window": len(verdict.findings),
        "execution_status_counts": counts,
        "executions": [_execution_entry(f, context.checked_at) for f in listed],
        "executions_not_listed": len(_listable(verdict)) - len(listed),
        "previous": None
        if context.previous_status is None
        else {
            "status": context.previous_status.value,
            "as_of": _iso(context.previous_as_of),
            "executions": [
                _execution_entry(Finding(e, Status.OK), context.checked_at) | {"verdict": None}
                for e in context.earlier_problems
            ],
        },
        "check": {
            "kind": context.check,
            "checked_at": _iso(context.checked_at),
            "deadline_from_invocation_time": context.deadline_from_invocation_time,
            "scheduler_execution_id": context.scheduler_execution_id,
            "attempt_number": context.attempt_number,
        },
    }


def _listable(verdict: Verdict) -> tuple[Finding, ...]:
    """Executions worth listing: the problems, worst first, or all of them when OK."""
    if verdict.status in (Status.OK, Status.RECOVERED):
        return verdict.findings
    return tuple(sorted(verdict.problems, key=lambda f: f.status is not Status.FAILED))


def _listed(verdict: Verdict) -> tuple[Finding, ...]:
    return _listable(verdict)[:MAX_LISTED_EXECUTIONS]


def _execution_entry(finding: Finding, checked_at: datetime) -> dict[str, Any]:
    execution = finding.execution
    end = execution.stop or checked_at
    return {
        "name": execution.name,
        "arn": execution.arn,
        "status": execution.status,
        "verdict": finding.status.value,
        "start": _iso(execution.start),
        "stop": _iso(execution.stop),
        "duration_seconds": int((end - execution.start).total_seconds()),
        "still_running": execution.stop is None and execution.status == "RUNNING",
        "error": execution.error,
        "cause": execution.cause,
        "redrive_count": execution.redrive_count,
        "console_url": console_url(execution.arn),
    }


def _text(context: CheckContext, verdict: Verdict, report: dict[str, Any]) -> str:
    zone, zone_name = resolve_timezone(context.timezone)

    def both(moment: datetime) -> str:
        local = moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z")
        return f"{local} ({moment.astimezone(UTC).strftime('%Y-%m-%d %H:%M:%S UTC')})"

    lines = [report["subject"], ""]
    if verdict.reason:
        lines.append(f"Why:            {verdict.reason}")
    if report["advice"]:
        lines += [f"What to do:     {report['advice']}", ""]
    lines.append(f"Monitor:        {context.monitor}")
    if context.state_machine_arn:
        lines.append(f"State machine:  {context.state_machine_arn}")
        lines.append(f"                {report['state_machine_console_url'] or ''}".rstrip())
    if context.window is not None:
        lines += [
            f"Window:         {both(context.window.start)}",
            f"  to deadline   {both(context.window.deadline)}",
            f"Time zone:      {zone_name}",
        ]
    if context.check in _CHECK_LINES:
        lines.append(f"Check:          {_CHECK_LINES[context.check]}")
    if verdict.status is not Status.ERROR and context.check != STATUS_CHANGE:
        counts = report["execution_status_counts"]
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        counted = f": {summary}" if summary else ""
        lines.append(f"In the window:  {len(verdict.findings)} execution(s){counted}")
    if report["executions"]:
        heading = (
            "Executions" if verdict.status in (Status.OK, Status.RECOVERED) else "Needs attention"
        )
        lines += ["", f"{heading}:"]
    for number, entry in enumerate(report["executions"], start=1):
        lines += _execution_lines(number, entry, both)
    if report["executions_not_listed"]:
        lines.append(f"... and {report['executions_not_listed']} more not listed.")
    if report["previous"]:
        lines += _previous_lines(report["previous"], both)
    lines += ["", f"Checked at {both(context.checked_at)}"]
    if context.deadline_from_invocation_time:
        lines.append("The event carried no scheduled time, so the deadline is the invocation time.")
    if context.scheduler_execution_id or context.attempt_number:
        lines.append(
            f"Scheduler execution {context.scheduler_execution_id or '-'}, "
            f"attempt {context.attempt_number or '-'}"
        )
    return "\n".join(lines) + "\n"


def _previous_lines(previous: dict[str, Any], both: Callable[[datetime], str]) -> list[str]:
    """What a RECOVERED notice follows, and the runs it was about as they are now."""
    since = (
        f", as of {both(datetime.fromisoformat(previous['as_of']))}" if previous["as_of"] else ""
    )
    lines = ["", f"Previously:     {previous['status']}{since}"]
    if previous["executions"]:
        lines.append("Those runs now:")
    for number, entry in enumerate(previous["executions"], start=1):
        lines += _execution_lines(number, entry, both)
    return lines


def _execution_lines(
    number: int, entry: dict[str, Any], both: Callable[[datetime], str]
) -> list[str]:
    """One listed execution, rendered from its JSON entry so both formats say the same."""
    verdict = f"  ({entry['verdict']})" if entry["verdict"] else ""
    lines = [f"{number}. {entry['status']}  {entry['name']}{verdict}"]
    lines.append(f"   Started:  {both(datetime.fromisoformat(entry['start']))}")
    duration = format_duration(entry["duration_seconds"])
    if entry["stop"] is not None:
        lines.append(f"   Stopped:  {both(datetime.fromisoformat(entry['stop']))}")
        lines.append(f"   Duration: {duration}")
    elif entry["still_running"]:
        lines.append(f"   Running:  {duration} at check time")
    if entry["error"]:
        lines.append(f"   Error:    {entry['error']}")
    if entry["cause"]:
        lines.append(f"   Cause:    {entry['cause']}")
    if entry["redrive_count"]:
        lines.append(f"   Redrives: {entry['redrive_count']}")
    lines.append(f"   Console:  {entry['console_url'] or entry['arn']}")
    return lines


def _chat(context: CheckContext, verdict: Verdict, report: dict[str, Any]) -> dict[str, Any]:
    """The alert in AWS Chatbot's custom notification schema (Slack, Microsoft Teams).

    Chatbot renders ``client-markdown`` in each chat's own markdown; ``threadId`` keeps
    every notice of a monitor in one thread, where the channel allows threads.
    """
    zone, zone_name = resolve_timezone(context.timezone)

    def local(moment: str | None) -> str:
        if moment is None:
            return "-"
        return datetime.fromisoformat(moment).astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")

    lines = []
    if verdict.reason:
        lines.append(f"*Why:* {verdict.reason}")
    if context.state_machine_arn:
        url = report["state_machine_console_url"]
        name = context.state_machine_arn.split(":")[6]
        lines.append(f"*State machine:* {name}" + (f" ({url})" if url else ""))
    if report["window"]:
        lines.append(
            f"*Window:* {local(report['window']['start'])} to {local(report['window']['deadline'])}"
        )
    for entry in report["executions"]:
        line = f"• *{entry['name']}* {entry['status']}, started {local(entry['start'])}"
        if entry["error"]:
            line += f": `{entry['error']}`"
        if entry["cause"]:
            line += f" {entry['cause']}"
        lines.append(line + (f" ({entry['console_url']})" if entry["console_url"] else ""))
    if report["executions_not_listed"]:
        lines.append(f"... and {report['executions_not_listed']} more not listed.")
    if report["previous"]:
        lines.append(f"*Previously:* {report['previous']['status']}")
        for entry in report["previous"]["executions"]:
            redriven = f" (redriven {entry['redrive_count']}x)" if entry["redrive_count"] else ""
            lines.append(f"• *{entry['name']}* is now {entry['status']}{redriven}")
    description = "\n".join(lines)
    if len(description) > MAX_CHAT_DESCRIPTION_CHARS:
        description = description[: MAX_CHAT_DESCRIPTION_CHARS - 20] + "\n... (truncated)"
    related = [context.state_machine_arn] if context.state_machine_arn else []
    related += [entry["arn"] for entry in report["executions"]]
    return {
        "version": "1.0",
        "source": "custom",
        "content": {
            "textType": "client-markdown",
            "title": f"{_CHAT_ICONS[verdict.status]} {report['subject']}",
            "description": description,
            "nextSteps": [report["advice"]] if report["advice"] else [],
            "keywords": [verdict.status.value, context.monitor, context.check],
        },
        "metadata": {
            "threadId": f"sfn-deadline-monitor/{context.monitor}",
            "summary": report["subject"],
            "eventType": verdict.status.value,
            "relatedResources": related,
            "additionalContext": {
                "monitor": context.monitor,
                "status": verdict.status.value,
                "check": context.check,
                "timezone": zone_name,
                "checked_at": report["check"]["checked_at"],
            },
        },
    }
