"""The doctor's reading of IAM statements, pure and table-driven."""

from __future__ import annotations

from typing import Any

import pytest

from sfn_deadline_monitor.doctor.iam_conditions import written_for
from sfn_deadline_monitor.doctor.iam_policy import decide, holds, matches, statements

ROLE = "arn:aws:iam::123456789012:role/ops/ops-sfn-deadline-check"
TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts"
OTHER_TOPIC = "arn:aws:sns:us-east-1:210987654321:alerts"


def allow(action: Any = "sns:Publish", resource: Any = TOPIC, **more: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


def deny(action: Any = "sns:Publish", resource: Any = "*", **more: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **more}


CONDITION = {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}


@pytest.mark.parametrize(
    ("identity", "boundary", "resource_policy", "allowed"),
    [
        ([allow()], None, None, True),
        ([allow("SNS:*")], None, None, True),  # actions are case-insensitive
        ([allow("sns:Pub?ish", "arn:aws:sns:*:123456789012:*")], None, None, True),
        ([allow(resource=TOPIC.upper())], None, None, False),  # ARNs are not
        ([allow("sns:Subscribe")], None, None, False),
        ([{"Effect": "Allow", "NotAction": "sns:Subscribe", "Resource": "*"}], None, None, True),
        ([{"Effect": "Allow", "Action": "sns:*", "NotResource": TOPIC}], None, None, False),
        ([allow(), deny()], None, None, False),
        ([allow(), deny(Condition=CONDITION)], None, None, None),
        ([allow(Condition=CONDITION)], None, None, None),
        ([allow(Condition=CONDITION), allow()], None, None, True),
        ([allow()], [allow("*", "*")], None, True),
        ([allow()], [allow("kms:*", "*")], None, False),
        ([allow()], [], None, False),  # a boundary that allows nothing
        # Within one account the topic's policy alone may grant.
        ([], None, [allow(Principal={"AWS": ROLE})], True),
        ([], None, [allow(Principal={"AWS": "arn:aws:iam::123456789012:root"})], True),
        ([], None, [allow(Principal={"Service": "cloudwatch.amazonaws.com"})], False),
        ([], None, [allow(Principal="*", Condition=CONDITION)], None),
        ([allow()], None, [deny(Principal="*")], False),
        ([allow()], None, [deny(Principal={"AWS": "arn:aws:iam::999999999999:root"})], True),
        ([allow()], None, [deny(NotPrincipal={"AWS": ROLE})], None),
    ],
)
def test_decide(
    identity: list[dict[str, Any]],
    boundary: list[dict[str, Any]] | None,
    resource_policy: list[dict[str, Any]] | None,
    allowed: bool | None,
) -> None:
    decision = decide(
        ROLE, "sns:Publish", TOPIC, identity, boundary=boundary, resource_policy=resource_policy
    )
    assert decision.allowed is allowed, decision.reason


def test_another_accounts_topic_needs_its_policy_as_well() -> None:
    own = [allow(resource=OTHER_TOPIC)]
    assert decide(ROLE, "sns:Publish", OTHER_TOPIC, own, resource_policy=[]).allowed is False
    granted = [allow(resource=OTHER_TOPIC, Principal={"AWS": "123456789012"})]
    assert decide(ROLE, "sns:Publish", OTHER_TOPIC, own, resource_policy=granted).allowed is True


def test_without_a_resource_policy_only_the_roles_side_is_judged() -> None:
    member = "arn:aws:iam::111122223333:role/member"
    assert decide(ROLE, "sts:AssumeRole", member, [allow("sts:AssumeRole", member)]).allowed


def test_reasons_name_the_layer_and_statement() -> None:
    assert decide(ROLE, "sns:Publish", TOPIC, [allow(), deny(Sid="NoSns")]).reason == (
        "the role's policies deny it (statement NoSns)"
    )
    assert decide(ROLE, "sns:Publish", TOPIC, []).reason == (
        "no statement of the role's policies allows it"
    )


REQUIRED = {
    "Sid": "SfnDeadlineFunctionPublishes",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
    "Resource": "*",
    "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
    "Condition": {"ArnEquals": {"aws:PrincipalArn": ROLE}},
}


@pytest.mark.parametrize(
    ("present", "held"),
    [
        (REQUIRED, True),
        ({**REQUIRED, "Sid": "Mine", "Action": ["kms:Decrypt", "kms:GenerateDataKey*"]}, True),
        ({**REQUIRED, "Action": "kms:*"}, True),
        ({**REQUIRED, "Principal": {"AWS": ["123456789012"]}}, True),
        ({**REQUIRED, "Condition": {"ArnEquals": {"AWS:PrincipalARN": [ROLE]}}}, True),
        ({**REQUIRED, "Action": ["kms:GenerateDataKey", "kms:Decrypt"]}, False),
        ({**REQUIRED, "Effect": "Deny"}, False),
        ({**REQUIRED, "Principal": {"Service": "sns.amazonaws.com"}}, False),
        ({k: v for k, v in REQUIRED.items() if k != "Condition"}, False),
    ],
)
def test_a_key_policy_holds_a_statement_whatever_its_sid(
    present: dict[str, Any], held: bool
) -> None:
    assert holds([present], REQUIRED) is held


def test_statements_of_text_or_decoded_documents() -> None:
    single = '{"Version": "2012-10-17", "Statement": {"Effect": "Allow"}}'
    assert statements(single) == [{"Effect": "Allow"}]
    assert statements({"Statement": [{"Effect": "Deny"}]}) == [{"Effect": "Deny"}]


def test_wildcards_match_whole_values() -> None:
    assert matches("arn:aws:sns:*:alerts", "arn:aws:sns:us-east-1:1:alerts")
    assert not matches("sns:Publish", "sns:PublishBatch")
    assert matches("kms:GenerateDataKey*", "kms:GenerateDataKeyWithoutPlaintext")


KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
VIA_SNS = {"kms:ViaService": "sns.us-east-1.amazonaws.com"}


def through(service: str, **operator: Any) -> dict[str, Any]:
    """A grant of the key for use through ``service`` only."""
    condition = operator or {
        "StringEquals": {"kms:ViaService": f"{service}.us-east-1.amazonaws.com"}
    }
    return allow(["kms:GenerateDataKey", "kms:Decrypt"], KEY, Condition=condition)


@pytest.mark.parametrize(
    ("identity", "boundary", "context", "allowed"),
    [
        ([through("sns")], None, VIA_SNS, True),
        ([through("sqs")], None, VIA_SNS, False),  # a grant through another service
        ([through("sns")], None, None, None),  # the service unknown: cannot tell
        ([through("sqs"), through("sns")], None, VIA_SNS, True),  # one key, several services
        ([through("sns")], [through("sqs")], VIA_SNS, False),  # the boundary's condition fails
        ([through("sns")], [through("sns")], VIA_SNS, True),
        ([through("sns", StringLike={"kms:ViaService": "s?s.*"})], None, VIA_SNS, True),
        (
            [through("sns", StringNotEquals={"kms:ViaService": "sns.us-east-1.amazonaws.com"})],
            None,
            VIA_SNS,
            False,
        ),
        (
            [
                through(
                    "sns", StringEqualsIgnoreCase={"KMS:VIASERVICE": "SNS.US-EAST-1.AMAZONAWS.COM"}
                )
            ],
            None,
            VIA_SNS,
            True,
        ),
        # aws:PrincipalArn is always known: it is the role's own ARN.
        (
            [through("sns", ArnLike={"aws:PrincipalArn": "arn:aws:iam::123456789012:role/ops/*"})],
            None,
            None,
            True,
        ),
        (
            [
                through(
                    "sns", ArnEquals={"aws:PrincipalArn": "arn:aws:iam::123456789012:role/other"}
                )
            ],
            None,
            None,
            False,
        ),
        # A key absent from the context: IfExists holds, anything else cannot be told.
        ([through("sns", StringEqualsIfExists={"aws:SourceVpc": "vpc-1"})], None, VIA_SNS, True),
        ([through("sns", StringEquals={"aws:SourceVpc": "vpc-1"})], None, VIA_SNS, None),
        # Operators this does not evaluate leave the answer open, and all must hold.
        ([through("sns", Bool={"aws:SecureTransport": "true"})], None, VIA_SNS, None),
        (
            [
                through(
                    "sns",
                    Bool={"aws:SecureTransport": "true"},
                    StringEquals={"kms:ViaService": "sqs.us-east-1.amazonaws.com"},
                )
            ],
            None,
            VIA_SNS,
            False,
        ),
        ([through("sns")], None, {"kms:viaservice": "sns.us-east-1.amazonaws.com"}, True),
        (
            [through("sns"), deny("kms:*", Condition={"StringEquals": VIA_SNS})],
            None,
            VIA_SNS,
            False,
        ),
        (
            [through("sns"), deny("kms:*", Condition={"StringNotEquals": VIA_SNS})],
            None,
            VIA_SNS,
            True,
        ),
    ],
)
def test_decide_evaluates_conditions_against_the_context(
    identity: list[dict[str, Any]],
    boundary: list[dict[str, Any]] | None,
    context: dict[str, str] | None,
    allowed: bool | None,
) -> None:
    decision = decide(
        ROLE, "kms:GenerateDataKey", KEY, identity, boundary=boundary, context=context
    )
    assert decision.allowed is allowed, decision.reason


def test_a_grant_is_judged_for_the_request_it_was_written_for() -> None:
    grant = through("dynamodb")
    assert written_for(grant) == {"kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}
    several = allow(Condition={"StringEquals": {"aws:SourceAccount": ["1", "2"]}})
    assert written_for(several) == {}  # no single request
    assert written_for(allow(Condition={"StringLike": {"kms:ViaService": "sns.*"}})) == {}
    assert written_for(allow()) == {}


@pytest.mark.parametrize(
    ("identity", "boundary", "resource_policy", "reason"),
    [
        ([deny("sns:*")], None, None, "the role's policies deny it (statement -)"),
        (
            [allow(), deny(Condition=CONDITION, Sid="Maybe"), deny(Condition=CONDITION)],
            None,
            None,
            "a condition decides a Deny in the role's policies (statement Maybe), the role's "
            "policies (statement -)",
        ),
        ([allow()], [], None, "the permissions boundary does not allow it"),
        ([], None, [], "no statement of the role's policies allows it"),
        (
            [allow(Condition=CONDITION, Sid="One"), allow(Condition=CONDITION)],
            None,
            None,
            "only under a condition do the role's policies (statement One), the role's "
            "policies (statement -) allow it",
        ),
        ([allow()], [allow("*", "*")], None, "allowed"),
    ],
)
def test_each_decision_says_which_layer_and_statement(
    identity: list[dict[str, Any]],
    boundary: list[dict[str, Any]] | None,
    resource_policy: list[dict[str, Any]] | None,
    reason: str,
) -> None:
    decision = decide(
        ROLE, "sns:Publish", TOPIC, identity, boundary=boundary, resource_policy=resource_policy
    )
    assert decision.reason == reason


def test_another_accounts_resource_needs_both_sides_and_says_which_is_missing() -> None:
    granted = [allow(resource=OTHER_TOPIC, Principal={"AWS": ROLE})]
    decision = decide(ROLE, "sns:Publish", OTHER_TOPIC, [], resource_policy=granted)
    assert (decision.allowed, decision.reason) == (
        False,
        "no statement of the role's policies allows it",
    )
    own = [allow(resource=OTHER_TOPIC)]
    conditional = [allow(resource=OTHER_TOPIC, Principal="*", Condition=CONDITION)]
    decision = decide(ROLE, "sns:Publish", OTHER_TOPIC, own, resource_policy=conditional)
    assert decision.allowed is None
    decision = decide(ROLE, "sns:Publish", OTHER_TOPIC, own, resource_policy=[])
    assert decision.reason == "no statement of the resource's policy allows it"


def test_statements_that_do_not_apply_are_skipped_not_the_end_of_the_policy() -> None:
    policy = [allow("sqs:SendMessage", "*"), allow()]
    assert decide(ROLE, "sns:Publish", TOPIC, policy).allowed is True


def test_not_resource_and_a_statement_without_resource_or_action() -> None:
    """NotResource matches ARNs case-sensitively; a key policy statement may omit Resource."""
    not_upper = [{"Effect": "Allow", "Action": "sns:*", "NotResource": TOPIC.upper()}]
    assert decide(ROLE, "sns:Publish", TOPIC, not_upper).allowed is True
    key_policy = [{"Effect": "Allow", "Action": "kms:*", "Principal": {"AWS": "*"}}]
    assert decide(ROLE, "kms:Decrypt", KEY, [], resource_policy=key_policy).allowed is True
    assert statements({"Version": "2012-10-17"}) == []


def test_not_principal_is_never_judged_a_grant() -> None:
    grant = [allow(Principal="*", NotPrincipal={"AWS": "arn:aws:iam::1:root"})]
    assert decide(ROLE, "sns:Publish", TOPIC, [], resource_policy=grant).allowed is None


@pytest.mark.parametrize(
    ("present", "held"),
    [
        ({**REQUIRED, "Action": ["KMS:GenerateDataKey*", "kms:decrypt"]}, True),
        ({**REQUIRED, "Condition": {"ArnEquals": {"aws:PrincipalArn": OTHER_TOPIC}}}, False),
        ({**REQUIRED, "Principal": {"AWS": "arn:aws:iam::210987654321:root"}}, False),
        ({**REQUIRED, "Principal": "*"}, False),
    ],
)
def test_a_key_policy_statement_holds_only_the_same_principal_and_condition_values(
    present: dict[str, Any], held: bool
) -> None:
    assert holds([present], REQUIRED) is held
    assert holds([{**REQUIRED, "Principal": "*"}], {**REQUIRED, "Principal": "*"})


def test_string_operators_are_case_sensitive_unless_they_say_otherwise() -> None:
    assert not matches("SNS", "sns")
    like = through("sns", StringLike={"kms:ViaService": "SNS.*"})
    assert decide(ROLE, "kms:Decrypt", KEY, [like], context=VIA_SNS).allowed is False
    ignore = through(
        "sns", StringEqualsIgnoreCase={"kms:ViaService": "SQS.US-EAST-1.AMAZONAWS.COM"}
    )
    assert decide(ROLE, "kms:Decrypt", KEY, [ignore], context=VIA_SNS).allowed is False


def test_not_action_matches_actions_in_any_case() -> None:
    all_but = [{"Effect": "Allow", "NotAction": "SNS:PUBLISH", "Resource": "*"}]
    assert decide(ROLE, "sns:Publish", TOPIC, all_but).allowed is False


@pytest.mark.parametrize(
    ("statement", "allowed"),
    [
        (allow(Principal={"AWS": "*"}), True),
        ({"Effect": "Allow", "Action": "sns:Publish", "Resource": TOPIC}, False),  # no Principal
    ],
)
def test_who_a_resource_policy_statement_is_about(statement: dict[str, Any], allowed: bool) -> None:
    assert decide(ROLE, "sns:Publish", TOPIC, [], resource_policy=[statement]).allowed is allowed


def test_a_boundary_that_allows_only_under_a_condition_leaves_it_undecided() -> None:
    decision = decide(ROLE, "sns:Publish", TOPIC, [allow()], boundary=[allow(Condition=CONDITION)])
    assert decision.allowed is None


def test_a_principal_written_as_a_star_is_every_aws_principal() -> None:
    assert holds([{**REQUIRED, "Principal": "*"}], {**REQUIRED, "Principal": {"AWS": "*"}})


def test_an_undecided_answer_names_only_the_statements_that_leave_it_open() -> None:
    decision = decide(
        ROLE,
        "sns:Publish",
        TOPIC,
        [allow(Sid="Own")],
        boundary=[allow(Condition=CONDITION, Sid="Fence")],
    )
    assert decision.reason == (
        "only under a condition do the permissions boundary (statement Fence) allow it"
    )
    not_principal = allow(NotPrincipal={"AWS": "arn:aws:iam::1:root"}, Sid="AllBut")
    decision = decide(ROLE, "sns:Publish", TOPIC, [], resource_policy=[not_principal])
    assert decision.reason == (
        "only under a condition do the resource's policy (statement AllBut) allow it"
    )


SOURCE = {"events:source": "sfn-deadline-monitor"}
BUS = "arn:aws:events:us-east-1:123456789012:event-bus/incidents"


@pytest.mark.parametrize(
    ("condition", "context", "allowed"),
    [
        ({"ForAllValues:StringEquals": {"events:source": ["sfn-deadline-monitor"]}}, SOURCE, True),
        ({"ForAllValues:StringEquals": {"events:source": ["billing"]}}, SOURCE, False),
        ({"ForAnyValue:StringLike": {"events:source": ["sfn-*"]}}, SOURCE, True),
        ({"ForAllValues:StringEquals": {"events:source": ["sfn-deadline-monitor"]}}, {}, None),
        ({"Null": {"events:source": "false"}}, SOURCE, True),
        ({"Null": {"events:source": "true"}}, SOURCE, False),
        ({"Null": {"events:source": "false"}}, {}, None),
        ({"ForEveryValue:StringEquals": {"events:source": ["sfn-deadline-monitor"]}}, SOURCE, None),
    ],
    ids=[
        "all values one of",
        "a value not one of",
        "any value like",
        "the key unknown",
        "null false, present",
        "null true, present",
        "null, unknown",
        "no such qualifier",
    ],
)
def test_set_operators_and_null_over_one_known_value(
    condition: dict[str, Any], context: dict[str, str], allowed: bool | None
) -> None:
    """The only grant holds (True), fails (False: no statement allows it), or cannot be
    judged (None)."""
    grant = allow("events:PutEvents", BUS, Condition=condition)
    decision = decide(ROLE, "events:PutEvents", BUS, [grant], context=context)
    assert decision.allowed is allowed, decision.reason


def test_a_set_equality_of_one_value_says_what_request_it_was_written_for() -> None:
    grant = allow(
        Condition={"ForAllValues:StringEquals": {"events:source": ["sfn-deadline-monitor"]}}
    )
    assert written_for(grant) == SOURCE
