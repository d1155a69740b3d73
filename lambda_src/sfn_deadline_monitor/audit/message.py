"""What an audit sends: the problems it found new and those gone, in the module's format.

One alert per audit that found a change, never one per monitor: a group of schedules
disabled at once makes one alert, not a thousand. It lists the first LISTED problems of
each kind of change and counts the rest: at 1,000 monitors with every kind of schedule
the full list would exceed SNS's 262,144-byte message
(docs.aws.amazon.com/sns/latest/api/API_Publish.html), the publish would fail every
hour, and the audit would say nothing. The `status` command lists every open problem.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..alerts.chat import chatbot_notification
from ..alerts.incident import severity_of
from ..alerts.message import Alert, render_body
from ..alerts.report import clean_subject
from ..check.verdict import Status
from ..discovery.plan import ADDED, BAD_TAGS, DISCOVERY_REFUSED, DISCOVERY_UNREAD, REMOVED
from ..formatting import iso
from ..state.records import OpenProblem
from .rules import QUEUE_NOT_EMPTY, STATE_MACHINES_UNREAD, Findings

LISTED = 50

# The module's own problems (no monitor) in the subject, when new and when gone.
_MODULE_PROBLEMS = {
    QUEUE_NOT_EMPTY: ("failure queues hold messages", "failure queues are empty"),
    STATE_MACHINES_UNREAD: (
        "state machines the audit cannot list",
        "the audit lists the state machines again",
    ),
    BAD_TAGS: ("tags discovery cannot follow", "tags fixed or removed"),
    DISCOVERY_UNREAD: ("tags discovery cannot read", "discovery reads the tags again"),
    DISCOVERY_REFUSED: (
        "discovery cannot write schedules",
        "discovery writes schedules again",
    ),
}

_ADVICE = (
    "Until each problem below is fixed, its monitor may send nothing: a failed, late or "
    "missing run of that job goes unnoticed meanwhile."
)


def audit_alert(
    module: str,
    region: str,
    findings: Findings,
    now: datetime,
    message_format: str,
    *,
    incident_key: str | None = None,
) -> Alert:
    """ERROR when problems are new, else RECOVERED when some are gone, else OK (it only
    says what discovery changed); ``incident_key`` is the audit's episode the alert
    opens, continues or closes (alerts/incident.py)."""
    new, recovered, notices = findings.new, findings.recovered, findings.notices
    still_open = len(findings.open) - len(new)
    status = Status.ERROR if new else Status.RECOVERED if recovered else Status.OK
    summary = _summary(new or recovered, new) if new or recovered else _discovered(notices)
    subject = clean_subject(f"[{status.value}] {module} audit: {summary}")
    severity = severity_of(status, {})  # the audit has no monitor's severities
    facts = {
        "status": status.value,
        "severity": severity,
        "incident_key": incident_key,
        "check": "audit",
        "module": module,
        "subject": subject,
        "advice": _ADVICE if new else None,
        "new": [p.as_json() for p in new[:LISTED]],
        "new_total": len(new),
        "recovered": [p.as_json() for p in recovered[:LISTED]],
        "recovered_total": len(recovered),
        "notices": [p.as_json() for p in notices[:LISTED]],
        "notices_total": len(notices),
        "still_open": still_open,
        "all_open": f"python -m sfn_deadline_monitor status --name {module} --region {region}",
        "audited_at": iso(now.replace(microsecond=0)),
    }
    body = render_body(message_format, facts, text=lambda: _text(facts), chat=lambda: _chat(facts))
    attributes = {"status": status.value, "monitor": module, "check": "audit", "severity": severity}
    episode = {} if incident_key is None else {"incident_key": incident_key}
    return Alert(subject, body, {**attributes, **episode}, facts, judged_at=now)


def _summary(problems: tuple[OpenProblem, ...], new: tuple[OpenProblem, ...]) -> str:
    monitors = sorted({p.monitor for p in problems if p.monitor is not None})
    module = sorted({p.kind.split(":")[0] for p in problems if p.monitor is None})
    parts = []
    if monitors:
        verb = "stopped checking" if new else "check again"
        parts.append(f"{len(monitors)} monitor(s) {verb}: {', '.join(monitors)}")
    parts += [_MODULE_PROBLEMS[kind][0 if new else 1] for kind in module]
    return "; ".join(parts)


def _discovered(notices: tuple[OpenProblem, ...]) -> str:
    added = [p.monitor for p in notices if p.kind == ADDED]
    removed = [p.monitor for p in notices if p.kind == REMOVED]
    parts = [f"{len(added)} monitor(s) discovered: {', '.join(map(str, added))}"] if added else []
    if removed:
        parts.append(f"{len(removed)} no longer monitored: {', '.join(map(str, removed))}")
    return "; ".join(parts)


def _lines(facts: dict[str, Any], change: str) -> list[str]:
    """A line for each listed problem of ``change`` (new or recovered), then the count of
    those not listed."""
    entries = facts[change]
    lines = [f"- {e['monitor'] or '(module)'}: {e['text']}" for e in entries]
    unlisted = facts[f"{change}_total"] - len(entries)
    if unlisted:
        lines.append(f"- ... and {unlisted} more; every open problem: {facts['all_open']}")
    return lines


def _text(facts: dict[str, Any]) -> str:
    lines = [facts["subject"], ""]
    if facts["advice"]:
        lines += [f"What to do:  {facts['advice']}", ""]
    if facts["new"]:
        lines += ["New problems:", *_lines(facts, "new"), ""]
    if facts["recovered"]:
        lines += ["Gone since the last audit:", *_lines(facts, "recovered"), ""]
    if facts["notices"]:
        lines += ["Discovered by tags:", *_lines(facts, "notices"), ""]
    lines.append(f"Still open, reported before: {facts['still_open']}")
    lines.append(f"Audited at {facts['audited_at']}")
    if facts["incident_key"]:
        lines.append(f"Incident {facts['incident_key']}")
    return "\n".join(lines) + "\n"


def _chat(facts: dict[str, Any]) -> dict[str, Any]:
    """AWS Chatbot's custom notification schema, as the checks' chat format."""
    lines = [
        *_lines(facts, "new"),
        *(f"{line[:2]}*gone:* {line[2:]}" for line in _lines(facts, "recovered")),
        *_lines(facts, "notices"),
    ]
    return chatbot_notification(
        f":{'warning' if facts['new'] else 'white_check_mark'}: {facts['subject']}",
        lines,
        # The description may be cut; the command that lists every problem is not.
        [facts["advice"], f"Every open problem: {facts['all_open']}"] if facts["advice"] else [],
        {"threadId": f"sfn-deadline-monitor/{facts['module']}/audit"},
    )
