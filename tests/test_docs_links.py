"""Every relative link in the project's pages (README, docs/, the examples' and modules'
READMEs) leads somewhere: the file exists, and the section it names is a heading (or an
explicit anchor) of that file, as GitHub renders them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from testkit.paths import ROOT

DOCS = sorted(
    page
    for pattern in ("*.md", "docs/*.md", "benchmarks/*.md", "examples/*/*.md", "modules/*/*.md")
    for page in ROOT.glob(pattern)
)
# [text](target): not images, not inside inline code.
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def anchors(page: Path) -> set[str]:
    """GitHub's anchors of a markdown page: its headings', numbered when repeated, and
    its explicit <a name="..."> anchors."""
    text = _FENCE.sub("", page.read_text())
    found: set[str] = set(re.findall(r'<a name="([^"]+)"', text))
    seen: dict[str, int] = {}
    for heading in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE):
        anchor = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        found.add(anchor if count == 0 else f"{anchor}-{count}")
    return found


def links(page: Path) -> list[str]:
    text = _FENCE.sub("", page.read_text())
    text = re.sub(r"`[^`\n]*`", "", text)
    return [target for target in _LINK.findall(text) if "://" not in target]


@pytest.mark.parametrize("page", DOCS, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for target in links(page):
        path, _, anchor = target.partition("#")
        destination = (page.parent / path).resolve() if path else page
        names_a_section = anchor and destination.suffix == ".md"
        if not destination.exists() or (names_a_section and anchor not in anchors(destination)):
            broken.append(target)
    assert broken == []
