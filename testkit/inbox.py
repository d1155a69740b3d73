"""Reading notifications on the emulator: ``drain`` empties a queue that an SNS topic
delivers to; an ``Inbox`` is such a queue subscribed for as long as one reader needs it
(what was published meanwhile, nothing from before), for the tests of applied examples
and scripts/fire.py."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any


def drain(sqs: Any, queue_url: str, wait_seconds: int = 0) -> list[dict[str, Any]]:
    """Every notification in the queue, oldest first, each deleted once read. moto hands
    a notification to the queue within Publish, so an empty receive means none is left."""
    taken = []
    while batch := sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds
    ).get("Messages", []):
        for message in batch:
            taken.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return sorted(taken, key=lambda notification: str(notification["Timestamp"]))


class Inbox:
    """A queue of its own subscribed to ``topic_arn``; ``close()`` removes both."""

    def __init__(self, aws: Callable[[str], Any], topic_arn: str) -> None:
        self._sqs, self._sns = aws("sqs"), aws("sns")
        self.url = self._sqs.create_queue(QueueName=f"inbox-{uuid.uuid4().hex[:16]}")["QueueUrl"]
        queue_arn = self._sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])
        self._subscription = self._sns.subscribe(
            TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn["Attributes"]["QueueArn"]
        )["SubscriptionArn"]

    def take(self) -> list[dict[str, Any]]:
        """Every notification published since the last take, oldest first."""
        return drain(self._sqs, self.url)

    def close(self) -> None:
        self._sns.unsubscribe(SubscriptionArn=self._subscription)
        self._sqs.delete_queue(QueueUrl=self.url)
