"""The tags of the state machines discovery reads, as IAM's condition keys: the function's
grant on discovered state machines holds only for those tagged (iam.tf), so the doctor
judges it with each one's tags, read as the caller, as discovery reads them."""

from __future__ import annotations

from .. import aws
from ..discovery.run import list_tagged
from ..state.registry import Manifest
from .iam_conditions import Context


def tag_contexts(m: Manifest, region: str) -> dict[str, Context]:
    """``aws:ResourceTag/<key>`` of each state machine of ``region`` tagged for discovery,
    by ARN; none without discovery."""
    if m.discovery is None:
        return {}
    tagging = aws.client("resourcegroupstaggingapi", region=region)
    return {
        arn: {f"aws:ResourceTag/{key}": value for key, value in tags.items()}
        for arn, tags in list_tagged(tagging, m.discovery)
    }
