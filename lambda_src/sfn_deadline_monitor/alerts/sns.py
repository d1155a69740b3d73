"""Publishing an alert to its SNS topic."""

from __future__ import annotations

from .. import aws
from .message import Alert


def publish(topic_arn: str, alert: Alert) -> str:
    """Publish an alert; its status and monitor become attributes subscribers filter on."""
    response = aws.client("sns", region=aws.region_of(topic_arn)).publish(
        TopicArn=topic_arn,
        Subject=alert.subject,
        Message=alert.body,
        MessageAttributes={
            key: {"DataType": "String", "StringValue": value}
            for key, value in alert.attributes.items()
        },
    )
    return str(response["MessageId"])
