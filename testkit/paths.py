"""Where the repository keeps what the test support reads: the one definition of the
committed Lambda zip's path, for the zip's builder and for firing a deployed check."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ZIP_PATH = ROOT / "dist" / "lambda.zip"
