"""The chat format: the report as an AWS Chatbot custom notification (Slack, Teams).

Chatbot renders ``client-markdown`` in each chat's own markdown; ``threadId`` keeps every
notice of a monitor in one thread, where the channel allows threads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..check.context import CheckContext
from ..check.verdict import Status, Verdict
from ..formatting import resolve_timezone
from .facts import BeforeWindow, PredictionEntry, Report

# Shown first in chat titles, so a channel reads at a glance.
_CHAT_ICONS = {
    Status.OK: ":white_check_mark:",
    Status.RECOVERED: ":white_check_mark:",
    Status.FAILED: ":red_circle:",
    Status.LATE: ":hourglass:",
    Status.MISSING: ":grey_question:",
    Status.ERROR: ":warning:",
    Status.AT_RISK: ":large_orange_diamond:",
    Status.TOO_FAST: ":zap:",
    Status.SKIPPED: ":calendar:",  # never sent: a calendar's day off
}
# AWS Chatbot truncates long descriptions; keep the chat body well under its limits.
MAX_CHAT_DESCRIPTION_CHARS = 3500


def chatbot_notification(
    title: str,
    lines: list[str],
    next_steps: list[str],
    metadata: dict[str, Any],
    keywords: list[str] | None = None,
) -> dict[str, Any]:
    """AWS Chatbot's custom notification envelope, the one the checks and the audit send;
    the lines become its description, cut to what Chatbot shows whole."""
    description = "\n".join(lines)
    if len(description) > MAX_CHAT_DESCRIPTION_CHARS:
        description = description[: MAX_CHAT_DESCRIPTION_CHARS - 20] + "\n... (truncated)"
    content: dict[str, Any] = {
        "textType": "client-markdown",
        "title": title,
        "description": description,
        "nextSteps": next_steps,
    }
    if keywords is not None:
        content["keywords"] = keywords
    return {"version": "1.0", "source": "custom", "content": content, "metadata": metadata}


def _prediction_lines(prediction: PredictionEntry, local: Callable[[str | None], str]) -> list[str]:
    """An at-risk check's prediction, in a line or two."""
    lines = []
    if prediction["expected_finish"]:
        lines.append(f"*Expected end:* {local(prediction['expected_finish'])} (at the usual pace)")
    if prediction["usual_latest_start"]:
        lines.append(f"*Usually started by:* {local(prediction['usual_latest_start'])}")
    return lines


def _before_window_lines(before: BeforeWindow, local: Callable[[str | None], str]) -> list[str]:
    """The runs before the window that matter in a chat: one still going, the last ones."""
    lines = []
    for entry in before["still_running"]:
        url = f" ({entry['console_url']})" if entry["console_url"] else ""
        lines.append(f"*Still running since {local(entry['start'])}:* {entry['name']}{url}")
    last, success = before["last_run"], before["last_success"]
    if last is not None:
        lines.append(f"*Last run before:* {last['name']} {last['status']}, {local(last['start'])}")
    if success is not None and success != last:
        lines.append(f"*Last success:* {success['name']}, {local(success['start'])}")
    if before["never_ran"]:
        lines.append("*No run at all* in Step Functions' history (90 days of closed runs).")
    return lines


def _held_lines(report: Report, local: Callable[[str | None], str]) -> list[str]:
    """Why the alert comes late: a maintenance window or a pause held it."""
    held = report["held"]
    if held is None:
        return []
    by = f"paused by {held['name']}" if held["kind"] == "pause" else f"window {held['name']}"
    return [f"*Held by {by}* until {local(held['until'])}: nothing had cleared it"]


def render_chat(context: CheckContext, verdict: Verdict, report: Report) -> dict[str, Any]:
    """The alert in AWS Chatbot's custom notification schema."""
    zone, zone_name = resolve_timezone(context.timezone)

    def local(moment: str | None) -> str:
        if moment is None:
            return "-"
        return datetime.fromisoformat(moment).astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")

    lines = [
        f"*Caused by upstream {u['monitor']}:* {u['status']} at {local(u['as_of'])}"
        for u in report["upstream"]
    ]
    lines[:0] = _held_lines(report, local)
    if report["downstream"]:
        lines.append(f"*Affects downstream:* {', '.join(report['downstream'])}")
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
    if report["prediction"]:
        lines += _prediction_lines(report["prediction"], local)
    if report["before_window"] and verdict.status is not Status.ERROR:
        lines += _before_window_lines(report["before_window"], local)
    if report["previous"]:
        lines.append(f"*Previously:* {report['previous']['status']}")
        for entry in report["previous"]["executions"]:
            redriven = f" (redriven {entry['redrive_count']}x)" if entry["redrive_count"] else ""
            lines.append(f"• *{entry['name']}* is now {entry['status']}{redriven}")
    related = [context.state_machine_arn] if context.state_machine_arn else []
    related += [entry["arn"] for entry in report["executions"]]
    return chatbot_notification(
        f"{_CHAT_ICONS[verdict.status]} {report['subject']}",
        lines,
        [report["advice"]] if report["advice"] else [],
        {
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
        keywords=[verdict.status.value, context.monitor, context.check],
    )
