"""The doctor's judgements of access: may the function publish and put its alert events,
do the keys' policies hold what the module requires, does each monitored state machine
exist, is it STANDARD and readable with the role its checks use, may the member roles be
assumed and read. Pure, as doctor/checks.py; the evidence is read by doctor/reads.py and
weighed by doctor/iam_policy.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from ..audit.machines import FAULT_CODES, FIXES, Listing, fault
from ..check.monitor_settings import base_state_machine_arn
from .checks import APPLY, Finding, Level, listed_names
from .iam_policy import Decision, Statement, holds

# What a key that is gone, disabled or missing its statements breaks, by its use.
KEY_USES = {
    "alert_topic": "alerts cannot be published",
    "alarm_topic": "alarm notifications are dropped",
    "failure_queues": "failed checks and failure events cannot be kept",
    "logs": "the function cannot write its logs",
    "state_table": "the state table cannot be read or written",
    "schedules": "the schedules cannot decrypt their input: no check runs",
}


def _breaks(use: str) -> str:
    return KEY_USES.get(use, "what uses the key fails")


def publish(
    role_arn: str, topic_arn: str, decisions: Mapping[tuple[str, str], Decision]
) -> Finding:
    """Whether the function's role may publish: ``decisions`` by (action, resource)."""
    what = f"the function's role {role_arn.rsplit('/', 1)[-1]} may publish to {topic_arn}"
    for (action, resource), decision in decisions.items():
        if decision.allowed is False:
            return Finding(
                Level.FAIL,
                f"{what}: no, {action} on {resource}: {decision.reason}",
                f"{APPLY} (the role's PublishAlerts and UseKeyAlertTopic statements); "
                "remove a Deny or widen the permissions boundary",
            )
    for (action, resource), decision in decisions.items():
        if decision.allowed is None:
            return Finding(
                Level.WARN,
                f"{what}: cannot tell, {action} on {resource}: {decision.reason}",
                "make sure the condition admits the function",
            )
    return Finding(Level.PASS, f"{what}: yes ({', '.join(a for a, _ in decisions)} allowed)")


def put_events(role_arn: str, bus_arn: str, exists: bool, decision: Decision) -> Finding:
    """Whether the function may put its alert events on the bus (``event_bus_name``): it
    exists, and the role may PutEvents of the module's source there. A refused event fails
    the check before the SNS message: either holds back every alert."""
    what = f"the function's role {role_arn.rsplit('/', 1)[-1]} may put alert events on {bus_arn}"
    if not exists:
        return Finding(
            Level.FAIL,
            f"{what}: no, the bus does not exist: every alert fails before it is published",
            "create the bus, or set event_bus_name to one that exists (null: SNS only)",
        )
    if decision.allowed is False:
        return Finding(
            Level.FAIL,
            f"{what}: no, {decision.reason}: every alert fails before it is published",
            f"{APPLY} (the role's PutAlertEvents statement); remove a Deny or widen the "
            "permissions boundary",
        )
    if decision.allowed is None:
        return Finding(
            Level.WARN,
            f"{what}: cannot tell, {decision.reason}",
            "make sure the condition admits the function",
        )
    return Finding(Level.PASS, f"{what}: yes (events:PutEvents allowed)")


def key(
    use: str,
    key_arn: str,
    facts: tuple[str, list[Statement]] | None,
    required: Sequence[Statement],
) -> Finding:
    """A customer managed key: it exists, is enabled, and its policy holds every statement
    the module requires for ``use`` (kms_key_policies output)."""
    what = f"key {key_arn} ({use})"
    if facts is None:
        return Finding(
            Level.FAIL,
            f"{what} does not exist: {_breaks(use)}",
            "give the module a key that exists",
        )
    state, policy = facts
    if state != "Enabled":
        return Finding(
            Level.FAIL,
            f"{what} is {state}: {_breaks(use)}",
            "enable the key, or cancel its deletion",
        )
    missing = [r.get("Sid", "-") for r in required if not holds(policy, r)]
    if missing:
        return Finding(
            Level.FAIL,
            f"{what}: its policy lacks {', '.join(missing)}: {_breaks(use)}",
            f"merge the module's kms_key_policies[\"{use}\"] output into the key's policy",
        )
    return Finding(
        Level.PASS, f"{what}: Enabled, its policy holds the {len(required)} statement(s) required"
    )


def _faults(
    account: str,
    machines: Mapping[str, str],
    listed: Listing | None,
    reads: Mapping[str, str | None],
) -> dict[str, tuple[str, str]]:
    """Each monitor whose state machine does not exist or is not STANDARD, as (kind, what):
    from ``listed`` (ListStateMachines of ``account``, None when it failed), else from
    what the monitor's ListExecutions answered (``reads``: an error, ``Code: message``)."""
    found: dict[str, tuple[str, str]] = {}
    for monitor, arn in machines.items():
        judged = None if listed is None else fault(arn, account, listed)
        code = (reads.get(monitor) or "").split(":", 1)[0]
        if judged is None and code in FAULT_CODES:
            judged = FAULT_CODES[code], f"its state machine {base_state_machine_arn(arn)}: {code}"
        if judged is not None:
            found[monitor] = judged
    return found


def _fault_findings(faults: Mapping[str, tuple[str, str]]) -> list[Finding]:
    """One line per monitor: each has its own state_machine_arn to correct."""
    return [
        Finding(
            Level.FAIL,
            f"monitor {monitor}: {what}: each of its checks reports ERROR",
            FIXES[kind],
        )
        for monitor, (kind, what) in sorted(faults.items())
    ]


def state_machines(
    account: str,
    machines: Mapping[str, str],
    listed: Listing,
    may_read: Mapping[str, Decision],
) -> list[Finding]:
    """The state machines the function reads with its own role (``machines``: by
    monitor): each exists and is STANDARD (``listed``: ListStateMachines of ``account``,
    every region of them), and the role may list its executions (``may_read``: by
    monitor, empty when the role could not be read)."""
    faults = _faults(account, machines, listed, {})
    findings = _fault_findings(faults)
    refused: dict[tuple[Level, str], list[str]] = defaultdict(list)
    for monitor, decision in may_read.items():
        if monitor not in faults and decision.allowed is not True:
            level = Level.FAIL if decision.allowed is False else Level.WARN
            refused[level, decision.reason].append(monitor)
    fix = (
        f"{APPLY} (the ReadMonitoredStateMachines statements, or read_scope's prefixes); "
        "remove a Deny or widen the permissions boundary"
    )
    for (level, reason), names in sorted(refused.items()):
        what = f"call states:ListExecutions on the state machines of {listed_names(names)}"
        if level is Level.FAIL:
            findings.append(Finding(level, f"the function's role may not {what}: {reason}", fix))
        else:
            findings.append(
                Finding(level, f"cannot tell whether the function's role may {what}: {reason}", fix)
            )
    readable = ", readable by the function's role" if may_read else ""
    return findings or [
        Finding(
            Level.PASS,
            f"{len(machines)} monitor(s)' state machines in this account: exist, "
            f"STANDARD{readable}",
        )
    ]


def member_role(
    role_arn: str,
    may_assume: Decision | None,
    assume_error: str | None,
    *,
    machines: Mapping[str, str],
    listed: Listing | None,
    list_error: str | None,
    reads: Mapping[str, str | None],
) -> list[Finding]:
    """A member role: the function's role may assume it (``may_assume``, None when that
    role could not be read); with it, each monitor's state machine (``machines``) is in
    its account's ListStateMachines (``listed``: ARN to type, None when not read;
    ``list_error`` when AWS refused it), and each monitor's ListExecutions succeeded
    (``reads``: monitor to error, None when it did)."""
    findings = []
    if may_assume is not None and may_assume.allowed is not True:
        refused = may_assume.allowed is False
        whether, may = ("", "may not") if refused else ("cannot tell whether ", "may")
        findings.append(
            Finding(
                Level.FAIL if refused else Level.WARN,
                f"{whether}the function's role {may} assume {role_arn}: {may_assume.reason}",
                APPLY + " (the AssumeMemberRoles statement)",
            )
        )
    if assume_error is not None:
        findings.append(
            Finding(
                Level.WARN,
                f"member role {role_arn}: your credentials could not assume it ({assume_error}); "
                "modules/member-role trusts only the function's role, so its reads are not "
                "verified",
                "run doctor as a principal the role trusts, or see the monitors' last checks "
                "(status)",
            )
        )
    if list_error is not None:
        findings.append(
            Finding(
                Level.FAIL,
                f"member role {role_arn} may not list its account's state machines "
                f"({list_error}): the audit cannot tell whether they exist",
                "apply modules/member-role of this release, which grants states:ListStateMachines",
            )
        )
    faults = _faults(role_arn.split(":")[4], machines, listed, reads)
    findings += _fault_findings(faults)
    failed = {
        monitor: error
        for monitor, error in reads.items()
        if error is not None and monitor not in faults
    }
    if failed:
        errors = "; ".join(f"{m}: {e}" for m, e in sorted(failed.items())[:5])
        findings.append(
            Finding(
                Level.FAIL,
                f"member role {role_arn} cannot list the executions of {len(failed)} monitor(s)' "
                f"state machines ({errors})",
                "list them in the member role's state_machine_arns (modules/member-role), in "
                "the state machine's own account",
            )
        )
    exist = ", whose state machines exist and are STANDARD" if listed is not None else ""
    return findings or [
        Finding(
            Level.PASS,
            f"member role {role_arn}: assumed, lists the executions of {len(reads)} "
            f"monitor(s){exist}",
        )
    ]


def role_actions(
    use: str,
    role_arn: str,
    actions: Sequence[str],
    decisions: Mapping[str, Sequence[tuple[str, Decision]]],
) -> Finding:
    """A role the module creates may take every action it uses (``actions``: the module's
    role_actions) on each resource its own policies grant it (``decisions``: by action,
    the decision for each granted resource; none when no Allow of its policies names the
    action). The emulator evaluates no IAM: a boundary that lacks an action passes every
    test there and fails on AWS."""
    what = f"the {use} role {role_arn.rsplit('/', 1)[-1]}"
    ungranted = [action for action in actions if not decisions.get(action)]
    refused = {
        level: [
            f"{action} on {resource} ({decision.reason})"
            for action in actions
            for resource, decision in decisions.get(action, ())
            if decision.allowed is allowed
        ]
        for level, allowed in ((Level.FAIL, False), (Level.WARN, None))
    }
    if ungranted or refused[Level.FAIL]:
        faults = [f"its policies grant no {', '.join(ungranted)}"] if ungranted else []
        faults += [listed_names(refused[Level.FAIL])] if refused[Level.FAIL] else []
        return Finding(
            Level.FAIL,
            f"{what} may not take every action it uses: {'; '.join(faults)}",
            f"{APPLY} (the role's policies); let the permissions boundary allow the module's "
            "role_actions (its permissions_boundary_policy output is such a boundary)",
        )
    if refused[Level.WARN]:
        return Finding(
            Level.WARN,
            f"cannot tell whether {what} may take every action it uses: "
            + "; ".join(refused[Level.WARN][:5]),
            "make sure the condition admits the role",
        )
    return Finding(Level.PASS, f"{what} may take each of the {len(actions)} action(s) it uses")
