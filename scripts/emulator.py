"""Serve emulated AWS for your own root module, and print how to point Terraform at it.

`make emulator [PORT=4566]` runs this: the project's moto launcher (testkit/moto_server.py,
which makes moto answer as AWS where the module relies on it) on 127.0.0.1, then the
provider block with an endpoint for every service the module and a root module around it
use, and the same as environment variables for the CLI. Ctrl-C stops it; what was
applied is gone with it.
"""

from __future__ import annotations

import argparse
import sys

from testkit.moto_server import DEFAULT_HOST, DEFAULT_REGION, serve
from testkit.recipe import instructions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=4566, help="TCP port on 127.0.0.1")
    parser.add_argument("--region", default=DEFAULT_REGION)
    args = parser.parse_args(argv)
    return serve(DEFAULT_HOST, args.port, lambda endpoint: instructions(endpoint, args.region))


if __name__ == "__main__":
    sys.exit(main())
