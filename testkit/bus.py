"""An event bus the check puts its alerts on, read back as EventBridge delivers them: a
rule on the module's source whose target is a queue (moto routes a put event to the
queue within PutEvents, as it hands a notification to a queue within Publish)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sfn_deadline_monitor.alerts.bus import SOURCE


@dataclass(frozen=True)
class AlertBus:
    """A bus, and the queue its rule on the module's alert events delivers to."""

    arn: str
    queue_url: str
    sqs: Any

    @classmethod
    def create(cls, client: Callable[[str], Any], name: str = "incidents") -> AlertBus:
        events, sqs = client("events"), client("sqs")
        arn = events.create_event_bus(Name=name)["EventBusArn"]
        queue_url = sqs.create_queue(QueueName=f"{name}-events")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
        events.put_rule(
            Name=f"{name}-alerts",
            EventBusName=name,
            EventPattern=json.dumps({"source": [SOURCE]}),
        )
        events.put_targets(
            Rule=f"{name}-alerts",
            EventBusName=name,
            Targets=[{"Id": "queue", "Arn": queue_arn["Attributes"]["QueueArn"]}],
        )
        return cls(arn, queue_url, sqs)

    def events(self) -> list[dict[str, Any]]:
        """Every event delivered since the last read, in the order they were put.

        moto leaves out ``account``, which EventBridge sets on every event it delivers
        (docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html): it is taken
        from the bus's ARN, so that the events are judged as AWS delivers them.
        """
        account = self.arn.split(":")[4]
        taken = []
        while batch := self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10
        ).get("Messages", []):
            for message in batch:
                taken.append({"account": account, **json.loads(message["Body"])})
                self.sqs.delete_message(
                    QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
        return taken
