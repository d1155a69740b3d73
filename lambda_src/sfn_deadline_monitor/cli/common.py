"""What the commands share: their exit statuses, and how ``status`` and ``doctor`` find a
deployed module from its name alone.

The name leads to the state table (main.tf names it ``<name>-sfn-deadline-state``), whose
registry (registry.tf) names every other resource: nothing else has to be typed, and
nothing is guessed from naming conventions that a variable could change.
"""

from __future__ import annotations

import argparse
import os

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from .. import aws
from ..errors import error_code
from ..state.deployment import Deployment
from ..state.registry import RegistryError, load

# Exit statuses, the same for every command (docs/commands.md).
EXIT_OK = 0
EXIT_NOT_OK = 1  # check: FAILED, LATE or MISSING; status: needs attention; doctor: a FAIL
EXIT_USAGE = 2  # bad arguments (argparse uses 2 as well)
EXIT_ERROR = 3  # the command could not do its work: AWS unreadable, no registry

STATE_TABLE_SUFFIX = "-sfn-deadline-state"  # main.tf, local.names.state_table


class CommandError(Exception):
    """The command cannot go on: the message says why, ``code`` is its exit status."""

    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


def add_module_flags(parser: argparse.ArgumentParser) -> None:
    """The flags that find a deployed module: its name, or its state table."""
    parser.add_argument("--name", help="the module's name input (finds <name>-sfn-deadline-state)")
    parser.add_argument(
        "--table", help="the module's state table, if not <name>-sfn-deadline-state"
    )
    parser.add_argument("--region", help="the module's region; default: your AWS configuration's")


def state_table(name: str | None, table: str | None) -> str:
    """The state table that ``--name`` or ``--table`` names; ``--table`` wins."""
    if table:
        return table
    if name:
        return f"{name}{STATE_TABLE_SUFFIX}"
    raise CommandError("give the module's --name (or its state --table)", EXIT_USAGE)


def table_region(flag: str | None) -> str:
    """Where the module's state table is: --region, else the AWS configuration's region
    (AWS_DEFAULT_REGION or a profile's), else AWS_REGION, which botocore does not read but
    Lambda and the emulator's exports set. The registry in the table names every other
    resource's region."""
    region = flag or boto3.session.Session().region_name or os.environ.get("AWS_REGION")
    if not region:
        raise CommandError(
            "no region: give --region, the module's region (its status_command output "
            "names it), or set AWS_DEFAULT_REGION",
            EXIT_USAGE,
        )
    return region


def open_deployment(args: argparse.Namespace) -> Deployment:
    """Read the registry the module wrote to its state table (1 or 2 BatchGetItem calls up
    to 10,000 monitors); every failure to do so is a CommandError that says what to check."""
    table = state_table(args.name, args.table)
    region = table_region(args.region)
    aws.reset_clients()
    try:
        dynamodb = aws.client("dynamodb", region=region)
        registry = load(dynamodb, table)
    except RegistryError as error:
        raise CommandError(str(error)) from error
    except ClientError as error:
        if error_code(error) == "ResourceNotFoundException":
            raise CommandError(
                f"no table {table} in {region}: is --name the module's name input, and "
                "--region its region? (or was it applied with create_state_table = false?)"
            ) from error
        raise CommandError(f"could not read {table} in {region}: {error}") from error
    except BotoCoreError as error:
        raise CommandError(f"could not reach DynamoDB: {error}") from error
    except RuntimeError as error:  # DynamoDB kept leaving keys unprocessed
        raise CommandError(f"could not read {table}: {error}") from error
    return Deployment(table, dynamodb, registry)
