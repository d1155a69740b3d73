"""Run Terraform non-interactively: the one wrapper the demo, benchmarks and upgrade
check share."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

# Commands that would otherwise prompt for missing input.
_PROMPTING = {"init", "plan", "apply", "destroy"}


class TerraformError(RuntimeError):
    """A terraform command failed; the message carries its output."""


def terraform(directory: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run ``terraform -chdir=directory ARGS`` and return its standard output.

    ``plan -detailed-exitcode`` exits 2 when there are changes, which raises too: every
    caller here asks it to prove that there are none.
    """
    flags = ["-input=false", "-no-color"] if args[0] in _PROMPTING else ["-no-color"]
    result = subprocess.run(
        ["terraform", f"-chdir={directory}", *args, *flags],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if result.returncode != 0:
        output = result.stderr or result.stdout
        raise TerraformError(
            f"terraform {args[0]} in {directory} exited {result.returncode}:\n{output}"
        )
    return result.stdout
