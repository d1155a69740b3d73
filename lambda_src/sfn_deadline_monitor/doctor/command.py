"""``doctor``: verify, with read-only calls, what the emulator cannot enforce and AWS does
not report, for a deployed module found by its name (cli/common.py).

Checked, one line each (doctor/reads.py reads, doctor/checks.py and doctor/access.py
judge, this file puts them in order): the state table; the function; the alert and alarm
topics; that the function may publish, and put its alert events on the bus
(event_bus_name: the bus exists, PutEvents of the module's source allowed); each customer
managed key (enabled, its policy holding the statements kms_key_policies requires, Sid
aside); each schedule group's schedules against the registry (present, enabled as
declared, targeting the function); the failure rules (enabled, targeting the function);
each monitored state machine of this account (it exists, is STANDARD, and the function's
role may call ListExecutions on it, judged from the role's statements); each member role
(assumed; its account's state machines listed, then ListExecutions maxResults=1 per
monitor, which spends one token of that account's ListExecutions bucket); the alarms
(actions enabled, at least one action); the failure queues (empty).

Calls: about 240 at 1,000 monitors with the defaults, mostly IAM (2 per managed policy of
the function's role: 50 read policies) and EventBridge (2 per failure rule: 50 rules);
ListSchedules reads 100 schedules a call, ListStateMachines 1,000 state machines (one
account and region a call), DescribeAlarms 100 alarms.

"The function may publish" is judged from the statements of the function's role (inline,
attached, permissions boundary) and the topic's policy, and, for an encrypted topic, the
role's kms:GenerateDataKey and kms:Decrypt on the key (iam_policy.py says why this rather
than iam:SimulatePrincipalPolicy, and what it cannot see). The key's own side is the key check.

Exit status: 0 no check failed (warnings allowed), 1 a check failed, 2 bad arguments,
3 the doctor could not start (no state table, no registry, no credentials).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Callable
from functools import partial

from botocore.exceptions import BotoCoreError, ClientError

from ..cli.common import EXIT_NOT_OK, EXIT_OK, add_module_flags, open_deployment
from ..state.deployment import Deployment
from . import checks, reads
from .checks import Finding, Level


def _guarded(what: str, check: Callable[[], list[Finding]]) -> list[Finding]:
    """A check's findings, or a warning when the caller could not make it."""
    try:
        return check()
    except (ClientError, BotoCoreError) as error:
        return [checks.unverified(what, reads.error_text(error))]


def diagnose(d: Deployment) -> list[Finding]:
    """Every check of the deployment, in the order a reader follows a check's path."""
    m = d.registry.manifest
    c = reads.clients(m.region)
    findings = _guarded("state table", partial(reads.table, d))
    try:
        found, role = reads.function(c, m)
    except (ClientError, BotoCoreError) as error:
        found, role = [checks.unverified("function", reads.error_text(error))], None
    findings += found
    topics = {"alert": m.alert_topic_arn}
    if m.alarm_topic_arn != m.alert_topic_arn:
        topics["alarm"] = m.alarm_topic_arn
    for use, arn in topics.items():
        findings += _guarded(f"{use} topic", partial(reads.topic, c, use, arn))
    if role is not None:
        findings += _guarded("publishing", partial(reads.publish, c, m, role))
    if role is not None and m.event_bus_arn is not None:
        bus = m.event_bus_arn
        findings += _guarded("alert events", partial(reads.alert_events, c, bus, role))
    for use in sorted(m.kms_keys):
        findings += _guarded(f"key ({use})", partial(reads.key, c, m, use))
    discovered = {} if m.discovery is None else m.discovery.schedule_groups
    for kind, group in sorted([*m.schedule_groups.items(), *discovered.items()]):
        findings += _guarded(f"schedule group {group}", partial(reads.schedules, c, d, kind, group))
    findings += _guarded("failure rules", partial(reads.failure_rules, c, m))
    own: dict[str, str] = {}
    members: dict[str, dict[str, str]] = defaultdict(dict)
    for name, spec in d.registry.monitors.items():
        (members[spec.role_arn] if spec.role_arn else own)[name] = spec.state_machine_arn
    if own:
        findings += _guarded("state machines", partial(reads.state_machines, m, own, role))
    for arn, machines in sorted(members.items()):
        findings += _guarded(f"member role {arn}", partial(reads.member_role, role, arn, machines))
    for use, role_spec in sorted(m.roles.items()):
        findings += _guarded(f"{use} role", partial(reads.role_actions, c, use, role_spec))
    findings += _guarded("alarms", partial(reads.alarms, c, m))
    for use, url in sorted(m.queues.items()):
        findings += _guarded(f"{use} queue", partial(reads.queue, c, use, url))
    return findings


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "doctor",
        help="verify what the emulator cannot enforce and AWS does not report (read-only)",
        description="Exit status: 0 no check failed, 1 a check failed, 2 bad arguments, "
        "3 the doctor could not start.",
    )
    add_module_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    deployment = open_deployment(args)
    findings = diagnose(deployment)
    m = deployment.registry.manifest
    sys.stdout.write(
        f"doctor: {m.name} in {m.region}, {len(deployment.registry.monitors)} monitor(s)\n"
    )
    sys.stdout.writelines(f"{finding.line()}\n" for finding in findings)
    sys.stdout.write(checks.summary(findings) + "\n")
    return EXIT_NOT_OK if any(f.level is Level.FAIL for f in findings) else EXIT_OK
