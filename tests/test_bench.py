"""`make bench`'s measuring parts, and the docs' ties to the page it writes."""

from __future__ import annotations

import re

import boto3
from moto import mock_aws

from benchmarks import check_cost, month, terraform_times
from testkit.paths import ROOT


def _anchor(heading: str) -> str:
    """GitHub's anchor of a markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_docs_link_only_to_sections_the_benchmark_page_has() -> None:
    page = (ROOT / "benchmarks" / "README.md").read_text()
    anchors = {_anchor(h) for h in re.findall(r"^#+ (.+)$", page, flags=re.MULTILINE)}
    linked = {
        anchor
        for doc in DOCS
        for anchor in re.findall(r"benchmarks/README\.md#([\w-]+)", doc.read_text())
    }
    assert linked, "no page links to a section of benchmarks/README.md"
    assert linked <= anchors, sorted(linked - anchors)


def test_costs_month_is_the_benchmarks_month() -> None:
    costs = " ".join((ROOT / "docs" / "costs.md").read_text().split())
    assert f"a daily monitor makes {month.CHECKS_A_MONTH} checks" in costs


def test_benchmark_page_is_written_by_the_benchmark() -> None:
    page = (ROOT / "benchmarks" / "README.md").read_text()
    assert page.startswith("# Benchmarks\n\nWritten by `make bench`")
    for field in ("Command", "Commit", "Date", "Run time", "Machine", "Python", "Terraform"):
        assert re.search(rf"^\| {field} \| .+ \|$", page, flags=re.MULTILINE), field


def test_calls_are_counted_by_service_and_operation() -> None:
    with mock_aws():
        sns = boto3.client("sns", region_name="us-east-1")
        with check_cost.counted_calls() as calls:
            sns.create_topic(Name="t")
            sns.list_topics()
            sns.list_topics()
        sns.list_topics()
    assert calls == {("sns", "CreateTopic"): 1, ("sns", "ListTopics"): 2}


def test_provider_waits_are_the_time_nothing_else_went_on() -> None:
    apply = {
        "spans": {
            "aws_sqs_queue.a": (0.0, 30.0),
            "aws_iam_role.b": (0.0, 5.0),
            "module.m.aws_sqs_queue_policy.c[0]": (30.0, 55.0),
        },
        # The emulator answers twice while only the queue is being created.
        "requests": [(10.0, 11.0), (20.0, 20.5)],
    }
    timeline = terraform_times.apply_timeline(apply)
    assert timeline["emulator_busy_s"] == 1.5
    # 5 to 10, 11 to 20 and 20.5 to 30 for the queue, 30 to 55 for its policy.
    assert timeline["waiting_s"] == 48.5
    assert timeline["slow"] == {"aws_sqs_queue": [30.0], "aws_sqs_queue_policy": [25.0]}
    assert timeline["before_first_s"] == 0.0
    assert (timeline["others"], timeline["others_median_s"]) == (1, 5.0)
