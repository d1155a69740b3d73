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


class Clock:
    """Real time: waiting for the next retry sleeps."""

    def now(self) -> float:
        return time.monotonic()

    def pass_until(self, moment: float) -> None:
        time.sleep(max(0.0, moment - self.now()))


class StoppedClock(Clock):
    """Time that passes only while no check runs, by jumping to the next retry. Every
    attempt of a wave meets the bucket as it was when the wave began: the worst case for
    a burst, and the same on a fast machine as on a slow one (in real time, how much the
    bucket refills during a wave depends on how fast the machine runs the checks)."""

    def __init__(self) -> None:
        self.moment = 0.0

    def now(self) -> float:
        return self.moment

    def pass_until(self, moment: float) -> None:
        self.moment = max(self.moment, moment)


@dataclass
class TokenBucket:
    """ListExecutions' throttling as Step Functions applies it: a call takes a token, the
    bucket refills at a steady rate, and a call that finds it empty is throttled. A
    ``drained`` bucket starts empty, as when other callers in the account used it up."""

    size: int
    refill_per_second: float
    drained: bool = False
    clock: Clock = field(default_factory=Clock)
    tokens: float = 0.0
    updated: float = 0.0
    throttled: int = 0
    calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.tokens = 0.0 if self.drained else float(self.size)
        self.updated = self.clock.now()

    def take(self) -> bool:
        with self.lock:
            now = self.clock.now()
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
    clock: Clock,
) -> tuple[dict[str, dict[str, Any]], list[str], int]:
    """Run ``function`` on every event as Lambda runs asynchronous invocations:
    ``workers`` at once, and an event whose check fails run again after each of
    ``retry_delays`` on ``clock``.

    Returns the checks' results, the checks that failed every time, and the retries."""
    results: dict[str, dict[str, Any]] = {}
    lost: list[str] = []
    retries = 0
    due = [(0.0, name, 0) for name in events]  # (when, monitor, attempts so far)
    heapq.heapify(due)
    running: dict[Future[dict[str, Any]], tuple[str, int]] = {}
    started = clock.now()
    with ThreadPoolExecutor(workers) as pool:
        while (due or running) and clock.now() - started < TIME_LIMIT_SECONDS:
            if due and not running:
                clock.pass_until(started + due[0][0])
            while due and due[0][0] <= clock.now() - started and len(running) < workers:
                _, name, attempts = heapq.heappop(due)
                running[pool.submit(function, events[name])] = (name, attempts)
            pause = min(1.0, max(0.01, due[0][0] - (clock.now() - started))) if due else 1.0
            done, _ = wait(list(running), timeout=pause, return_when=FIRST_COMPLETED)
            for future in done:
                name, attempts = running.pop(future)
                try:
                    results[name] = future.result()
                except Exception:  # Lambda retries an invocation that raised, as here
                    if attempts < len(retry_delays):
                        retries += 1
                        when = clock.now() - started + retry_delays[attempts]
                        heapq.heappush(due, (when, name, attempts + 1))
                    else:
                        lost.append(name)
    lost += [name for _, name, _ in due] + [name for name, _ in running.values()]
    return results, lost, retries
