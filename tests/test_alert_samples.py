"""docs/alerts.md's sample alerts are what the checks really send today: dev/alert_samples.py
runs them again against emulated AWS and compares (a few seconds)."""

from __future__ import annotations

import os
import subprocess
import sys

from testkit.paths import ROOT


def test_the_sample_alerts_in_the_docs_are_current() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "dev.alert_samples", "--check"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "lambda_src"), str(ROOT)])},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
