"""Build the Lambda deployment zip from lambda_src/ byte for byte reproducibly.

The zip is committed and read by the Terraform module, so a plan never needs Python, the
archive provider or a build step, and never shows a diff for an unchanged function.
Entries are sorted, timestamps and modes fixed, and stored uncompressed: deflate output
can differ between zlib builds, stored bytes cannot, so the sha256 is the same on any
machine.

    python -m dev.build_lambda_zip           # write dist/lambda.zip
    python -m dev.build_lambda_zip --check   # exit 1 if dist/lambda.zip is stale
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import zipfile
from pathlib import Path

from testkit.paths import ROOT, ZIP_PATH

SOURCE = ROOT / "lambda_src"
# The earliest time a zip entry can carry; any fixed value would do.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644


def source_files(source: Path = SOURCE) -> list[Path]:
    """The Python modules that make up the function: no caches, no tests."""
    return sorted(
        path
        for path in source.rglob("*.py")
        if "__pycache__" not in path.parts and not path.name.startswith("test_")
    )


def build(source: Path = SOURCE) -> bytes:
    """The zip's bytes, which depend only on the files' relative paths and contents."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for path in source_files(source):
            info = zipfile.ZipInfo(path.relative_to(source).as_posix(), date_time=FIXED_TIME)
            info.external_attr = FILE_MODE << 16
            info.create_system = 3  # Unix, so the mode above is honoured on any build host
            archive.writestr(info, path.read_bytes().replace(b"\r\n", b"\n"))
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the zip is stale")
    args = parser.parse_args(argv)
    fresh = build()
    digest = hashlib.sha256(fresh).hexdigest()
    if args.check:
        current = ZIP_PATH.read_bytes() if ZIP_PATH.exists() else b""
        if current != fresh:
            print(
                f"{ZIP_PATH.relative_to(ROOT)} is stale: run `make zip` and commit it",
                file=sys.stderr,
            )
            return 1
        print(f"{ZIP_PATH.relative_to(ROOT)} is up to date (sha256 {digest})")
        return 0
    ZIP_PATH.parent.mkdir(parents=True, exist_ok=True)
    ZIP_PATH.write_bytes(fresh)
    print(f"wrote {ZIP_PATH.relative_to(ROOT)}: {len(fresh)} bytes, sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
