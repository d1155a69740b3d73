"""The module's state table as state.tf defines it (one string hash key, ``pk``, billed on
demand, and the ``outcomes`` index of the deadline history): the one definition every
test, sample and benchmark creates it from."""

from __future__ import annotations

from typing import Any


def create_state_table(dynamodb: Any, name: str) -> None:
    """Create the state table ``name`` with ``dynamodb``, a boto3 DynamoDB client."""
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "outcome_of", "AttributeType": "S"},
            {"AttributeName": "deadline_at", "AttributeType": "N"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "outcomes",
                "KeySchema": [
                    {"AttributeName": "outcome_of", "KeyType": "HASH"},
                    {"AttributeName": "deadline_at", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
