"""IAM Condition blocks, evaluated against what is known of a request: the doctor's grants
of a key carry ``kms:ViaService`` (the key may be used only through SNS, SQS or DynamoDB),
and a statement that cannot be judged would leave the doctor unable to say whether the
function may publish.

What is evaluated (docs.aws.amazon.com/IAM/latest/UserGuide/
reference_policies_elements_condition_operators.html): the String and Arn operators, with
IfExists, and with ForAllValues or ForAnyValue over a multivalued key the request holds
one value of (PutEvents' events:source, for one entry); Null, for a key whose presence is
known; several operators or keys in one block must all hold ("AND"), several values of
one key are alternatives ("OR"); condition keys are case-insensitive. Any other operator
(numeric, date, Bool, IpAddress), or a key the request's context does not hold, leaves
the answer unknown (None), never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any, NamedTuple

# A request's condition keys and their values, as far as the caller knows them.
Context = Mapping[str, str]


def values(value: Any) -> list[str]:
    """An IAM element that may be one string or a list, as a list."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def matches(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """IAM's wildcards: ``*`` any run of characters, ``?`` any one."""
    return _regex(pattern, ignore_case).fullmatch(value) is not None


@cache
def _regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    """Compiled once: doctor matches each monitor's ARN against a role's 1,000 resources,
    more patterns than the re module keeps compiled."""
    regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.compile(regex, re.IGNORECASE if ignore_case else 0)


class _Operator(NamedTuple):
    wildcards: bool
    ignore_case: bool
    negated: bool


# "ArnEquals" and "ArnLike" both take wildcards: "each of the six colon-delimited components
# of the ARN is checked separately and each can include multi-character match wildcards (*)
# or single-character match wildcards (?)" (the operators page, Amazon Resource Name).
_OPERATORS = {
    "StringEquals": _Operator(wildcards=False, ignore_case=False, negated=False),
    "StringNotEquals": _Operator(wildcards=False, ignore_case=False, negated=True),
    "StringEqualsIgnoreCase": _Operator(wildcards=False, ignore_case=True, negated=False),
    "StringNotEqualsIgnoreCase": _Operator(wildcards=False, ignore_case=True, negated=True),
    "StringLike": _Operator(wildcards=True, ignore_case=False, negated=False),
    "StringNotLike": _Operator(wildcards=True, ignore_case=False, negated=True),
    "ArnEquals": _Operator(wildcards=True, ignore_case=False, negated=False),
    "ArnLike": _Operator(wildcards=True, ignore_case=False, negated=False),
    "ArnNotEquals": _Operator(wildcards=True, ignore_case=False, negated=True),
    "ArnNotLike": _Operator(wildcards=True, ignore_case=False, negated=True),
}
# The operators whose single value says what request a statement was written for.
_EQUALITIES = ("StringEquals", "ArnEquals", "ForAllValues:StringEquals")
# Set operators: over the one value the context holds of a key, each is its operator.
_SETS = ("ForAllValues", "ForAnyValue")


def satisfied(condition: Mapping[str, Mapping[str, Any]], context: Context) -> bool | None:
    """Whether a statement's Condition block holds for a request with ``context``; None
    when this cannot tell."""
    known = {key.lower(): value for key, value in context.items()}
    results = [
        _test(operator, key.lower(), expected, known)
        for operator, keys in condition.items()
        for key, expected in keys.items()
    ]
    if False in results:
        return False
    return None if None in results else True


def _test(operator: str, key: str, expected: Any, known: Mapping[str, str]) -> bool | None:
    if operator == "Null":
        absent = values(expected)
        return None if key not in known or len(absent) != 1 else absent[0].lower() == "false"
    qualifier, _, operator = operator.rpartition(":")
    if_exists = operator.endswith("IfExists")
    found = _OPERATORS.get(operator.removesuffix("IfExists"))
    if found is None or qualifier not in ("", *_SETS):
        return None
    if key not in known:
        return True if if_exists else None
    value = known[key]
    if found.wildcards:
        hit = any(matches(p, value, ignore_case=found.ignore_case) for p in values(expected))
    elif found.ignore_case:
        hit = value.lower() in (v.lower() for v in values(expected))
    else:
        hit = value in values(expected)
    return hit != found.negated


def written_for(statement: Mapping[str, Any]) -> dict[str, str]:
    """The request a conditional Allow was written for: each key its StringEquals or
    ArnEquals gives one value (the doctor's grant of a key ``kms:ViaService`` =
    ``sns.us-east-1.amazonaws.com`` is used through SNS), and each key its Null ``false``
    requires (the grant on state machines tagged for discovery). Judging the role's other layers
    for that request asks whether they admit what this statement grants."""
    conditions = statement.get("Condition", {})
    # Null false: written for a request with the key (a state machine tagged for
    # discovery), whatever its value, unless an equality says which.
    present = {
        key: "(present)"
        for key, expected in conditions.get("Null", {}).items()
        if values(expected) == ["false"]
    }
    return present | {
        key: found[0]
        for operator, keys in conditions.items()
        if operator in _EQUALITIES
        for key, expected in keys.items()
        if len(found := values(expected)) == 1
    }
