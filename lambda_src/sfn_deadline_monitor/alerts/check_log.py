"""The check's one log line: what it judged, what it sent, what failed, with its metrics
(metrics.py). Written for every check, whether or not its alert could be sent."""

from __future__ import annotations

import os
from typing import Any

from ..check.context import CheckContext
from ..check.verdict import Status, Verdict
from ..formatting import iso
from ..logs import log
from ..metrics import DEFAULT_NAMESPACE, metrics_document
from ..state.outcomes import deadline_outcome
from .held import held_until
from .upstream import is_suppressed

NAMESPACE_ENV = "METRICS_NAMESPACE"


def log_check(
    check: CheckContext,
    verdict: Verdict,
    *,
    list_calls: int | None,
    previous_status: Status | None,
    message_id: str | None,
    publish_error: str | None = None,
    state_error: str | None = None,
) -> dict[str, Any]:
    """Log the check's line, with its metrics; returns the summary it logged."""
    summary = {
        "monitor": check.monitor,
        "check": check.check,
        "status": verdict.status.value,
        "state_machine_arn": check.state_machine_arn,
        "deadline": check.window.deadline.isoformat() if check.window else None,
        "executions_in_window": len(verdict.findings),
        "problems": len(verdict.problems),
        "list_calls": list_calls,
        "notified": message_id is not None,
        "message_id": message_id,
        "publish_error": publish_error,
        "state_error": state_error,
        "previous_status": previous_status.value if previous_status else None,
        "reason": verdict.reason or None,
        # An at-risk check says what it predicted, or why it could not ("no_history").
        "prediction": check.prediction.kind if check.prediction else None,
        # The upstream monitors whose problems explain this one's, and whether the alert
        # was held back for them (upstream_suppresses).
        "upstream_problems": [p.monitor for p in check.upstream_problems],
        "suppressed": is_suppressed(check, verdict),
        # The maintenance window or pause covering the check, and until when its problem
        # is held (null: sent now); the dashboard lists them.
        "hold": check.hold.describe() if check.hold else None,
        "held_until": iso(held_until(check, verdict)),
    }
    namespace = os.environ.get(NAMESPACE_ENV, DEFAULT_NAMESPACE)
    metrics = metrics_document(
        check.monitor,
        verdict.status,
        check.checked_at,
        namespace,
        alert_sent=message_id is not None,
        # A failed publish is retried by Lambda: the retry's line counts the deadline.
        outcome=deadline_outcome(check, verdict) if publish_error is None else None,
    )
    log("check", **summary, **metrics)
    return summary
