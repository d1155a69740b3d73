"""The report in the format asked for: the one entry point the ``report`` command calls.
Every format ends with one newline, so that the command writes it as it is."""

from __future__ import annotations

from collections.abc import Callable

from .figures import Report
from .html_page import render_html
from .markdown import render_markdown
from .tables import render_csv, render_json
from .text import render_text

_RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "json": render_json,
    "csv": render_csv,
    "markdown": render_markdown,
    "html": render_html,
}
FORMATS = tuple(_RENDERERS)


def render(report: Report, fmt: str) -> str:
    """``report`` in ``fmt``, one of FORMATS; ValueError for another."""
    if fmt not in _RENDERERS:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return _RENDERERS[fmt](report)
