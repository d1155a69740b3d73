"""Where a run works and what it ran on.

Terraform and the import times run from a copy of the tree taken when the run starts
(TREE), so that edits made to the working tree during a run, which takes about twenty
minutes, cannot mix into its figures; the page names the commit the copy was taken at,
whether the tree had changes, and the machine and tools, read when the run starts.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import boto3
import botocore
import moto

from testkit.paths import ROOT

OUTPUT = ROOT / "benchmarks" / "README.md"
WORK = ROOT / ".build" / "bench"
# The copy of the tree the run measures (above).
TREE = WORK / "tree"
# The emulated account's Region, for the checks and the applies alike.
REGION = "us-east-1"
# The module's name in benchmarks/roots/module: its resources' names start with it.
NAME = "bench"


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def snapshot() -> None:
    """Copy the tree as it is now (tracked and untracked files, not ignored ones) to TREE."""
    shutil.rmtree(TREE, ignore_errors=True)
    listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (TREE / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, TREE / name)


def environment() -> dict[str, str]:
    """What the figures were measured with, read when the run starts."""
    dirty = [
        line
        for line in _git("status", "--porcelain").splitlines()
        if line[3:] != str(OUTPUT.relative_to(ROOT))
    ]
    changes = f" + uncommitted changes in {len(dirty)} files" if dirty else ""
    version = json.loads(
        subprocess.run(
            ["terraform", "version", "-json"], capture_output=True, text=True, check=True
        ).stdout
    )
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    return {
        "commit": _git("rev-parse", "--short", "HEAD") + changes,
        "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
        + (f" ({cpu})" if cpu else ""),
        "python": platform.python_version(),
        "terraform": version["terraform_version"],
        "libraries": f"moto {moto.__version__}, boto3 {boto3.__version__}, "
        f"botocore {botocore.__version__}",
    }
