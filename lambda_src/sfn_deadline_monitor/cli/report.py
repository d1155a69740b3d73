"""``report``: how often each monitor's job made its deadline, from the deadline history.

Every deadline check keeps what its deadline came to in the state table
(state/outcomes.py); this command reads a period of it and renders the attainment, the
counts by outcome, the runs' durations, the tightest margins and the worst days, per
monitor and for the deployment (report/). Exit status: 0 the report was written, 2 bad
arguments, 3 the table could not be read.

Calls: the registry's 2 BatchGetItem calls (cli/common.py), then one Query of the
``outcomes`` index per monitor and 1 MB of its outcomes (one for 90 days of a daily
job): 1,002 calls for 1,000 daily monitors (benchmarks/report_reads.py measures them).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta

from botocore.exceptions import BotoCoreError, ClientError

from ..attainment.figures import build_report
from ..attainment.render import FORMATS, render
from ..state.outcomes import Outcome, read_outcomes
from .common import EXIT_OK, EXIT_USAGE, CommandError, add_module_flags, open_deployment

DEFAULT_DAYS = 30
# The module keeps 400 days unless told otherwise (history_retention_days); a longer
# period is allowed for a longer retention.
MAX_DAYS = 3660


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "report",
        help="how often each monitor's job made its deadline: attainment, durations, margins",
        description="Exit status: 0 the report was written, 2 bad arguments, 3 the state "
        "table could not be read.",
    )
    add_module_flags(parser)
    parser.add_argument(
        "--days",
        type=int,
        default=DEFAULT_DAYS,
        help=f"the period, up to now (default {DEFAULT_DAYS})",
    )
    parser.add_argument(
        "--monitor",
        action="append",
        metavar="M",
        help="a monitor to report (repeat for more); default: every monitor of the module",
    )
    parser.add_argument("--format", default="text", choices=FORMATS)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the report of the last ``--days`` days, up to now."""
    if not 1 <= args.days <= MAX_DAYS:
        raise CommandError(f"--days must be 1 to {MAX_DAYS}, not {args.days}", EXIT_USAGE)
    deployment = open_deployment(args)
    monitors = args.monitor or sorted(deployment.registry.monitors)
    end = datetime.now(UTC)
    start = end - timedelta(days=args.days)
    outcomes: dict[str, tuple[Outcome, ...]] = {}
    unreadable = 0
    try:
        for monitor in monitors:
            read = read_outcomes(deployment.dynamodb, deployment.table, monitor, start, end)
            outcomes[monitor] = read.outcomes
            unreadable += read.unreadable
    except (ClientError, BotoCoreError) as error:
        # A table from before the history has no outcomes index: DynamoDB refuses the Query
        # (ValidationException; moto says ResourceNotFoundException), naming the index.
        hint = (
            " (apply this release of the module: it adds the table's outcomes index)"
            if isinstance(error, ClientError) and "index" in str(error).lower()
            else ""
        )
        message = f"could not read the history in {deployment.table}: {error}{hint}"
        raise CommandError(message) from error
    if unreadable:
        # Written by a later release: left out, and said so, never silently.
        sys.stderr.write(
            f"note: {unreadable} outcomes could not be read by this release and are left out\n"
        )
    name = deployment.registry.manifest.name
    sys.stdout.write(render(build_report(name, outcomes, start, end), args.format))
    return EXIT_OK
