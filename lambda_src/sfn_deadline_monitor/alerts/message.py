"""What a check sends: one SNS message in the monitor's format (and its event, bus.py).

The subject and the facts come from ``report``; ``text`` and ``chat`` render them, so the
wording is tested without AWS and every format says the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..check.context import CheckContext
from ..check.verdict import Verdict
from .chat import render_chat
from .report import report, subject
from .text import render_text
from .upstream import upstream_attribute


@dataclass(frozen=True)
class Alert:
    """One alert: the SNS subject, body and the attributes subscribers filter on; for its
    event (bus.py), the json facts, the moment the check judged and the ARNs it is about."""

    subject: str
    body: str
    attributes: dict[str, str]
    detail: Mapping[str, Any]
    judged_at: datetime
    resources: tuple[str, ...] = ()


def render_body(
    message_format: str,
    facts: Mapping[str, object],
    text: Callable[[], str],
    chat: Callable[[], dict[str, Any]],
) -> str:
    """The one format switch, for the checks' alerts and the audit's: json is the facts
    themselves, chat AWS Chatbot's envelope, text the rest."""
    match message_format:
        case "json":
            return json.dumps(facts, indent=2, ensure_ascii=False)
        case "chat":
            return json.dumps(chat(), indent=2, ensure_ascii=False)
        case _:
            return text()


def compose(context: CheckContext, verdict: Verdict, message_format: str = "text") -> Alert:
    """Build the alert for a verdict in the monitor's chosen format."""
    subject_line = subject(context, verdict)
    facts = report(context, verdict, subject_line)
    body = render_body(
        message_format,
        facts,
        text=lambda: render_text(context, verdict, facts),
        chat=lambda: render_chat(context, verdict, facts),
    )
    episode = {} if context.incident_key is None else {"incident_key": context.incident_key}
    return Alert(
        subject=subject_line,
        body=body,
        attributes={
            "status": verdict.status.value,
            "monitor": context.monitor,
            "severity": facts["severity"],
            **episode,
            **upstream_attribute(context),
        },
        detail=facts,
        judged_at=context.checked_at,
        resources=(context.state_machine_arn,) if context.state_machine_arn else (),
    )
