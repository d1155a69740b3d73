"""The dashboard draws only metrics that exist: the body as Terraform renders it (a plan of
the module with a mocked provider), against the embedded metric documents of real checks'
log lines and, for AWS's own metrics, against the metrics and dimensions AWS documents."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, NamedTuple

import pytest
from botocore.exceptions import ClientError

from sfn_deadline_monitor import handler
from sfn_deadline_monitor.alerts import check_log, delivery
from sfn_deadline_monitor.check.verdict import Status
from sfn_deadline_monitor.metrics import DIMENSION, metrics_document
from sfn_deadline_monitor.state.outcomes import MET, Outcome
from testkit.account import Account
from testkit.events import at, clock, event
from testkit.mocked_plan import mocks, planned_changes
from testkit.paths import ROOT

# A mocked plan of the module: 9 s of CPU time (make quick leaves it to make test).
pytestmark = pytest.mark.terraform

DEADLINE = at("2026-03-10T17:00")

# A namespace with a "/", which a Metrics Insights query must quote.
MODULE_CALL = """module "dashboard" {
  source            = "../../"
  name              = "ops"
  sns_topic_arn     = "arn:aws:sns:us-east-1:000000000000:alerts"
  metrics_namespace = "Team/Deadlines"
  monitors = {
    nightly-orders = {
      state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
      start_check       = { schedule_expression = "cron(0 1 * * ? *)" }
    }
  }
}
"""

# AWS's metrics the dashboard may draw, with the one dimension each is drawn by and the
# resource type whose name that dimension holds.
DOCUMENTED = {
    # https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics.html
    # (Errors, Throttles; dimension FunctionName: the function, all versions and aliases)
    ("AWS/Lambda", "Errors"): ("FunctionName", "aws_lambda_function"),
    ("AWS/Lambda", "Throttles"): ("FunctionName", "aws_lambda_function"),
    # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
    # (the one dimension SQS sends is QueueName)
    ("AWS/SQS", "ApproximateNumberOfMessagesVisible"): ("QueueName", "aws_sqs_queue"),
    # https://docs.aws.amazon.com/scheduler/latest/UserGuide/monitoring-cloudwatch.html
    # (dimension ScheduleGroup)
    ("AWS/Scheduler", "InvocationDroppedCount"): ("ScheduleGroup", "aws_scheduler_schedule_group"),
    ("AWS/Scheduler", "InvocationsFailedToBeSentToDeadLetterCount"): (
        "ScheduleGroup",
        "aws_scheduler_schedule_group",
    ),
}

# CloudWatch's limits. A dashboard: 500 metrics a widget and 2,500 in all, counting those
# math expressions read (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html),
# 500 widgets (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
# A query: 2,048 characters (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html),
# 500 time series from Metrics Insights
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-limits.html).
WIDGETS_PER_DASHBOARD = 500
METRICS_PER_WIDGET = 500
METRICS_PER_DASHBOARD = 2500
EXPRESSION_LENGTH = 2048
SERIES_PER_QUERY = 500

# The one form of Metrics Insights query the dashboard uses: a metric of one namespace with
# exactly the SCHEMA's dimensions, grouped by some of them, the top or bottom LIMIT series
# by the function it selects (SUM, AVG or MIN: Metrics Insights' functions,
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-querylanguage.html).
QUERY = re.compile(
    r'SELECT (?P<function>SUM|AVG|MIN)\("(?P<metric>[^"]+)"\)'
    r' FROM SCHEMA\((?P<schema>"[^"]+"(?:, "[^"]+")*)\)'
    r"(?: GROUP BY (?P<group>\"[^\"]+\"(?:, \"[^\"]+\")*))? ORDER BY (?P=function)\(\) (?:ASC|DESC)"
    r" LIMIT (?P<limit>\d+)"
)


class Drawn(NamedTuple):
    """One metric a widget draws: by its namespace, name and dimensions; ``series`` is how
    many time series it may return (a query's LIMIT, else 1)."""

    namespace: str
    name: str
    dimensions: dict[str, str | None]
    series: int


@pytest.fixture(scope="module")
def planned() -> dict[str, dict[str, Any]]:
    """The module's planned resources, by address."""
    changes = planned_changes([MODULE_CALL], mocks(), ROOT / ".build" / "dashboard-plan")
    return {change["address"]: change["change"]["after"] for change in changes}


@pytest.fixture(scope="module")
def body(planned: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return json.loads(
        planned["module.dashboard.aws_cloudwatch_dashboard.this[0]"]["dashboard_body"]
    )


def drawn(widget: dict[str, Any]) -> Iterator[Drawn]:
    """What a metric widget draws, each query read into its namespace, metric and
    dimensions (a value of None: every value of that dimension)."""
    for entry in widget["properties"]["metrics"]:
        options = entry[-1] if isinstance(entry[-1], dict) else {}
        if "expression" in options:
            query = QUERY.fullmatch(options["expression"])
            assert query, f"an expression this test cannot read: {options['expression']}"
            namespace, *names = [n.strip('"') for n in query["schema"].split(", ")]
            grouped = [n.strip('"') for n in (query["group"] or "").split(", ") if n]
            assert set(grouped) <= set(names), f"grouped by a dimension not in the schema: {entry}"
            yield Drawn(namespace, query["metric"], dict.fromkeys(names), int(query["limit"]))
        else:
            namespace, name, *pairs = [part for part in entry if not isinstance(part, dict)]
            assert "." not in (namespace, name, *pairs), f"spell each metric out: {entry}"
            yield Drawn(namespace, name, dict(zip(pairs[::2], pairs[1::2], strict=True)), 1)


def metric_widgets(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [w for w in body["widgets"] if w["type"] == "metric"]


def emitted_by_checks(
    account: Account,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
) -> set[tuple[str, str, frozenset[str]]]:
    """Namespace, metric name and dimension names of every metric the embedded metric
    documents of real checks' log lines define: a failed run (alerted), a success (silent),
    a run that never started (alerted), a success notice that could not be published."""
    monkeypatch.setenv(check_log.NAMESPACE_ENV, env[check_log.NAMESPACE_ENV])
    failed, succeeded, missing = (account.state_machine(n) for n in ("a", "b", "c"))
    account.execution(failed, status="FAILED", start=at("2026-03-10T15:00"), stop=DEADLINE)
    account.execution(
        succeeded, status="SUCCEEDED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:30")
    )
    for monitor, machine in (("failed", failed), ("succeeded", succeeded), ("missing", missing)):
        handler.lambda_handler(event(machine, DEADLINE, monitor=monitor), None)
    monkeypatch.setenv(delivery.TOPIC_ENV, account.topic_arn + "-deleted")
    with pytest.raises(ClientError, match="NotFound"):
        handler.lambda_handler(
            event(succeeded, DEADLINE, monitor="unpublished", notify_on_success=True), None
        )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(line["monitor"], line["notified"]) for line in lines] == [
        ("failed", True),
        ("succeeded", False),
        ("missing", True),
        ("unpublished", False),
    ]
    emitted = set()
    for line in lines:
        for directive in line["_aws"]["CloudWatchMetrics"]:
            for dimensions in directive["Dimensions"]:
                assert all(isinstance(line[d], str) for d in dimensions), line
                for metric in directive["Metrics"]:
                    assert isinstance(line[metric["Name"]], int), line
                    emitted.add((directive["Namespace"], metric["Name"], frozenset(dimensions)))
    return emitted


def test_every_metric_drawn_is_one_the_checks_emit_or_aws_documents(
    account: Account,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    planned: dict[str, dict[str, Any]],
    body: dict[str, Any],
) -> None:
    function = planned["module.dashboard.aws_lambda_function.this"]
    env = function["environment"][0]["variables"]
    emitted = emitted_by_checks(account, capsys, monkeypatch, env)
    names = {
        resource_type: {
            after.get("function_name") or after["name"]
            for address, after in planned.items()
            if address.split(".")[2] == resource_type
        }
        for _, resource_type in DOCUMENTED.values()
    }
    for widget in metric_widgets(body):
        for metric in drawn(widget):
            where = f"{widget['properties']['title']}: {metric}"
            if metric.namespace.startswith("AWS/"):
                assert (metric.namespace, metric.name) in DOCUMENTED, where
                dimension, resource_type = DOCUMENTED[metric.namespace, metric.name]
                assert list(metric.dimensions) == [dimension], where
                assert metric.dimensions[dimension] in names[resource_type], where
            else:
                assert metric.namespace == env[check_log.NAMESPACE_ENV], where
                key = (metric.namespace, metric.name, frozenset(metric.dimensions))
                assert key in emitted, f"{where}: the checks emit {sorted(emitted)}"


def test_every_count_the_checks_emit_is_drawn(body: dict[str, Any]) -> None:
    """A status or count the function adds, or a deadline's figure, is missed by no one:
    the dashboard must draw it."""
    met = Outcome("any", DEADLINE, "2026-03-10", MET, DEADLINE, margin=timedelta(minutes=5))
    document = metrics_document("any", Status.OK, DEADLINE, alert_sent=False, outcome=met)
    (directive,) = document["_aws"]["CloudWatchMetrics"]
    counts = {metric["Name"] for metric in directive["Metrics"]}
    drawn_counts = {
        m.name for w in metric_widgets(body) for m in drawn(w) if m.dimensions == {DIMENSION: None}
    }
    assert drawn_counts == counts


def test_the_dashboard_keeps_within_cloudwatch_limits_whatever_the_monitors(
    body: dict[str, Any],
) -> None:
    """No metric is drawn per monitor: each count is one query, whatever the monitors."""
    widgets = metric_widgets(body)
    per_widget = [sum(m.series for m in drawn(w)) for w in widgets]
    assert len(body["widgets"]) <= WIDGETS_PER_DASHBOARD
    assert max(per_widget) <= METRICS_PER_WIDGET
    assert sum(per_widget) <= METRICS_PER_DASHBOARD
    for widget in widgets:
        for entry in widget["properties"]["metrics"]:
            expression = entry[-1].get("expression", "") if isinstance(entry[-1], dict) else ""
            assert len(expression) <= EXPRESSION_LENGTH
    assert all(m.series <= SERIES_PER_QUERY for w in widgets for m in drawn(w))
    assert "nightly-orders" not in json.dumps(body), "a monitor in the body: it grows with them"


def test_the_hold_table_reads_what_a_held_checks_log_line_holds(
    account: Account,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    planned: dict[str, dict[str, Any]],
    body: dict[str, Any],
) -> None:
    """The log widget's query filters and shows fields of a real check's line, inside a
    window, and its regular expression matches that line's hold."""
    function = planned["module.dashboard.aws_lambda_function.this"]
    (widget,) = [w for w in body["widgets"] if w["type"] == "log"]
    query = widget["properties"]["query"]
    assert query.startswith(f"SOURCE '/aws/lambda/{function['function_name']}' | ")
    window = {"name": "db", "from": "2026-03-10T16:00:00Z", "until": "2026-03-10T18:00:00Z"}
    monkeypatch.setattr(handler, "datetime", clock(DEADLINE + timedelta(minutes=1)))
    handler.lambda_handler(
        event(account.state_machine(), DEADLINE, maintenance_windows=[window]), None
    )
    (line,) = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    filtered = re.search(r"\| filter (\w+) = '(\w+)' and (\w+) like", query)
    grouped = re.search(r" by (\w+) \|", query)
    assert filtered is not None and grouped is not None
    fields = {filtered[1], filtered[3], grouped[1], *re.findall(r"latest\((\w+)\)", query)}
    assert fields == {"event", "hold", "status", "held_until", "monitor"}
    assert fields <= set(line)
    assert line[filtered[1]] == filtered[2]
    pattern = re.search(r"like /(.+?)/ \|", query)
    assert pattern is not None and re.match(pattern.group(1), line["hold"])
    assert line["hold"] == "maintenance window db until 2026-03-10T18:00:00Z"
