"""An EventBridge input transformer rendered as AWS documents it, to check what a target
is handed (docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html):

- each ``<name>`` of the template takes the value its input path selects in the event;
- inside a JSON string (between quotes) the value is written as it is: a string without
  quotes, anything else as its JSON text;
- elsewhere a string is written between quotes, an object, a list or a number as JSON;
- a string is never escaped ("EventBridge doesn't escape values extracted by Input
  Path"): one holding a double quote makes the output unreadable, and the test fails;
- a path the event does not hold creates no variable ("that variable isn't created and
  won't appear in the output"): its placeholder would stay in the output, so here it
  raises, and a template that names a field the alert lacks fails its test.

moto's own renderer (moto.events.utils.EventTemplateParser) writes a string without
quotes in either place, which would turn ``"summary": <subject>`` into invalid JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

from jsonpath_ng.ext import parse  # type: ignore[attr-defined]

_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.-]+)>")


def select(event: dict[str, Any], path: str) -> Any:
    """The value an input path (a JSON path) selects in the event (a null is a value);
    KeyError when the event holds none."""
    found = parse(path).find(event)
    if not found:
        raise KeyError(f"the event holds no {path}")
    return found[0].value


def render(template: str, input_paths: dict[str, str], event: dict[str, Any]) -> Any:
    """What the target is handed: the template with its placeholders filled, parsed."""
    values = {name: select(event, path) for name, path in input_paths.items()}
    values["aws.events.event.json"] = event
    out: list[str] = []
    in_string = escaped = False
    position = 0
    while position < len(template):
        char = template[position]
        match = _PLACEHOLDER.match(template, position) if char == "<" else None
        if match and match.group(1) in values:
            value = values[match.group(1)]
            if isinstance(value, str):
                out.append(value if in_string else f'"{value}"')
            else:
                out.append(json.dumps(value, ensure_ascii=False))
            position = match.end()
            continue
        out.append(char)
        if in_string and escaped:
            escaped = False
        elif in_string and char == "\\":
            escaped = True
        elif char == '"':
            in_string = not in_string
        position += 1
    return json.loads("".join(out))
