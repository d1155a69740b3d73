# Alarms on the monitor itself, so that a monitor that stops working is noticed. They go
# to alarm_sns_topic_arn when set: a topic of their own keeps them audible when the alert
# topic, or its key, is what broke. A quiet month has no data points:
# treat_missing_data = "notBreaching" keeps the alarms OK.
#
# Each alarm sums up to 10 metrics, as many as one alarm may read
# (docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
locals {
  metrics_per_alarm = 10

  # Counted from the function's log lines by aws_cloudwatch_log_metric_filter.state_table_errors.
  state_table_errors_metric = "StateTableErrors"

  # Every alarm's name starts so; the alarm topic's key policy admits CloudWatch for these.
  alarm_name_prefix = "${var.name}-sfn-deadline-"

  # The lost-checks metrics below, of the declared schedules' groups (8 at most) and of
  # discovery's (6) in an alarm each: together they would pass the 10 one alarm reads.
  lost_check_metrics = { for set, groups in local.scheduler_group_sets : set => flatten([for group in groups : [
    for name in ["InvocationDroppedCount", "InvocationsFailedToBeSentToDeadLetterCount"] : { namespace = "AWS/Scheduler", name = name, stat = "Sum", dimensions = { ScheduleGroup = group } }
  ]]) }

  # Filtered, not chosen by a conditional: `create_alarms ? {...} : {}` has two result types,
  # which `terraform console` (and any expression that reads it) refuses.
  health_alarms = { for key, alarm in merge(
    {
      check-errors = {
        description = "The deadline check function failed (it could not publish an alert, or crashed). Lambda retries; failed events go to the check-failures queue."
        metrics     = [{ namespace = "AWS/Lambda", name = "Errors", stat = "Sum", dimensions = { FunctionName = aws_lambda_function.this.function_name } }]
      }
      check-throttles = {
        description = "Invocations of the deadline check function were throttled (reserved concurrency or account limit)."
        metrics     = [{ namespace = "AWS/Lambda", name = "Throttles", stat = "Sum", dimensions = { FunctionName = aws_lambda_function.this.function_name } }]
      }
      scheduler-dead-letters = {
        description = "EventBridge Scheduler could not deliver checks (or EventBridge failure events) to the function; they wait in the undelivered queue."
        metrics     = [{ namespace = "AWS/SQS", name = "ApproximateNumberOfMessagesVisible", stat = "Maximum", dimensions = { QueueName = aws_sqs_queue.undelivered.name } }]
      }
      check-failures = {
        description = "Deadline checks failed inside the function after Lambda's retries; they wait in the check-failures queue. Once the cause is fixed, run them again: python -m sfn_deadline_monitor replay --name ${var.name} --region ${local.region} (docs/failure-modes.md#replaying-the-check-failures-queue)."
        metrics     = [{ namespace = "AWS/SQS", name = "ApproximateNumberOfMessagesVisible", stat = "Maximum", dimensions = { QueueName = aws_sqs_queue.check_failures.name } }]
      }
      # A failed check that Lambda could not put in the check-failures queue (the queue or
      # its key refuses the function) reaches no queue: only this metric tells
      # (docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
      lost-check-failures = {
        description = "Lambda could not put failed checks in the check-failures queue (the queue or its key policy refuses the function): those checks are lost."
        metrics     = [{ namespace = "AWS/Lambda", name = "DestinationDeliveryFailures", stat = "Sum", dimensions = { FunctionName = aws_lambda_function.this.function_name } }]
      }
      # A check the Scheduler dropped after its retries, or could not put in the undelivered
      # queue (key or queue policy), is lost without reaching any queue: only these
      # metrics tell (docs.aws.amazon.com/scheduler/latest/UserGuide/monitoring-cloudwatch.html).
      lost-checks = {
        description = "EventBridge Scheduler dropped checks or could not send them to the undelivered queue (its key policy or the queue is wrong): those checks are lost."
        metrics     = local.lost_check_metrics.declared
      }
    },
    { for key, alarm in {
      lost-discovered-checks = {
        description = "EventBridge Scheduler dropped checks of monitors onboarded by tag, or could not send them to the undelivered queue (its key policy or the queue is wrong): those checks are lost."
        metrics     = local.lost_check_metrics.discovered
      }
    } : key => alarm if length(alarm.metrics) > 0 },
    # A state table that fails after the alert was published does not fail the check (a
    # retry would publish it again): the check logs state_table_failed, counted below.
    { for key, alarm in {
      state-table-errors = {
        description = "The state table failed during checks (throttled, deleted, or its key refused the function): their alerts were sent, but until the table is back a redelivered check may alert twice and a RECOVERED may be missed. See docs/failure-modes.md#the-state-table-fails."
        metrics     = [{ namespace = var.metrics_namespace, name = local.state_table_errors_metric, stat = "Sum", dimensions = {} }]
      }
    } : key => alarm if var.create_state_table },
    # EventBridge reports a failure event it could not put in the undelivered queue per
    # rule only (docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html).
    { for index, names in chunklist(local.failure_rule_names, local.metrics_per_alarm) : format("lost-failure-events-%02d", index) => {
      description = "EventBridge could not send failure events of its rules to the undelivered queue (its key policy or the queue is wrong): those instant alerts are lost; the deadline checks still report the runs."
      metrics = [for name in names : {
        namespace = "AWS/Events", name = "InvocationsFailedToBeSentToDlq", stat = "Sum", dimensions = { RuleName = name }
      }]
    } },
  ) : key => alarm if var.create_alarms }
}

resource "aws_cloudwatch_metric_alarm" "health" {
  for_each = local.health_alarms

  alarm_name          = "${local.alarm_name_prefix}${each.key}"
  alarm_description   = each.value.description
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic]
  ok_actions          = [local.alarm_topic]
  tags                = var.tags

  dynamic "metric_query" {
    for_each = each.value.metrics
    content {
      id          = "m${metric_query.key}"
      return_data = length(each.value.metrics) == 1
      metric {
        namespace   = metric_query.value.namespace
        metric_name = metric_query.value.name
        stat        = metric_query.value.stat
        dimensions  = metric_query.value.dimensions
        period      = 300
      }
    }
  }

  dynamic "metric_query" {
    for_each = length(each.value.metrics) > 1 ? [1] : []
    content {
      id          = "total"
      expression  = "SUM(METRICS())"
      label       = "Sum of ${length(each.value.metrics)} metrics"
      return_data = true
    }
  }

  lifecycle {
    precondition {
      condition     = length(each.value.metrics) <= local.metrics_per_alarm
      error_message = "${var.name}: Alarm ${each.key} would read ${length(each.value.metrics)} metrics; CloudWatch allows ${local.metrics_per_alarm}."
    }
  }
}

# The function logs {"event": "state_table_failed", ...} when the state table failed during a
# check that still sent its alert; this filter turns those lines into a metric for the
# state-table-errors alarm (docs.aws.amazon.com/AmazonCloudWatch/latest/logs/
# FilterAndPatternSyntax.html, JSON terms).
resource "aws_cloudwatch_log_metric_filter" "state_table_errors" {
  count = var.create_alarms && var.create_state_table ? 1 : 0

  name           = "${var.name}-sfn-deadline-state-table-errors"
  log_group_name = aws_cloudwatch_log_group.this.name
  pattern        = "{ $.event = \"state_table_failed\" }"

  metric_transformation {
    name          = local.state_table_errors_metric
    namespace     = var.metrics_namespace
    value         = "1"
    default_value = null
  }
}
