"""`make bench`: one run of every benchmark, in the page's order, and the page written
from it; the package's docstring says what each measures and why.

The run's own time is on the page too, so that whoever reruns it knows what it costs.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from typing import Any

import benchmarks
from benchmarks.check_cost import check_cost
from benchmarks.cold_start import import_times
from benchmarks.render import duration, render
from benchmarks.terraform_times import provider_versions, terraform_costs
from benchmarks.tree import OUTPUT, environment, snapshot
from testkit.paths import ROOT


def _sizes(text: str) -> list[int]:
    return [int(n) for n in text.split(",") if n]


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    parser = argparse.ArgumentParser(description=benchmarks.__doc__.split("\n\n")[0])
    parser.add_argument("--executions", default="1,100,1000", help="window sizes to check")
    parser.add_argument("--sizes", default="1,10,100,1000", help="monitor counts to apply")
    parser.add_argument(
        "--seed-sizes", default="1,10,100", help="monitor counts of the seed layout ('' for none)"
    )
    args = parser.parse_args(argv)
    given = sys.argv[1:] if argv is None else argv
    command = "make bench" + (f' ARGS="{shlex.join(given)}"' if given else "")
    run: dict[str, Any] = {"command": command, "environment": environment()}
    snapshot()
    print("check cost ...", flush=True)
    # A daily monitor's month is priced from the one-run window: always measure it.
    run["checks"] = check_cost(sorted({1, *_sizes(args.executions)}))
    print("import times ...", flush=True)
    run["imports"] = import_times()
    print("terraform ...", flush=True)
    run["module"] = terraform_costs(_sizes(args.sizes), "module")
    run["seed"] = terraform_costs(_sizes(args.seed_sizes), "seed-layout")
    run["provider"] = provider_versions(run["module"] + run["seed"])
    run["seconds"] = time.perf_counter() - started
    OUTPUT.write_text(render(run))
    print(f"wrote {OUTPUT.relative_to(ROOT)} in {duration(run['seconds'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
