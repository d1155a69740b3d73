"""Lambda entry point (the function's handler setting): the invocation's one reading of
the clock, then ``invocation.invoke``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .invocation import invoke


def lambda_handler(event: Any, context: Any = None) -> dict[str, Any]:
    """Check one monitor (or report one failure event, or audit) and publish what it found."""
    return invoke(event, context, datetime.now(UTC))
