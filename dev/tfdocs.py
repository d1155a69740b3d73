"""Generate the inputs and outputs tables of the module's docs from its .tf files.

terraform-docs is not installable everywhere this project is developed, so this writes
the same kind of tables between the ``<!-- BEGIN_TF_DOCS -->`` and ``<!-- END_TF_DOCS -->``
markers, and ``--check`` fails when a file has drifted from variables.tf or outputs.tf:

- README.md: compact tables (name, the description's first sentence, default) and a link
  to docs/inputs.md;
- docs/inputs.md: the root module's full tables (name, description, type, default,
  required); its validation messages are written by dev/validation_doc.py;
- {modules,examples}/*/README.md: full tables and each validation rule's message.

    python -m dev.tfdocs                 # rewrite them
    python -m dev.tfdocs --check         # exit 1 if any of them is stale
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path
from typing import Any

import hcl2

from dev import generated
from testkit.paths import ROOT

BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"


INPUTS_DOC = ROOT / "docs" / "inputs.md"
# A sentence ends at . ! or ? before white space or the end, not inside "e.g." or "i.e.".
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)[.!?](?=\s|$)")


def module_dirs() -> list[Path]:
    """The root module, each submodule and each example: all keep their tables in README.md."""
    return [
        ROOT,
        *sorted(p.parent for p in (ROOT / "modules").glob("*/main.tf")),
        *sorted(p.parent for p in (ROOT / "examples").glob("*/main.tf")),
    ]


def targets() -> list[tuple[Path, str]]:
    """Every file with tables, and the tables it holds: the root README's compact ones,
    docs/inputs.md's full ones, the submodules' and examples' full ones in their READMEs."""
    root, *others = module_dirs()
    return [
        (root / "README.md", render_compact(root)),
        (INPUTS_DOC, render(root, validations=False)),
        *((directory / "README.md", render(directory)) for directory in others),
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


def first_sentence(text: str) -> str:
    """The description's first sentence, on one line."""
    flat = " ".join(text.split())
    end = _SENTENCE_END.search(flat)
    return flat if end is None else flat[: end.end()]


def render_compact(directory: Path) -> str:
    """The root README's tables: each input's and output's first sentence, each input's
    default, and where the rest is."""
    variables, outputs = _blocks(directory, "variable"), _blocks(directory, "output")
    lines = [
        BEGIN,
        "## Inputs",
        "",
        "Each input's full description, type and validation messages: "
        "[docs/inputs.md](docs/inputs.md).",
        "",
        "| Name | Description | Default |",
        "|------|-------------|---------|",
    ]
    for name, body in variables.items():
        default = _cell(_default(body)) if "default" in body else "required"
        lines.append(
            f"| `{name}` | {_cell(first_sentence(_text(body.get('description', ''))))} "
            f"| {default} |"
        )
    lines += ["", "## Outputs", "", "| Name | Description |", "|------|-------------|"]
    for name, body in outputs.items():
        lines.append(f"| `{name}` | {_cell(first_sentence(_text(body.get('description', ''))))} |")
    lines.append(END)
    return "\n".join(lines)


def render(directory: Path, *, validations: bool = True) -> str:
    """The full inputs and outputs tables of the module in ``directory``, and each
    validation rule's message unless ``validations`` is False."""
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
    rules = _validations(variables) if validations else []
    if rules:
        lines += [
            "",
            "## Input validation",
            "",
            "Every rule runs at `terraform plan`; this is the message each one gives.",
            "",
            "| Input | Message when the value is not accepted |",
            "|-------|------|",
            *rules,
        ]
    lines.append(END)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = generated.parser(__doc__.split("\n\n")[0]).parse_args(argv)
    fresh = {path: generated.between(path, BEGIN, END, tables)[1] for path, tables in targets()}
    return generated.publish(fresh, check=args.check, command="make docs")


if __name__ == "__main__":
    sys.exit(main())
