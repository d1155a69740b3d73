# Alarms on the monitor itself, so that a monitor that stops working is noticed. A quiet
# month has no data points: treat_missing_data = "notBreaching" keeps the alarms OK.
locals {
  alarms = var.create_alarms ? {
    check-errors = {
      description = "The deadline check function failed (it could not publish an alert, or crashed). Lambda retries; failed events go to the check-failures queue."
      namespace   = "AWS/Lambda"
      metric_name = "Errors"
      statistic   = "Sum"
      dimensions  = { FunctionName = aws_lambda_function.this.function_name }
    }
    check-throttles = {
      description = "Invocations of the deadline check function were throttled (reserved concurrency or account limit)."
      namespace   = "AWS/Lambda"
      metric_name = "Throttles"
      statistic   = "Sum"
      dimensions  = { FunctionName = aws_lambda_function.this.function_name }
    }
    scheduler-dead-letters = {
      description = "EventBridge Scheduler could not deliver checks (or EventBridge failure events) to the function; they wait in the scheduler dead-letter queue."
      namespace   = "AWS/SQS"
      metric_name = "ApproximateNumberOfMessagesVisible"
      statistic   = "Maximum"
      dimensions  = { QueueName = aws_sqs_queue.scheduler_dead_letter.name }
    }
    check-failures = {
      description = "Deadline checks failed inside the function after Lambda's retries; they wait in the check-failures queue."
      namespace   = "AWS/SQS"
      metric_name = "ApproximateNumberOfMessagesVisible"
      statistic   = "Maximum"
      dimensions  = { QueueName = aws_sqs_queue.check_failures.name }
    }
  } : {}
}

resource "aws_cloudwatch_metric_alarm" "monitor" {
  for_each = local.alarms

  alarm_name          = "${var.name}-sfn-deadline-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  statistic           = each.value.statistic
  dimensions          = each.value.dimensions
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.topic_arn]
  ok_actions          = [local.topic_arn]
  tags                = var.tags
}
