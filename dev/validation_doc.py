"""Write docs/inputs.md's validation messages from a real plan of every rejected case.

tests/validation.tftest.hcl holds a run for every rule; testkit/mocked_plan.py plans all of
them at once with a mocked provider and collects the errors Terraform gives. This renders
those messages between the ``<!-- BEGIN_VALIDATION -->`` and ``<!-- END_VALIDATION -->``
markers; tests/test_validation_messages.py compares the doc with the messages of its own
plan, so the doc cannot drift from what Terraform says.

    python -m dev.validation_doc           # plan (about a minute), rewrite docs/inputs.md
    python -m dev.validation_doc --check   # exit 1 if it is stale
"""

from __future__ import annotations

import re
import sys

from dev import generated
from dev.tfdocs import INPUTS_DOC
from testkit.mocked_plan import (
    CASES,
    blocks,
    expected_failures,
    top_level_names,
    validation_failures,
    variables_block,
)

BEGIN = "<!-- BEGIN_VALIDATION -->"
END = "<!-- END_VALIDATION -->"
# What Terraform calls each kind of rule, and when it checks it.
KINDS = {
    "Invalid value for variable": "Checked on each input alone (Terraform: "
    '"Invalid value for variable")',
    "Resource precondition failed": "Checked across inputs before anything is created "
    '(Terraform: "Resource precondition failed")',
    "Resource postcondition failed": "Checked against what AWS answers at plan, such as "
    'which key an AWS managed alias names (Terraform: "Resource postcondition failed")',
}
# The test harness names each case's module call case-NNN; a real plan names yours.
_CASE_NAME = re.compile(r"\bcase-\d{3}: ")
# Where the rule lives: line numbers of a generated root module, noise to a reader.
_WHERE = re.compile(r"\n\nThis was checked by the validation rule at .*$", re.DOTALL)


def cases() -> dict[str, list[str]]:
    """Each case of tests/validation.tftest.hcl that expects a failure, with the inputs
    whose rule it breaks: those its expect_failures names, else (a precondition) those
    it sets, the module's name aside."""
    found = {}
    for run, body in blocks(CASES.read_text(), "run"):
        expected = expected_failures(body)
        if not expected:
            continue
        inputs = [name.removeprefix("var.") for name in expected if name.startswith("var.")]
        found[run] = inputs or sorted(top_level_names(variables_block(body)) - {"name"})
    return found


def _cell(text: str) -> str:
    """Markdown table cell text: < and > escaped, or GitHub drops <id> as a tag."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("|", "\\|").replace("\n", "<br>")


def render(failures: dict[str, list[str]]) -> str:
    """The validation section: every rejected case and the message its plan really gave."""
    rows: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for run, inputs in sorted(cases().items(), key=lambda item: (item[1], item[0])):
        for failure in failures.get(run, []):
            kind, message = failure.split(": ", 1)
            message = _CASE_NAME.sub("<name>: ", _WHERE.sub("", message)).strip()
            names = ", ".join(f"`{name}`" for name in inputs)
            rows[kind].append(f"| {names} | {run.replace('_', ' ')} | {_cell(message)} |")
    lines = [
        BEGIN,
        "## Input validation",
        "",
        "Every rule runs at `terraform plan`. Below, each case of "
        "[tests/validation.tftest.hcl](../tests/validation.tftest.hcl) and the message "
        "Terraform really gave for it, written by `python -m dev.validation_doc` from one "
        "plan of all of them; `<name>` stands for the module's `name` input.",
    ]
    for kind, title in KINDS.items():
        if rows[kind]:
            lines += ["", f"### {title}", "", "| Input | Case | Message |", "|---|---|---|"]
            lines += rows[kind]
    lines.append(END)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = generated.parser(__doc__.split("\n\n")[0]).parse_args(argv)
    _, fresh = generated.between(INPUTS_DOC, BEGIN, END, render(validation_failures()))
    return generated.publish({INPUTS_DOC: fresh}, check=args.check, command="make docs")


if __name__ == "__main__":
    sys.exit(main())
