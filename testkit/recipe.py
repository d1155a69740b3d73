"""How a root module of the user's own reaches the emulator: the provider block with an
endpoint for every service the module calls, and the same as environment variables."""

from __future__ import annotations

from testkit.moto_server import DEFAULT_REGION, aws_environment

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
