"""What a check sends: one SNS message in the monitor's format.

The subject and the facts come from ``report``; ``text`` and ``chat`` render them, so the
wording is tested without AWS and every format says the same thing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .chat import render_chat
from .report import CheckContext, report, subject
from .text import render_text
from .verdict import Verdict


@dataclass(frozen=True)
class Alert:
    """One SNS publish: subject, body and the attributes subscribers filter on."""

    subject: str
    body: str
    attributes: dict[str, str]


def compose(context: CheckContext, verdict: Verdict, message_format: str = "text") -> Alert:
    """Build the alert for a verdict in the monitor's chosen format."""
    subject_line = subject(context, verdict)
    facts = report(context, verdict, subject_line)
    match message_format:
        case "json":
            body = json.dumps(facts, indent=2, ensure_ascii=False)
        case "chat":
            body = json.dumps(render_chat(context, verdict, facts), indent=2, ensure_ascii=False)
        case _:
            body = render_text(context, verdict, facts)
    return Alert(
        subject=subject_line,
        body=body,
        attributes={"status": verdict.status.value, "monitor": context.monitor},
    )
