"""The tags of the state machines discovery reads, as IAM's condition keys: the function's
grant on discovered state machines holds only for those tagged (iam.tf), so the doctor
judges it with each one's tags, read as the caller (GetResources, 100 a call)."""

from __future__ import annotations

from .. import aws
from ..state.registry import Manifest
from .iam_conditions import Context


def tag_contexts(m: Manifest, region: str) -> dict[str, Context]:
    """``aws:ResourceTag/<key>`` of each state machine of ``region`` tagged for discovery,
    by ARN; none without discovery."""
    if m.discovery is None:
        return {}
    tagging = aws.client("resourcegroupstaggingapi", region=region)
    pages = tagging.get_paginator("get_resources").paginate(
        TagFilters=[{"Key": f"{m.discovery.tag_prefix}deadline"}],
        ResourceTypeFilters=["states:stateMachine"],
        ResourcesPerPage=100,
    )
    return {
        mapping["ResourceARN"]: {
            f"aws:ResourceTag/{tag['Key']}": tag["Value"] for tag in mapping.get("Tags", [])
        }
        for page in pages
        for mapping in page.get("ResourceTagMappingList", [])
    }
