"""What reached on call in the demo: the alerts on the topic (read from its SQS
subscriber), and the same alerts as events on the module's bus, as an incident tool's
route receives them (read from the queue a rule on the bus delivers to, demo/main.tf),
each with what examples/incident-routing's PagerDuty route would do with it."""

from __future__ import annotations

import json
from typing import Any

from sfn_deadline_monitor.check.verdict import PROBLEMS
from testkit.inbox import drain

# A problem opens (or joins) an incident; RECOVERED resolves it.
OPENS = {status.value for status in PROBLEMS}


def print_incidents(sqs: Any, queue_url: str) -> int:
    """Print each alert event with its incident key and what it does to the incident; the
    number of events."""
    events = []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get(
        "Messages", []
    ):
        for message in batch:
            events.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    for event in events:
        detail = event["detail"]
        key = detail.get("incident_key")
        if key is None:
            action = "no incident (an OK notice, or the audit's partial recovery)"
        else:
            verb = "trigger" if detail["status"] in OPENS else "resolve"
            action = f"PagerDuty event_action={verb} dedup_key={key}"
        print(f"  {event['detail-type']:23} {detail['status']:9} {detail['severity']:8} {action}")
        print(f"  {'':23} {detail['subject']}")
    keys = [e["detail"].get("incident_key") for e in events]
    print(
        f"  {len({k for k in keys if k})} incident(s). An event repeated is a retry's: each of "
        "Lambda's attempts through the topic's outage put it again; PagerDuty and Opsgenie "
        "deduplicate it on the incident key."
    )
    return len(events)


def print_alerts(sqs: Any, inbox_url: str) -> int:
    received = drain(sqs, inbox_url, wait_seconds=1)
    for notification in received:
        attributes = {k: v["Value"] for k, v in notification["MessageAttributes"].items()}
        print("\n" + "=" * 100)
        print(f"Subject:    {notification['Subject']}")
        print(f"Attributes: {attributes}")
        print("-" * 100)
        print(notification["Message"].rstrip())
    print("=" * 100)
    return len(received)
