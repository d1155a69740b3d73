"""Alerts as events: the same alert put on an EventBridge bus, for rules to route to an
incident tool, a queue or anything else a rule can target (docs/alerts.md#events).

The event's detail is the alert's json message with ``schema_version``; its schema is
published in schemas/ (tests/test_bus.py validates real events against it). The source
is the module's own: EventBridge reserves sources that begin with ``aws.``
(docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html).
"""

from __future__ import annotations

import json
import os
from typing import Literal

from .. import aws
from .message import Alert

EVENT_BUS_ENV = "ALERT_EVENT_BUS_ARN"
SOURCE = "sfn-deadline-monitor"
AlertKind = Literal["check", "audit"]
DETAIL_TYPES: dict[AlertKind, str] = {
    "check": "Deadline Monitor Alert",
    "audit": "Deadline Monitor Audit",
}
# The detail's schema: a removed or changed field is a new version (schemas/).
SCHEMA_VERSION = 1


class PutEventsError(RuntimeError):
    """EventBridge refused the alert's event: raised like a failed publish, so that the
    check is retried and the alert is not lost."""


def event_bus_arn() -> str | None:
    """The bus the module puts alerts on, when it names one (``event_bus_name``)."""
    return os.environ.get(EVENT_BUS_ENV) or None


def put_alert_event(bus_arn: str, alert: Alert, kind: AlertKind) -> None:
    """Put one alert on the bus as an event of ``kind`` (a check's or the audit's).

    PutEvents answers a refused entry with an error code in place of its id instead of
    raising (docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html):
    that raises here, naming why. Each check and each audit sends one alert, so one entry
    per call: there is nothing to batch. The bus is in the function's region (plan checks
    it), so the function's own client puts it.
    """
    detail = {"schema_version": SCHEMA_VERSION, **alert.detail}
    answer = aws.client("events").put_events(
        Entries=[
            {
                "EventBusName": bus_arn,
                # The event's time is when the check judged, as in the message.
                "Time": alert.judged_at,
                "Source": SOURCE,
                "DetailType": DETAIL_TYPES[kind],
                "Detail": json.dumps(detail, separators=(",", ":"), ensure_ascii=False),
                "Resources": list(alert.resources),
            }
        ]
    )
    (entry,) = answer["Entries"]
    if "EventId" not in entry:
        why = f"{entry.get('ErrorCode')}: {entry.get('ErrorMessage')}"
        msg = f"EventBridge refused the alert's event on {bus_arn}: {why}"
        raise PutEventsError(msg)
