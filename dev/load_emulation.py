"""What AWS does under a burst of checks that moto does not, for dev/load_test.py:
Step Functions throttling ListExecutions with a token bucket, and Lambda running
asynchronous invocations a limited number at a time and retrying one that failed.

Kept apart from the load test's scenarios and verdicts so that what is emulated, and
how faithfully, can be read on its own.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.stepfunctions.responses import StepFunctionResponse

# The whole burst's bound: checks still due or running then count as lost.
TIME_LIMIT_SECONDS = 900


@dataclass
class TokenBucket:
    """ListExecutions' throttling as Step Functions applies it: a call takes a token, the
    bucket refills at a steady rate, and a call that finds it empty is throttled."""

    size: int
    refill_per_second: float
    tokens: float = 0.0
    updated: float = field(default_factory=time.monotonic)
    throttled: int = 0
    calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.tokens = float(self.size)

    def take(self) -> bool:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(
                self.size, self.tokens + (now - self.updated) * self.refill_per_second
            )
            self.updated = now
            self.calls += 1
            if self.tokens >= 1:
                self.tokens -= 1
                return True
            self.throttled += 1
            return False

    def install(self) -> None:
        original = StepFunctionResponse.list_executions
        bucket = self

        def list_executions(response: StepFunctionResponse) -> Any:
            if not bucket.take():
                raise JsonRESTError("ThrottlingException", "Rate exceeded")
            return original(response)

        StepFunctionResponse.list_executions = list_executions  # type: ignore[method-assign,assignment]


def invoke_as_lambda(
    function: Callable[[dict[str, Any]], dict[str, Any]],
    events: dict[str, dict[str, Any]],
    workers: int,
    retry_delays: tuple[float, ...],
) -> tuple[dict[str, dict[str, Any]], list[str], int]:
    """Run ``function`` on every event as Lambda runs asynchronous invocations:
    ``workers`` at once, and an event whose check fails run again after each of
    ``retry_delays``.

    Returns the checks' results, the checks that failed every time, and the retries."""
    results: dict[str, dict[str, Any]] = {}
    lost: list[str] = []
    retries = 0
    due = [(0.0, name, 0) for name in events]  # (when, monitor, attempts so far)
    heapq.heapify(due)
    running: dict[Future[dict[str, Any]], tuple[str, int]] = {}
    limit = time.monotonic() + TIME_LIMIT_SECONDS
    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        while (due or running) and time.monotonic() < limit:
            while due and due[0][0] <= time.monotonic() - started and len(running) < workers:
                _, name, attempts = heapq.heappop(due)
                running[pool.submit(function, events[name])] = (name, attempts)
            pause = min(1.0, max(0.01, due[0][0] - (time.monotonic() - started))) if due else 1.0
            done, _ = wait(list(running), timeout=pause, return_when=FIRST_COMPLETED)
            for future in done:
                name, attempts = running.pop(future)
                try:
                    results[name] = future.result()
                except Exception:  # Lambda retries an invocation that raised, as here
                    if attempts < len(retry_delays):
                        retries += 1
                        when = time.monotonic() - started + retry_delays[attempts]
                        heapq.heappush(due, (when, name, attempts + 1))
                    else:
                        lost.append(name)
    lost += [name for _, name, _ in due] + [name for name, _ in running.values()]
    return results, lost, retries
