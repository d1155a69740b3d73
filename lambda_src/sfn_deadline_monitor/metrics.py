"""Per-check metrics in CloudWatch Embedded Metric Format (EMF).

The check's one JSON log line carries them: CloudWatch Logs turns it into metrics with no
API call and no extra permission. Every check emits a count for every status (1 for its
verdict, 0 for the others), so a graph or an alarm on any status has data every time the
monitor runs, and a missing data point means the monitor itself did not run. It also
emits AlertsSent: 1 when its alert was published, 0 when it sent none or the publish
failed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .check.verdict import Status

DEFAULT_NAMESPACE = "SfnDeadlineMonitor"
DIMENSION = "Monitor"
ALERTS_SENT = "AlertsSent"


def metrics_document(
    monitor: str,
    status: Status,
    at: datetime,
    namespace: str = DEFAULT_NAMESPACE,
    *,
    alert_sent: bool,
) -> dict[str, Any]:
    """The EMF members to merge into the check's log line."""
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
                    ],
                }
            ],
        },
        DIMENSION: monitor,
        **{s.value: int(s is status) for s in Status},
        ALERTS_SENT: int(alert_sent),
    }
