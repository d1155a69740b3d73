"""Generate the inputs and outputs tables of a module's README from its .tf files.

terraform-docs is not installable everywhere this project is developed, so this writes
the same kind of tables between the ``<!-- BEGIN_TF_DOCS -->`` and ``<!-- END_TF_DOCS -->``
markers, and ``--check`` fails when a README has drifted from variables.tf or outputs.tf.

    python dev/tfdocs.py                 # rewrite README.md, {modules,examples}/*/README.md
    python dev/tfdocs.py --check         # exit 1 if any of them is stale
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

import hcl2

ROOT = Path(__file__).resolve().parent.parent
BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"


def module_dirs() -> list[Path]:
    """The root module, each submodule and each example: all keep their tables in README.md."""
    return [
        ROOT,
        *sorted(p.parent for p in (ROOT / "modules").glob("*/main.tf")),
        *sorted(p.parent for p in (ROOT / "examples").glob("*/main.tf")),
    ]


def _blocks(directory: Path, kind: str) -> dict[str, dict[str, Any]]:
    blocks: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.tf")):
        with path.open() as handle:
            for block in hcl2.load(handle).get(kind, []):
                for name, body in block.items():
                    blocks[name.strip('"')] = body
    return dict(sorted(blocks.items()))


def _text(value: object) -> str:
    """A literal as written in HCL, without python-hcl2's quoting and heredoc markers."""
    text = str(value)
    if text.startswith('"') and text.endswith('"'):
        text = text[1:-1]
    heredoc = re.match(r"^<<-?(\w+)\n(.*)\n\s*\1$", text, re.DOTALL)
    if heredoc:
        text = textwrap.dedent(heredoc.group(2)).strip()
    return text.replace('\\"', '"')


def _expression(value: object) -> str:
    text = str(value)
    return text[2:-1] if text.startswith("${") and text.endswith("}") else text


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _default(body: dict[str, Any]) -> str:
    if "default" not in body:
        return "n/a"
    value = body["default"]
    if value is None:
        return "`null`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f'`"{_text(value)}"`'
    if value in ({}, []):
        return f"`{'{}' if value == {} else '[]'}`"
    return f"`{value}`"


def _template(message: str) -> str:
    """A validation message with each ${...} interpolation shown as <...>."""
    out, index = [], 0
    while (start := message.find("${", index)) != -1:
        out.append(message[index:start])
        depth, position = 0, start + 1
        while True:
            depth += {"{": 1, "}": -1}.get(message[position], 0)
            position += 1
            if depth == 0:
                break
        expression = message[start + 2 : position - 1]
        out.append("<offending monitors>" if "var.monitors" in expression else "<value>")
        index = position
    out.append(message[index:])
    return "".join(out)


def _validations(variables: dict[str, dict[str, Any]]) -> list[str]:
    rows = []
    for name, body in variables.items():
        for rule in body.get("validation", []):
            rows.append(f"| `{name}` | {_cell(_template(_text(rule['error_message'])))} |")
    return rows


def render(directory: Path) -> str:
    """The inputs and outputs tables of the module in ``directory``."""
    lines = [BEGIN, "## Inputs", ""]
    variables = _blocks(directory, "variable")
    if variables:
        lines += [
            "| Name | Description | Type | Default | Required |",
            "|------|-------------|------|---------|:--------:|",
        ]
        for name, body in variables.items():
            lines.append(
                f'| <a name="input_{name}"></a> [{name}](#input_{name}) '
                f"| {_cell(_text(body.get('description', '')))} "
                f"| `{_cell(_expression(body.get('type', 'any')))}` "
                f"| {_cell(_default(body))} "
                f"| {'no' if 'default' in body else 'yes'} |"
            )
    else:
        lines.append("No inputs.")
    lines += ["", "## Outputs", ""]
    outputs = _blocks(directory, "output")
    if outputs:
        lines += ["| Name | Description |", "|------|-------------|"]
        for name, body in outputs.items():
            lines.append(
                f'| <a name="output_{name}"></a> [{name}](#output_{name}) '
                f"| {_cell(_text(body.get('description', '')))} |"
            )
    else:
        lines.append("No outputs.")
    validations = _validations(variables)
    if validations:
        lines += [
            "",
            "## Input validation",
            "",
            "Every rule runs at `terraform plan`; this is the message each one gives.",
            "",
            "| Input | Message when the value is not accepted |",
            "|-------|------|",
            *validations,
        ]
    lines.append(END)
    return "\n".join(lines)


def updated_readme(directory: Path) -> tuple[Path, str, str]:
    """The README's path, its current text, and its text with fresh tables."""
    readme = directory / "README.md"
    current = readme.read_text() if readme.exists() else ""
    if BEGIN not in current or END not in current:
        raise SystemExit(f"{readme.relative_to(ROOT)} lacks the {BEGIN} ... {END} markers")
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return readme, current, head + render(directory) + tail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if a README is stale")
    args = parser.parse_args(argv)
    stale = []
    for directory in module_dirs():
        readme, current, fresh = updated_readme(directory)
        if current == fresh:
            continue
        if args.check:
            stale.append(str(readme.relative_to(ROOT)))
        else:
            readme.write_text(fresh)
            print(f"updated {readme.relative_to(ROOT)}")
    if stale:
        print(
            f"stale inputs/outputs tables in {', '.join(stale)}: run `make docs`", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
