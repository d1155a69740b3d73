"""IAM policy statements read as AWS evaluates them: the doctor's evidence that a role may
do what the module needs, and that a key policy holds the statements the module requires.

Why read the statements rather than ask AWS: iam:SimulatePrincipalPolicy is AWS's own
evaluator, but the emulator lacks it, so no test could break a setup on purpose and see the
doctor notice; reading the role's policies, its permissions boundary and the resource's
policy works on both, with read-only calls.

What is evaluated (docs.aws.amazon.com/IAM/latest/UserGuide/
reference_policies_evaluation-logic.html): an explicit Deny wins; within one account an
Allow of the role's policies or of the resource's policy grants, across accounts both must;
a permissions boundary must allow as well. Action/NotAction, Resource/NotResource with the
``*`` and ``?`` wildcards, and Principal are matched. A Condition is evaluated against the
request's context as far as iam_conditions.py can (``aws:PrincipalArn`` is always known);
a statement whose condition it cannot settle makes the answer "cannot tell" (None), never
a guess. Not visible to this, and so not judged: service control policies and session
policies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .iam_conditions import Context, matches, satisfied, values

Statement = Mapping[str, Any]
_ROOT = re.compile(r"^arn:[^:]+:iam::([0-9]{12}):root$")


def statements(document: str | Mapping[str, Any]) -> list[Statement]:
    """The statements of a policy document, as JSON text or as boto3 decoded it."""
    parsed = json.loads(document) if isinstance(document, str) else document
    found = parsed.get("Statement", [])
    return [found] if isinstance(found, Mapping) else list(found)


def _covers(statement: Statement, element: str, value: str, *, ignore_case: bool) -> bool:
    """Whether ``Action``/``NotAction`` (or ``Resource``/``NotResource``) takes in value;
    a statement without either (a key policy may omit Resource) takes in everything."""
    if element in statement:
        return any(matches(p, value, ignore_case=ignore_case) for p in values(statement[element]))
    if f"Not{element}" in statement:
        return not any(
            matches(p, value, ignore_case=ignore_case) for p in values(statement[f"Not{element}"])
        )
    return True


def _names(statement: Statement, principal_arn: str) -> bool | None:
    """Whether a resource policy statement is about the principal; None for NotPrincipal,
    which this does not evaluate."""
    if "NotPrincipal" in statement:
        return None
    principal = statement.get("Principal")
    if principal == "*":
        return True
    account = principal_arn.split(":")[4]
    named = values(principal.get("AWS")) if isinstance(principal, Mapping) else []
    return any(name in ("*", principal_arn, account) or _account(name) == account for name in named)


def _account(name: str) -> str | None:
    match = _ROOT.match(name)
    return match[1] if match else None


@dataclass(frozen=True)
class Decision:
    """``allowed`` is None when a condition decides, which this cannot evaluate."""

    allowed: bool | None
    reason: str


def _grant(applying: list[Statement]) -> bool | None:
    """True if an unconditional Allow applies, None if only conditional ones do."""
    allows = [s for s in applying if s.get("Effect") == "Allow"]
    if any("Condition" not in s and "NotPrincipal" not in s for s in allows):
        return True
    return None if allows else False


def decide(
    principal_arn: str,
    action: str,
    resource: str,
    identity: Iterable[Statement],
    *,
    boundary: Iterable[Statement] | None = None,
    resource_policy: Iterable[Statement] | None = None,
    context: Context | None = None,
) -> Decision:
    """Whether ``principal_arn`` (a role) may take ``action`` on ``resource``; without a
    ``resource_policy`` only the principal's side is judged (a role of another account,
    whose trust policy that account alone can read). ``context`` holds the request's
    condition keys the caller knows (``kms:ViaService`` for a key used through a service)."""
    known = {"aws:PrincipalArn": principal_arn, **(context or {})}
    layers = {
        "the role's policies": _settled(identity, action, resource, known),
        "the permissions boundary": _settled(boundary or (), action, resource, known),
        "the resource's policy": [
            s
            for s in _settled(resource_policy or (), action, resource, known)
            if _names(s, principal_arn) is not False
        ],
    }
    doubtful_denies = []
    for layer, applying in layers.items():
        for s in (s for s in applying if s.get("Effect") == "Deny"):
            if "Condition" in s or "NotPrincipal" in s:
                doubtful_denies.append(f"{layer} (statement {s.get('Sid', '-')})")
            else:
                return Decision(False, f"{layer} deny it (statement {s.get('Sid', '-')})")
    own = _grant(layers["the role's policies"])
    by_resource = _grant(layers["the resource's policy"])
    same_account = principal_arn.split(":")[4] == (resource.split(":")[4:5] or [""])[0]
    if resource_policy is None:
        granted = own
    else:
        granted = _either(own, by_resource) if same_account else _both(own, by_resource)
    if boundary is not None:
        if _grant(layers["the permissions boundary"]) is False:
            return Decision(False, "the permissions boundary does not allow it")
        granted = _both(granted, _grant(layers["the permissions boundary"]))
    if granted is False:
        missing = "the role's policies" if own is False else "the resource's policy"
        return Decision(False, f"no statement of {missing} allows it")
    if granted is None:
        conditional = [
            f"{layer} (statement {s.get('Sid', '-')})"
            for layer, applying in layers.items()
            for s in applying
            if s.get("Effect") == "Allow" and ("Condition" in s or "NotPrincipal" in s)
        ]
        return Decision(None, f"only under a condition do {', '.join(conditional)} allow it")
    if doubtful_denies:
        return Decision(None, f"a condition decides a Deny in {', '.join(doubtful_denies)}")
    return Decision(True, "allowed")


def _settled(
    policy: Iterable[Statement], action: str, resource: str, known: Context
) -> list[Statement]:
    """The statements that apply to the request: one whose condition fails is left out,
    one whose condition holds counts as unconditional, one this cannot settle keeps its
    Condition (and so makes the answer "cannot tell")."""
    applying = []
    for s in policy:
        if not _applies(s, action, resource):
            continue
        verdict = satisfied(s["Condition"], known) if "Condition" in s else None
        if verdict is False:
            continue
        applying.append({k: v for k, v in s.items() if k != "Condition"} if verdict else s)
    return applying


def _applies(statement: Statement, action: str, resource: str) -> bool:
    return _covers(statement, "Action", action, ignore_case=True) and _covers(
        statement, "Resource", resource, ignore_case=False
    )


def _either(a: bool | None, b: bool | None) -> bool | None:
    return True if True in (a, b) else None if None in (a, b) else False


def _both(a: bool | None, b: bool | None) -> bool | None:
    return False if False in (a, b) else None if None in (a, b) else True


def _principal(statement: Statement) -> dict[str, list[str]]:
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping):
        return {"AWS": [str(principal)]}
    return {
        kind: sorted(_account(v) or v for v in values(value)) for kind, value in principal.items()
    }


def _condition(statement: Statement) -> dict[str, dict[str, list[str]]]:
    """Condition keys are case-insensitive; a single value is a list of one."""
    return {
        operator: {key.lower(): sorted(values(v)) for key, v in keys.items()}
        for operator, keys in statement.get("Condition", {}).items()
    }


def holds(policy: Iterable[Statement], required: Statement) -> bool:
    """Whether a statement of ``policy`` grants what ``required`` does: the same Effect,
    Principal and Condition, and at least its actions (its Sid may differ)."""
    return any(
        s.get("Effect") == required.get("Effect")
        and _principal(s) == _principal(required)
        and _condition(s) == _condition(required)
        and all(_covers(s, "Action", a, ignore_case=True) for a in values(required.get("Action")))
        for s in policy
    )
