"""Serve emulated AWS for your own root module, and print how to point Terraform at it.

`make emulator [PORT=4566]` runs this: the project's moto launcher (scripts/moto_server.py,
which makes moto answer as AWS where the module relies on it) on 127.0.0.1, then the
provider block with an endpoint for every service the module and a root module around it
use, and the same as environment variables for the CLI. Ctrl-C stops it; what was
applied is gone with it.
"""

from __future__ import annotations

import argparse
import sys

from scripts.moto_server import DEFAULT_HOST, DEFAULT_REGION, aws_environment, serve

# The provider's endpoint names for every service the module calls (tests/
# test_emulator_recipe.py holds this equal to the module's resource types), and sfn for
# the state machines a root module around it watches.
ENDPOINT_SERVICES = (
    "cloudwatch",
    "dynamodb",
    "events",
    "iam",
    "kms",
    "lambda",
    "logs",
    "scheduler",
    "sfn",
    "sns",
    "sqs",
    "sts",
)


def provider_block(endpoint: str, region: str = DEFAULT_REGION) -> str:
    """An aws provider block that sends every call the module makes to ``endpoint``."""
    width = max(map(len, ENDPOINT_SERVICES))
    endpoints = "\n".join(f'    {service:<{width}} = "{endpoint}"' for service in ENDPOINT_SERVICES)
    return (
        'provider "aws" {\n'
        f'  region                      = "{region}"\n'
        '  access_key                  = "testing"\n'
        '  secret_key                  = "testing"\n'
        "  skip_credentials_validation = true\n"
        "  skip_metadata_api_check     = true\n"
        "\n"
        "  endpoints {\n"
        f"{endpoints}\n"
        "  }\n"
        "}\n"
    )


def instructions(endpoint: str, region: str = DEFAULT_REGION) -> str:
    return (
        f"ready {endpoint}\n\n"
        "# In your root module, for as long as this runs (state machines created in it\n"
        "# are run by moto, so their executions are real):\n"
        f"{provider_block(endpoint, region)}\n"
        "# For the CLI and boto3 (python -m sfn_deadline_monitor ...):\n"
        "export "
        + " ".join(f"{name}={value}" for name, value in aws_environment(endpoint, region).items())
        + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=4566, help="TCP port on 127.0.0.1")
    parser.add_argument("--region", default=DEFAULT_REGION)
    args = parser.parse_args(argv)
    return serve(DEFAULT_HOST, args.port, lambda endpoint: instructions(endpoint, args.region))


if __name__ == "__main__":
    sys.exit(main())
