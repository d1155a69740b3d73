"""The doctor's judgements: pure functions from what AWS answered to findings, one line
each, so that every rule is tested without AWS and the shell (doctor/command.py) only reads.

FAIL means the deployment is verifiably broken (a check, alert or alarm will be lost);
WARN that something differs from what was declared without losing anything, or that the
doctor could not verify it (the caller may not read it); PASS that it was verified.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

APPLY = "run terraform apply, which restores it"
QUEUES = {
    "undelivered": "checks the Scheduler, or failure events EventBridge, could not deliver",
    "check_failures": "checks that failed inside the function after Lambda's retries",
}


class Level(StrEnum):
    PASS = "PASS"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Finding:
    level: Level
    what: str
    fix: str = ""

    def line(self) -> str:
        return f"{self.level.value}  {self.what}" + (f". Fix: {self.fix}" if self.fix else "")


def summary(findings: list[Finding]) -> str:
    counts = Counter(f.level for f in findings)
    return (
        f"{len(findings)} checks: {counts[Level.PASS]} passed, {counts[Level.FAIL]} failed, "
        f"{counts[Level.WARN]} warnings"
    )


def unverified(what: str, error: str) -> Finding:
    """A check the caller's credentials could not make: not a fault of the deployment."""
    return Finding(Level.WARN, f"{what}: could not check ({error})", "run doctor with read access")


def listed_names(names: Iterable[str], limit: int = 5) -> str:
    """A few names, so that a problem of 1,000 monitors stays one line."""
    names = sorted(names)
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _problems(
    subject: str, problems: Mapping[str, tuple[Level, set[str], str]], effect: str = ""
) -> list[Finding]:
    """One line per kind of problem, naming a few of the resources it concerns."""
    return [
        Finding(level, f"{len(names)} {subject} {problem}{effect}: {listed_names(names)}", fix)
        for problem, (level, names, fix) in problems.items()
        if names
    ]


def table(name: str, status: str, monitors: int) -> Finding:
    if status != "ACTIVE":
        return Finding(Level.WARN, f"state table {name} is {status}", "wait until it is ACTIVE")
    return Finding(Level.PASS, f"state table {name}: ACTIVE, registry of {monitors} monitor(s)")


def function(arn: str, configuration: Mapping[str, Any] | None) -> Finding:
    if configuration is None:
        return Finding(Level.FAIL, f"function {arn} does not exist: no check runs", APPLY)
    state = configuration.get("State", "Active")
    if state != "Active":
        reason = configuration.get("StateReason")
        because = f" ({reason})" if reason else ""
        return Finding(Level.FAIL, f"function {arn} is {state}{because}", APPLY)
    return Finding(Level.PASS, f"function {arn}: Active")


def topic(use: str, arn: str, attributes: Mapping[str, str] | None) -> Finding:
    if attributes is None:
        variable = "sns_topic_arn" if use == "alert" else "alarm_sns_topic_arn"
        return Finding(
            Level.FAIL,
            f"{use} topic {arn} does not exist: nothing sent to it reaches anyone",
            f"{APPLY} if the module created it; else create it or set {variable}",
        )
    return Finding(Level.PASS, f"{use} topic {arn}: exists")


def schedules(
    kind: str,
    group: str,
    expected: Mapping[str, bool],
    listed: list[Mapping[str, Any]] | None,
    function_arn: str,
) -> list[Finding]:
    """One group's schedules against the registry: ``expected`` maps each declared
    schedule to whether it should be enabled; ``listed`` is None when the group is gone."""
    if listed is None:
        return [
            Finding(
                Level.FAIL, f"schedule group {group} does not exist: no {kind} check runs", APPLY
            )
        ]
    held = {s["Name"]: s for s in listed}
    enabled = {name for name, s in held.items() if s.get("State") == "ENABLED"}
    wired = {n for n, s in held.items() if s.get("Target", {}).get("Arn") == function_arn}
    findings = _problems(
        f"{kind} schedule(s) of group {group}",
        {
            "missing: their checks never run": (Level.FAIL, set(expected) - set(held), APPLY),
            "disabled: their checks do not run": (
                Level.FAIL,
                {n for n, on in expected.items() if on and n in held} - enabled,
                APPLY + " (set enabled = false to pause a monitor)",
            ),
            "not targeting the function": (Level.FAIL, (set(expected) & set(held)) - wired, APPLY),
            "enabled though declared paused": (
                Level.WARN,
                {n for n, on in expected.items() if not on} & enabled,
                APPLY,
            ),
            "not declared by the module: nothing keeps them up to date": (
                Level.WARN,
                set(held) - set(expected),
                "delete them, or declare them in the module",
            ),
        },
    )
    paused = sum(not on for on in expected.values())
    as_declared = f", {paused} paused as declared" if paused else ""
    return findings or [
        Finding(
            Level.PASS,
            f"{len(expected)} {kind} schedule(s) in group {group}: present, "
            f"{len(expected) - paused} enabled{as_declared}, targeting the function",
        )
    ]


def failure_rules(
    rules: Mapping[str, tuple[str, list[str]] | None], function_arn: str
) -> list[Finding]:
    """Each failure rule as (state, target ARNs), or None when it is gone."""
    findings = _problems(
        "failure rule(s)",
        {
            "missing": (Level.FAIL, {n for n, facts in rules.items() if facts is None}, APPLY),
            "disabled": (
                Level.FAIL,
                {n for n, facts in rules.items() if facts and facts[0] != "ENABLED"},
                APPLY,
            ),
            "not targeting the function": (
                Level.FAIL,
                {n for n, facts in rules.items() if facts and function_arn not in facts[1]},
                APPLY,
            ),
        },
        ": their monitors' instant failure alerts are off",
    )
    if findings or not rules:
        return findings
    return [Finding(Level.PASS, f"{len(rules)} failure rule(s): enabled, targeting the function")]


def alarms(
    names: Iterable[str], found: Mapping[str, Mapping[str, Any]], topic_arn: str
) -> list[Finding]:
    """The alarms on the monitor itself: each exists, with actions on, notifying someone."""
    names = list(names)
    muted = {n for n, a in found.items() if not a.get("ActionsEnabled", True)}
    silent = {n for n, a in found.items() if not a.get("AlarmActions")}
    elsewhere = {n for n, a in found.items() if topic_arn not in a.get("AlarmActions", [])}
    unheard = ": the monitor's own failures go unheard"
    findings = _problems(
        "alarm(s)",
        {
            f"missing{unheard}": (Level.FAIL, {n for n in names if n not in found}, APPLY),
            f"with actions disabled{unheard}": (
                Level.FAIL,
                muted,
                f"aws cloudwatch enable-alarm-actions --alarm-names {' '.join(sorted(muted))}",
            ),
            f"without an alarm action{unheard}": (Level.FAIL, silent, APPLY),
            f"not notifying {topic_arn}": (Level.WARN, elsewhere - silent, APPLY),
        },
    )
    if findings or not names:
        return findings
    return [Finding(Level.PASS, f"{len(names)} alarm(s): actions enabled, notifying {topic_arn}")]


def queue(use: str, url: str, messages: int | None) -> Finding:
    name = url.rsplit("/", 1)[-1]
    if messages is None:
        return Finding(
            Level.FAIL,
            f"{use} queue {url} does not exist: {QUEUES.get(use, 'its messages')} are lost",
            APPLY,
        )
    if messages:
        return Finding(
            Level.FAIL,
            f"{use} queue {name} holds {messages} message(s): {QUEUES.get(use, 'unhandled')}",
            f"read them (aws sqs receive-message --queue-url {url}), fix what they name, then "
            "delete them",
        )
    return Finding(Level.PASS, f"{use} queue {name}: empty")
