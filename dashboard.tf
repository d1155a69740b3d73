# A dashboard of the monitors' checks and of the monitor itself (create_dashboard).
#
# Its body does not grow with the monitors. CloudWatch draws at most 500 metrics a widget
# and 2,500 a dashboard, counting those a math expression reads, in at most 500 widgets
# (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html,
# docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html),
# and a SEARCH() graph shows at most 500 time series
# (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/search-expression-syntax.html):
# 1,000 monitors fit neither one metric each nor one search. So each per-monitor graph is
# a Metrics Insights query, which reads up to 10,000 metrics and, with ORDER BY and LIMIT,
# returns the monitors with the most of one count; one query a widget, over the last two
# weeks at most (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-limits.html).
# PutDashboard documents no size limit for the body (docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html);
# this one is about 5 KB whatever the number of monitors.
locals {
  # The counts every check's log line carries (lambda_src/sfn_deadline_monitor/metrics.py),
  # each drawn for the monitors with the most of it in the dashboard's time range.
  dashboard_problem_counts = ["FAILED", "LATE", "MISSING", "ERROR"]
  dashboard_other_counts   = ["AT_RISK", "RECOVERED", "OK", "AlertsSent"]
  dashboard_top_monitors   = 10

  dashboard_count_titles = {
    FAILED     = "FAILED checks"
    LATE       = "LATE checks"
    MISSING    = "MISSING checks"
    ERROR      = "ERROR checks (the check could not judge)"
    AT_RISK    = "AT_RISK warnings"
    RECOVERED  = "RECOVERED notices"
    OK         = "OK checks"
    AlertsSent = "Alerts sent"
    TOO_FAST   = "TOO_FAST checks (a run far shorter than usual)"
    SKIPPED    = "SKIPPED checks (calendar days off)"
  }

  # Names in double quotes: a namespace may hold "/", and a metric name may be a reserved
  # word (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-querylanguage.html).
  dashboard_top_monitors_queries = { for count in concat(local.dashboard_problem_counts, local.dashboard_other_counts, ["TOO_FAST", "SKIPPED"]) : count => format(
    "SELECT SUM(\"%s\") FROM SCHEMA(\"%s\", \"Monitor\") GROUP BY \"Monitor\" ORDER BY SUM() DESC LIMIT %d",
    count, var.metrics_namespace, local.dashboard_top_monitors,
  ) }

  # The problems in a row of four, the other counts in a row of four below.
  dashboard_count_rows = [local.dashboard_problem_counts, local.dashboard_other_counts]
  dashboard_count_widgets = flatten([for row, counts in local.dashboard_count_rows : [for column, count in counts : {
    type   = "metric"
    x      = column * 24 / length(counts)
    y      = 2 + row * 6
    width  = 24 / length(counts)
    height = 6
    properties = {
      title   = "${local.dashboard_count_titles[count]}: the ${local.dashboard_top_monitors} monitors with the most"
      region  = local.region
      view    = "timeSeries"
      period  = 3600
      metrics = [[{ expression = local.dashboard_top_monitors_queries[count], id = "q1" }]]
    }
  }]])

  # What the deadlines came to (metrics.py): the monitors that met the fewest, ran closest
  # to their deadlines, finished too fast most often, and were skipped most (their
  # calendars' days off, left out of the share met). AVG of DeadlineMet (1 or 0 a
  # deadline) is the share met; MIN of MarginSeconds the tightest finish (negative: late).
  dashboard_deadline_queries = {
    attainment = format("SELECT AVG(\"DeadlineMet\") FROM SCHEMA(\"%s\", \"Monitor\") GROUP BY \"Monitor\" ORDER BY AVG() ASC LIMIT %d", var.metrics_namespace, local.dashboard_top_monitors)
    margin     = format("SELECT MIN(\"MarginSeconds\") FROM SCHEMA(\"%s\", \"Monitor\") GROUP BY \"Monitor\" ORDER BY MIN() ASC LIMIT %d", var.metrics_namespace, local.dashboard_top_monitors)
    too_fast   = local.dashboard_top_monitors_queries["TOO_FAST"]
    skipped    = local.dashboard_top_monitors_queries["SKIPPED"]
  }
  dashboard_deadline_titles = {
    attainment = "Deadlines met (share, 1 = all): the ${local.dashboard_top_monitors} monitors with the lowest"
    margin     = "Tightest finish before the deadline (seconds; negative: late): the ${local.dashboard_top_monitors} lowest"
    too_fast   = "${local.dashboard_count_titles.TOO_FAST}: the ${local.dashboard_top_monitors} monitors with the most"
    skipped    = "${local.dashboard_count_titles.SKIPPED}: the ${local.dashboard_top_monitors} monitors with the most"
  }
  dashboard_deadline_widgets = [for column, kind in ["attainment", "margin", "too_fast", "skipped"] : {
    type   = "metric"
    x      = column * 6
    y      = 14
    width  = 6
    height = 6
    properties = {
      title   = local.dashboard_deadline_titles[kind]
      region  = local.region
      view    = "timeSeries"
      period  = 86400
      metrics = [[{ expression = local.dashboard_deadline_queries[kind], id = "q1" }]]
    }
  }]

  # The monitors a maintenance window or a pause covered, from the checks' log lines (no
  # metric of their own: one more per monitor would cost as much as the others together
  # cost a twelfth). A log widget's query names its log group with SOURCE (the dashboard
  # body's log widget: docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/
  # CloudWatch-Dashboard-Body-Structure.html).
  dashboard_hold_widget = {
    type = "log", x = 0, y = 20, width = 24, height = 6
    properties = {
      title  = "Paused or in a maintenance window: the latest check of each monitor, and until when its problem is held (empty: sent)"
      region = local.region
      view   = "table"
      query  = "SOURCE '/aws/lambda/${local.function_name}' | filter event = 'check' and hold like /^(maintenance window|paused by) / | stats latest(hold) as covered_by, latest(status) as last_status, latest(held_until) as held_until, max(@timestamp) as checked by monitor | sort monitor"
    }
  }

  # The monitor itself: the metrics its alarms watch (alarms.tf).
  dashboard_health_widgets = [
    {
      type = "metric", x = 0, y = 26, width = 8, height = 6
      properties = {
        title  = "Checks that failed or were throttled"
        region = local.region
        view   = "timeSeries"
        stat   = "Sum"
        period = 3600
        # Errors and Throttles, per function by FunctionName
        # (docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics.html).
        metrics = [
          ["AWS/Lambda", "Errors", "FunctionName", local.function_name, { label = "Function errors (retried, then the check-failures queue)" }],
          ["AWS/Lambda", "Throttles", "FunctionName", local.function_name, { label = "Throttled invocations" }],
        ]
      }
    },
    {
      type = "metric", x = 8, y = 26, width = 8, height = 6
      properties = {
        title  = "Messages waiting in the failure queues"
        region = local.region
        view   = "timeSeries"
        stat   = "Maximum"
        period = 3600
        # ApproximateNumberOfMessagesVisible, dimension QueueName
        # (docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html).
        metrics = [
          ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", local.names.undelivered, { label = "Undelivered checks and failure events" }],
          ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", local.names.check_failures, { label = "Checks that failed after Lambda's retries" }],
        ]
      }
    },
    {
      type = "metric", x = 16, y = 26, width = 8, height = 6
      properties = {
        title  = "Checks the Scheduler lost"
        region = local.region
        view   = "timeSeries"
        stat   = "Sum"
        period = 3600
        # Per schedule group, dimension ScheduleGroup
        # (docs.aws.amazon.com/scheduler/latest/UserGuide/monitoring-cloudwatch.html).
        metrics = concat([for group in local.scheduler_groups : [
          ["AWS/Scheduler", "InvocationDroppedCount", "ScheduleGroup", group, { label = "Dropped after retries (${group})" }],
          ["AWS/Scheduler", "InvocationsFailedToBeSentToDeadLetterCount", "ScheduleGroup", group, { label = "Not sent to the undelivered queue (${group})" }],
        ]]...)
      }
    },
  ]

  dashboard_intro = {
    type = "text", x = 0, y = 0, width = 24, height = 2
    properties = {
      markdown = join("\n", [
        "## ${var.name}: Step Functions deadlines",
        "Each check counts 1 in its status and 1 in AlertsSent when it published an alert (namespace `${var.metrics_namespace}`, dimension `Monitor`). The graphs show the ${local.dashboard_top_monitors} monitors with the most of each count in the time range (Metrics Insights: two weeks at most); the third row, the deadlines met (DeadlineMet) and how close they were (MarginSeconds), daily, for the monitors that did worst (for months, `python -m sfn_deadline_monitor report`), and the checks skipped on their calendars' days off (SKIPPED: nothing sent); the fourth, the monitors a maintenance window or a pause (`pause`) covered, from the checks' log lines; the bottom row is the monitor itself. Written by Terraform: edits made here are overwritten.",
      ])
    }
  }
}

resource "aws_cloudwatch_dashboard" "this" {
  count = var.create_dashboard ? 1 : 0

  dashboard_name = "${var.name}-sfn-deadline"
  dashboard_body = jsonencode({
    start   = "-P7D"
    widgets = concat([local.dashboard_intro], local.dashboard_count_widgets, local.dashboard_deadline_widgets, [local.dashboard_hold_widget], local.dashboard_health_widgets)
  })
}
