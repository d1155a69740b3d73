"""``python -m sfn_deadline_monitor <command>``: the parser and the dispatch, one module per
command (cli.check, cli.status, doctor.command, cli.replay, cli.report; cli.pause holds both
pause and resume), so each command reads on its own. Imported by nothing in the package:
the commands' entry point, as handler.py is the Lambda's.

    check   judge one state machine's runs before a deadline (docs/commands.md)
    status  every monitor of a deployed module: last status, checks, next deadline, problems
    doctor  verify what the emulator cannot enforce and AWS does not report
    replay  run again the checks waiting in the check-failures queue, once the cause is fixed
    report  how often each monitor's job made its deadline: attainment, durations, margins
    pause   hold a monitor's alerts until a time, for a reason (at most 30 days)
    resume  end a monitor's pause now; an alert it held goes out with the next audit
"""

from __future__ import annotations

import argparse
import sys

from .cli import check as cli_check
from .cli import pause, replay, report, status
from .cli.common import CommandError
from .doctor import command as doctor


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sfn_deadline_monitor",
        description="Check that Step Functions state machines' runs succeed by their deadlines.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for command in (cli_check, status, doctor, replay, report, pause):
        command.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command ``argv`` names; its exit status (argparse exits 2 itself on bad flags)."""
    args = _parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except CommandError as error:
        sys.stderr.write(f"error: {error}\n")
        return error.code
    return code


if __name__ == "__main__":
    sys.exit(main())
