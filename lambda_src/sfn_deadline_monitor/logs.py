"""Structured logs: one JSON object a line, for Logs Insights and for EMF metrics."""

from __future__ import annotations

import json
import sys
from typing import Any


def log(event: str, **fields: Any) -> None:
    """Write one JSON line; ``event`` says what kind of line it is."""
    sys.stdout.write(json.dumps({"event": event, **fields}, default=str) + "\n")
    sys.stdout.flush()
