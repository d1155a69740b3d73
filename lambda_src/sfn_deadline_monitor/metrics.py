"""Per-check metrics in CloudWatch Embedded Metric Format (EMF).

The check's one JSON log line carries them: CloudWatch Logs turns it into metrics with no
API call and no extra permission. Every check emits a count for every status (1 for its
verdict, 0 for the others), so a graph or an alarm on any status has data every time the
monitor runs, and a missing data point means the monitor itself did not run. It also
emits AlertsSent: 1 when its alert was published, 0 when it sent none or the publish
failed.

A deadline check adds what its deadline came to (state/outcomes.py): DeadlineMet, 1 or 0
(none when the check could not judge, or was SKIPPED on its calendar's day off), and
MarginSeconds, how long before the deadline the deciding run ended (negative: after it;
none when no run ended or was going). Their average over months is the attainment the
dashboard and the report show.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .check.verdict import Status
from .state.outcomes import NOT_JUDGED, Outcome

DEFAULT_NAMESPACE = "SfnDeadlineMonitor"
DIMENSION = "Monitor"
ALERTS_SENT = "AlertsSent"
DEADLINE_MET = "DeadlineMet"
MARGIN_SECONDS = "MarginSeconds"
_DEADLINE_UNITS = {DEADLINE_MET: "Count", MARGIN_SECONDS: "Seconds"}


def metrics_document(
    monitor: str,
    status: Status,
    at: datetime,
    namespace: str = DEFAULT_NAMESPACE,
    *,
    alert_sent: bool,
    outcome: Outcome | None = None,
) -> dict[str, Any]:
    """The EMF members to merge into the check's log line."""
    deadline = _deadline_values(outcome)
    return {
        "_aws": {
            "Timestamp": int(at.timestamp() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": namespace,
                    "Dimensions": [[DIMENSION]],
                    "Metrics": [
                        *({"Name": s.value, "Unit": "Count"} for s in Status),
                        {"Name": ALERTS_SENT, "Unit": "Count"},
                        *({"Name": name, "Unit": _DEADLINE_UNITS[name]} for name in deadline),
                    ],
                }
            ],
        },
        DIMENSION: monitor,
        **{s.value: int(s is status) for s in Status},
        ALERTS_SENT: int(alert_sent),
        **deadline,
    }


def _deadline_values(outcome: Outcome | None) -> dict[str, int]:
    """DeadlineMet and MarginSeconds for what a deadline came to, each only when known."""
    if outcome is None or outcome.outcome in NOT_JUDGED:
        return {}
    values = {DEADLINE_MET: int(outcome.met)}
    if outcome.margin is not None:
        values[MARGIN_SECONDS] = int(outcome.margin.total_seconds())
    return values
