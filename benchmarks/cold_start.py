"""Cold start: importing the handler next to ``import boto3`` alone.

A cold start is mostly imports, and the handler's are mostly boto3's, which the Lambda
runtime brings; measuring both shows what the module's own code adds. Each import runs
in a fresh interpreter from the copy of the tree (TREE), as a new Lambda environment does.
"""

from __future__ import annotations

import statistics
import subprocess
import sys

from benchmarks.tree import TREE

IMPORT_REPEATS = 7


def import_times() -> dict[str, float]:
    """Median cumulative import time, in fresh interpreters, as ``-X importtime`` reports."""

    def measure_import(module: str) -> float:
        samples = []
        for _ in range(IMPORT_REPEATS):
            run = subprocess.run(
                [sys.executable, "-X", "importtime", "-c", f"import {module}"],
                cwd=TREE / "lambda_src",
                capture_output=True,
                text=True,
                check=True,
            )
            line = next(
                line for line in run.stderr.splitlines() if line.rstrip().endswith(f"| {module}")
            )
            samples.append(int(line.split("|")[1]) / 1e6)
        return statistics.median(samples) * 1000

    return {
        "boto3": measure_import("boto3"),
        "handler": measure_import("sfn_deadline_monitor.handler"),
    }
