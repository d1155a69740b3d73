"""One reader of a role's policies: its inline and attached policies and its permissions
boundary, as statements the doctor's IAM evaluator (iam_policy.py) decides on. The doctor
and the tests' evaluation of every deployed call read roles through it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .iam_policy import Statement, statements

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient


@dataclass(frozen=True)
class Role:
    """A role's statements: its own policies', and its boundary's (None without one)."""

    arn: str
    identity: list[Statement]
    boundary: list[Statement] | None


def _managed(iam: IAMClient, arn: str) -> list[Statement]:
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document: Any = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]
    return statements(document["Document"])


def role(iam: IAMClient, arn: str) -> Role:
    name = arn.rsplit("/", 1)[-1]
    identity: list[Statement] = []
    for page in iam.get_paginator("list_role_policies").paginate(RoleName=name):
        for policy in page["PolicyNames"]:
            document: Any = iam.get_role_policy(RoleName=name, PolicyName=policy)
            identity.extend(statements(document["PolicyDocument"]))
    attached_pages = iam.get_paginator("list_attached_role_policies").paginate(RoleName=name)
    for attached_page in attached_pages:
        for attached in attached_page["AttachedPolicies"]:
            identity.extend(_managed(iam, attached["PolicyArn"]))
    boundary = iam.get_role(RoleName=name)["Role"].get("PermissionsBoundary", {})
    fence = boundary.get("PermissionsBoundaryArn")
    return Role(arn, identity, None if fence is None else _managed(iam, fence))
