"""A deployed module as the commands find it: its state table and the registry in it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .registry import Registry

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@dataclass(frozen=True)
class Deployment:
    """A deployed module as its registry describes it, and where that was read."""

    table: str
    dynamodb: DynamoDBClient
    registry: Registry
