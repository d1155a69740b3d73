"""The recipe for one's own root module on emulated AWS names an endpoint for every
service the module calls: a resource type of a service it lacks would reach real AWS, or
fail, from a user's root module."""

from __future__ import annotations

import re

from testkit.paths import ROOT
from testkit.recipe import ENDPOINT_SERVICES, provider_block

# Resource and data source types by prefix, longest first, and the provider endpoint
# that serves them (None: answered by the provider itself).
SERVICES = {
    "aws_cloudwatch_event_": "events",
    "aws_cloudwatch_log_": "logs",
    "aws_cloudwatch_": "cloudwatch",
    "aws_dynamodb_": "dynamodb",
    "aws_iam_": "iam",
    "aws_kms_": "kms",
    "aws_lambda_": "lambda",
    "aws_scheduler_": "scheduler",
    "aws_sns_": "sns",
    "aws_sqs_": "sqs",
    "aws_sfn_": "sfn",
    "aws_caller_identity": "sts",
    "aws_partition": None,
    "aws_region": None,
}


def module_types() -> set[str]:
    files = [*ROOT.glob("*.tf"), *ROOT.glob("modules/schedules/*.tf")]
    found = set()
    for path in files:
        found |= set(re.findall(r'^(?:resource|data) "(aws_\w+)"', path.read_text(), re.M))
    return found


def test_every_service_the_module_calls_has_an_endpoint() -> None:
    types = module_types()
    assert "aws_scheduler_schedule" in types  # the scan reads the module
    unknown = sorted(t for t in types if not any(t.startswith(p) for p in SERVICES))
    assert unknown == [], "add these resource types' service to SERVICES and the emulator"
    needed = {
        service
        for t in types
        for prefix, service in SERVICES.items()
        if t.startswith(prefix)
        and service
        and not any(t.startswith(longer) for longer in SERVICES if len(longer) > len(prefix))
    }
    assert needed <= set(ENDPOINT_SERVICES), sorted(needed - set(ENDPOINT_SERVICES))


def test_the_provider_block_names_each_endpoint_once() -> None:
    block = provider_block("http://127.0.0.1:4566")
    named = re.findall(r'^\s+(\w+)\s+= "http://127.0.0.1:4566"$', block, re.M)
    assert sorted(named) == sorted(ENDPOINT_SERVICES)
