"""Where an alert goes: on the module's event bus when it names one, then to its topic.

The event goes first. A bus that refuses it raises before anything was published, so
the check is retried whole and nothing is lost or sent twice. A publish that fails after
the event was put raises too, and the retry puts the event again: a second event of the
same alert, as EventBridge may deliver any event more than once to its targets. Incident
tools deduplicate both on the incident key; a person reading e-mail gets one message
(docs/failure-modes.md#exactly-one-alert).
"""

from __future__ import annotations

from .bus import AlertKind, event_bus_arn, put_alert_event
from .message import Alert
from .sns import publish


def send_alert(topic_arn: str, alert: Alert, kind: AlertKind) -> str:
    """Put the alert's event (of ``kind``: check or audit), then publish it; the SNS
    message id."""
    bus_arn = event_bus_arn()
    if bus_arn is not None:
        put_alert_event(bus_arn, alert, kind)
    return publish(topic_arn, alert)
