"""README's Usage, pasted into a root module of one's own and applied as the README's
"Try it in your own root module" says: with the provider block `make emulator` prints and
nothing else pointing at the emulator. Then the CLI, run from the module's checkout as a
consumer runs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from testkit.paths import ROOT
from testkit.recipe import provider_block
from testkit.terraform import terraform

# Only what any shell has: the recipe's provider block must point Terraform at the
# emulator by itself.
AWS_SETTINGS = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION")


def usage() -> str:
    """The first HCL block of README's Usage section, as a reader copies it."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("\n## Usage\n") :]
    return re.search(r"```hcl\n(.*?)```", section, re.S)[1]  # type: ignore[index]


@pytest.fixture
def own_root(tmp_path: Path, aws: Any, moto_endpoint: str) -> Path:
    """A root module beside a checkout of this repository, as Usage's source expects, in a
    clean environment; the state machine it watches exists already."""
    (tmp_path / "terraform-aws-sfn-deadline-monitor").symlink_to(ROOT)
    root = tmp_path / "root"
    root.mkdir()
    (root / "main.tf").write_text(provider_block(moto_endpoint) + "\n" + usage())
    role = aws("iam").create_role(RoleName="nightly-etl-recipe", AssumeRolePolicyDocument="{}")
    aws("stepfunctions").create_state_machine(
        name="nightly-etl",
        roleArn=role["Role"]["Arn"],
        definition='{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}',
    )
    return root


def run(
    args: list[str], *, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> str:
    """A command run as the reader runs it: its output; the test fails if it fails."""
    result = subprocess.run(
        args, input=stdin, cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def console(root: Path, expression: str) -> str:
    """What `terraform console` prints for ``expression`` in ``root``."""
    return run(["terraform", "console", "-no-color"], cwd=root, stdin=f"{expression}\n").strip()


def test_usage_applies_as_pasted_with_the_recipe(own_root: Path, moto_endpoint: str) -> None:
    clean = {key: value for key, value in os.environ.items() if key not in AWS_SETTINGS}
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(clean)
    try:
        terraform(own_root, "init")
        terraform(own_root, "apply", "-auto-approve")
        terraform(own_root, "plan", "-detailed-exitcode")  # raises on any change
        # `terraform console` reads every local of the module: it refused one whose
        # conditional had two result types (alarms.tf), where plan let it pass.
        assert '"monitor_settings",' in console(own_root, "keys(module.sfn_deadlines)")
        # The module's status_command, run as printed from the root module's directory, with
        # the exports `make emulator` prints, by a shell whose `python` has boto3 (this one's).
        emulator = {
            **clean,
            "AWS_ENDPOINT_URL": moto_endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1",
        }
        command = json.loads(console(own_root, "module.sfn_deadlines.status_command"))
        assert command.startswith("PYTHONPATH=") and "/dist/lambda.zip python -m" in command
        path = f"{Path(sys.executable).parent}:{clean['PATH']}"
        status = run(["bash", "-c", command], cwd=own_root, env={**emulator, "PATH": path})
        assert "nightly-etl" in status
        # Fire the deployed deadline check as `make fire` does: its state machine never ran.
        fired = run(
            [
                *(sys.executable, "-m", "scripts.fire", "--name", "nightly-jobs"),
                *("--monitor", "nightly-etl", "--at", "2099-01-05T17:00:00Z"),
            ],
            cwd=ROOT,
            env={**emulator, "PYTHONPATH": f"{ROOT / 'lambda_src'}:{ROOT}"},
        )
        assert "Subject: [MISSING] nightly-etl: no run started in the 3h before" in fired
        terraform(own_root, "destroy", "-auto-approve")
    finally:
        os.environ.clear()
        os.environ.update(saved)
