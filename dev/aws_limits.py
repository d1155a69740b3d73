"""Maintainers: the AWS limits the module plans against.

The emulator enforces none of these, so the module computes each size at plan
(preconditions), tests/scale.tftest.hcl plans them at 1 to 1,000 monitors, and
tests/apply/test_scale.py and `make bench` measure them from what was deployed
(dev/deployed_sizes.py). This file is the one list of the limits, with their sources;
`python -m dev.aws_limits` writes docs/aws-limits.md from it (`--check` fails when that
file is stale).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from dev import generated
from testkit.paths import ROOT

DOC = ROOT / "docs" / "aws-limits.md"

IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
EVENTBRIDGE_QUOTAS = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html"
INPUT_TRANSFORMER = (
    "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html"
)
SCHEDULER_QUOTAS = "https://docs.aws.amazon.com/scheduler/latest/UserGuide/scheduler-quotas.html"
LAMBDA_QUOTAS = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
SQS_POLICY_QUOTAS = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html"
PUT_METRIC_ALARM = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"
)
SFN_QUOTAS = "https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html"


@dataclass(frozen=True)
class Limit:
    """One AWS limit: its default value, whether AWS raises it, where it is documented, and
    what of the module it bounds."""

    name: str
    value: int
    unit: str
    adjustable: str
    source: str
    bounds: str


LIMITS = {
    "iam_inline_policies": Limit(
        "IAM: a role's inline policies, together",
        10240,
        "characters (no white space)",
        "no",
        IAM_QUOTAS,
        "the check function's inline policy",
    ),
    "iam_managed_policy": Limit(
        "IAM: one managed policy",
        6144,
        "characters (no white space)",
        "no",
        IAM_QUOTAS,
        "each read policy (20 monitors' exact grants)",
    ),
    "iam_managed_policies_per_role": Limit(
        "IAM: managed policies per role",
        10,
        "policies",
        "yes, to 25 (service_quotas)",
        IAM_QUOTAS,
        "the read policies attached to the check function's role",
    ),
    "iam_trust_policy": Limit(
        "IAM: role trust policy",
        2048,
        "characters",
        "yes, to 4,096",
        IAM_QUOTAS,
        "the trust policies of the module's two roles",
    ),
    "eventbridge_rules_per_bus": Limit(
        "EventBridge: rules per event bus",
        300,
        "rules (100 in some Regions)",
        "yes (service_quotas)",
        EVENTBRIDGE_QUOTAS,
        "the failure rules on the default bus, shared with the account's other rules",
    ),
    "eventbridge_event_pattern": Limit(
        "EventBridge: event pattern size",
        2048,
        "characters",
        "yes, to 4,096 (service_quotas)",
        EVENTBRIDGE_QUOTAS,
        "each failure rule's pattern (its monitors' state machines)",
    ),
    "eventbridge_input_template": Limit(
        "EventBridge: input transformer template",
        8192,
        "characters",
        "no",
        INPUT_TRANSFORMER,
        "each failure rule's input (its monitors' settings)",
    ),
    "eventbridge_targets_per_rule": Limit(
        "EventBridge: targets per rule",
        5,
        "targets",
        "no",
        EVENTBRIDGE_QUOTAS,
        "each failure rule's one target, the check function",
    ),
    "scheduler_schedule_groups": Limit(
        "EventBridge Scheduler: schedule groups",
        500,
        "groups",
        "no",
        SCHEDULER_QUOTAS,
        "the module's schedule groups (deadline checks, start checks)",
    ),
    "scheduler_schedules": Limit(
        "EventBridge Scheduler: schedules",
        1000000,
        "schedules in an account and Region (AWS's page has said 1,000,000 and says "
        "10,000,000 now; the lower is listed)",
        "yes",
        SCHEDULER_QUOTAS,
        "the module's schedules (one per deadline check and per start check), shared with "
        "the account's other schedules; not checked at plan (a thousand monitors are a "
        "thousandth of it), measured by `make bench`",
    ),
    "scheduler_target_input": Limit(
        "EventBridge Scheduler: target input",
        262144,
        "bytes",
        "no",
        SCHEDULER_QUOTAS,
        "each schedule's input (the check's contract, with every date of its monitor's "
        "calendar: about 20,000 fit)",
    ),
    "lambda_resource_policy": Limit(
        "Lambda: function resource-based policy",
        20480,
        "bytes",
        "no",
        LAMBDA_QUOTAS,
        "the check function's permissions (one statement for every failure rule)",
    ),
    "lambda_environment": Limit(
        "Lambda: environment variables, together",
        4096,
        "bytes",
        "no",
        LAMBDA_QUOTAS,
        "the check function's environment",
    ),
    "sqs_queue_policy": Limit(
        "SQS: queue policy",
        8192,
        "bytes",
        "no",
        SQS_POLICY_QUOTAS,
        "the undelivered queue's policy",
    ),
    "cloudwatch_alarm_metrics": Limit(
        "CloudWatch: metrics one alarm reads",
        10,
        "metrics",
        "no",
        PUT_METRIC_ALARM,
        "each alarm on the monitor itself",
    ),
}

# Limits that bound what happens at run time rather than what is deployed.
RUNTIME = [
    (
        "Step Functions: ListExecutions",
        "bucket of 200 calls, refilled at 5 a second "
        "(100 and 2 outside us-east-1, us-west-2, eu-west-1), adjustable",
        SFN_QUOTAS,
        "one call per check whose window holds up to 99 runs: 1,000 checks due at once exceed "
        "the bucket, and botocore's retries (8 attempts by default) spread them",
    ),
    (
        "EventBridge: PutEvents",
        "10,000 calls a second in us-east-1, us-west-2, eu-west-1; 400 in the smallest "
        "regions, adjustable; an entry of at most 256 KB (1 MB since 2026)",
        EVENTBRIDGE_QUOTAS,
        "with event_bus_name, one call of one entry per alert (at most 21 KB): 1,000 "
        "monitors alerting in one minute stay within the smallest quota, and a call "
        "throttled beyond botocore's retries fails the check for Lambda to retry",
    ),
    (
        "Lambda: concurrent executions",
        "1,000 per account by default (new accounts less); "
        "reserved concurrency must leave 100 unreserved",
        LAMBDA_QUOTAS,
        "checks due at once beyond it are throttled and retried by Lambda for up to 6 hours",
    ),
]


def render() -> str:
    """docs/aws-limits.md."""
    rows = "\n".join(
        f"| {limit.name} | {limit.value:,} {limit.unit} | {limit.adjustable} | "
        f"{limit.bounds} | [docs]({limit.source}) |"
        for limit in LIMITS.values()
    )
    runtime = "\n".join(
        f"| {name} | {figure} | {bounds} | [docs]({source}) |"
        for name, figure, source, bounds in RUNTIME
    )
    text = (
        "# AWS limits the module plans against\n\n"
        "Written by `python -m dev.aws_limits` from `dev/aws_limits.py`: do not edit.\n\n"
        "The emulator the tests run against (moto) enforces none of these, so the module "
        "computes each size at `terraform plan` and fails there, naming the limit, the "
        "figure and what to do, before AWS would refuse an apply halfway. "
        "`tests/scale.tftest.hcl` plans 1, 60, 300 and 1,000 monitors against them, and "
        "`tests/apply/test_scale.py` and `make bench` measure them from what was deployed "
        "(benchmarks/README.md lists the figures). Adjustable quotas are planned against "
        "the `service_quotas` input, which defaults to AWS's defaults.\n\n"
        "| Limit | Default | Adjustable | Bounds | Source |\n|---|---|---|---|---|\n"
        f"{rows}\n\n"
        "## At run time\n\n"
        "| Limit | Figure | What it means here | Source |\n|---|---|---|---|\n"
        f"{runtime}\n"
    )
    return re.sub(r"\n{3,}", "\n\n", text)


def main(argv: list[str] | None = None) -> int:
    args = generated.parser(__doc__.split("\n\n")[0]).parse_args(argv)
    return generated.publish({DOC: render()}, check=args.check, command="python -m dev.aws_limits")


if __name__ == "__main__":
    sys.exit(main())
