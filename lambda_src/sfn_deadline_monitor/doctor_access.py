"""The doctor's judgements of access: may the function publish, do the keys' policies hold
what the module requires, may the member roles be assumed and read. Pure, as
doctor_checks.py; the evidence is read by doctor_reads.py and weighed by policy.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .doctor_checks import APPLY, Finding, Level
from .policy import Decision, Statement, holds

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


def member_role(
    role_arn: str,
    may_assume: Decision | None,
    assume_error: str | None,
    reads: Mapping[str, str | None],
) -> list[Finding]:
    """A member role: the function's role may assume it (``may_assume``, None when that
    role could not be read), and with it each monitor's ListExecutions succeeded
    (``reads``: monitor to error, None when it did)."""
    findings = []
    if may_assume is not None and may_assume.allowed is not True:
        level = Level.FAIL if may_assume.allowed is False else Level.WARN
        findings.append(
            Finding(
                level,
                f"the function's role may not assume {role_arn}: {may_assume.reason}",
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
    failed = {monitor: error for monitor, error in reads.items() if error is not None}
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
    return findings or [
        Finding(
            Level.PASS,
            f"member role {role_arn}: assumed, lists the executions of {len(reads)} monitor(s)",
        )
    ]
