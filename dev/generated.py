"""The one way a generated file is written or checked, for every generator in dev/: a
block put between a file's markers, and ``publish``, which writes what changed or, with
``--check``, fails naming what is stale and the command that regenerates it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from testkit.paths import ROOT


def parser(description: str) -> argparse.ArgumentParser:
    """A generator's arguments: ``--check`` fails when a file it writes is stale."""
    arguments = argparse.ArgumentParser(description=description)
    arguments.add_argument("--check", action="store_true", help="fail if a file is stale")
    return arguments


def between(path: Path, begin: str, end: str, block: str) -> tuple[str, str]:
    """``path``'s text, and its text with ``block`` (markers included) in place of what
    lies between ``begin`` and ``end``."""
    current = path.read_text() if path.exists() else ""
    return current, replaced(current, begin, end, block, path.relative_to(ROOT))


def replaced(text: str, begin: str, end: str, block: str, name: object) -> str:
    """``text`` (of file ``name``) with ``block`` (markers included) in place of what lies
    between ``begin`` and ``end``."""
    if begin not in text or end not in text:
        raise SystemExit(f"{name} lacks the {begin} ... {end} markers")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return head + block + tail


def publish(files: Mapping[Path, str], *, check: bool, command: str) -> int:
    """Write each file whose text differs from its fresh text; with ``check``, write
    nothing and return 1 when one differs. The exit status of the generator."""
    stale = {path: fresh for path, fresh in files.items() if _text(path) != fresh}
    names = ", ".join(str(path.relative_to(ROOT)) for path in stale)
    if check:
        if stale:
            print(f"stale: {names}: run `{command}`", file=sys.stderr)
            return 1
        return 0
    for path, fresh in stale.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(fresh)
        print(f"updated {path.relative_to(ROOT)}")
    return 0


def _text(path: Path) -> str | None:
    return path.read_text() if path.exists() else None
