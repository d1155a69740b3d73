data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  # `id` is the region's name on provider 5.x and 6.x alike (`name` is deprecated in 6.0).
  region = data.aws_region.current.id

  function_name = "${var.name}-sfn-deadline-check"
  zip_path      = "${path.module}/dist/lambda.zip"
  topic_arn     = var.create_sns_topic ? aws_sns_topic.this[0].arn : var.sns_topic_arn
  alarm_topic   = coalesce(var.alarm_sns_topic_arn, local.topic_arn)
  # The source of the alerts' events (lambda_src/sfn_deadline_monitor/alerts/bus.py).
  alert_event_source = "sfn-deadline-monitor"
  # The bus alerts are also put on, as an ARN (the IAM statement and the function's
  # client both need one); its account and region are checked on the function.
  event_bus_arn = var.event_bus_name == null || startswith(coalesce(var.event_bus_name, "-"), "arn:") ? var.event_bus_name : "arn:${local.partition}:events:${local.region}:${local.account_id}:event-bus/${var.event_bus_name}"

  names = {
    undelivered    = "${var.name}-sfn-deadline-scheduler-dlq"
    check_failures = "${var.name}-sfn-deadline-check-failures"
    state_table    = "${var.name}-sfn-deadline-state"
    alert_topic    = "${var.name}-sfn-deadline-alerts"
    scheduler_role = "${var.name}-sfn-deadline-scheduler"
  }
  # ARNs of what the module creates, built from their names: the policies that name them
  # are then known at plan, where their sizes are checked against IAM's limits.
  arn_prefix = { for service in ["logs", "lambda", "sqs", "dynamodb", "sns"] : service => "arn:${local.partition}:${service}:${local.region}:${local.account_id}" }
  arns = {
    log_group      = "${local.arn_prefix.logs}:log-group:/aws/lambda/${local.function_name}"
    function       = "${local.arn_prefix.lambda}:function:${local.function_name}"
    undelivered    = "${local.arn_prefix.sqs}:${local.names.undelivered}"
    check_failures = "${local.arn_prefix.sqs}:${local.names.check_failures}"
    state_table    = "${local.arn_prefix.dynamodb}:table/${local.names.state_table}"
    alert_topic    = var.create_sns_topic ? "${local.arn_prefix.sns}:${local.names.alert_topic}" : var.sns_topic_arn
    scheduler_role = "arn:${local.partition}:iam::${local.account_id}:role${var.iam_role_path}${local.names.scheduler_role}"
  }
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  lifecycle {
    # The function publishes with a client of its own region.
    precondition {
      condition     = split(":", local.topic_arn)[3] == local.region
      error_message = "${var.name}: The alert topic ${local.topic_arn} must be in this module's region (${local.region})."
    }
    # Another account's bus would need its policy to admit this function's role, which
    # plan cannot read from here; a rule on a bus of this account forwards events to any
    # account and region instead, with that bus's policy checked by EventBridge.
    precondition {
      condition     = local.event_bus_arn == null || try(join(":", slice(split(":", local.event_bus_arn), 3, 5)) == "${local.region}:${local.account_id}", false)
      error_message = "${var.name}: event_bus_name ${coalesce(local.event_bus_arn, "-")} must be a bus in this module's account and region (${local.account_id}, ${local.region}). Name a bus here and forward its alert events with a rule whose target is the other bus (docs/alerts.md#events)."
    }
  }

  #checkov:skip=CKV_AWS_116:Failed invocations go to an on-failure destination (aws_lambda_function_event_invoke_config.this), which keeps the error with the event, unlike a DLQ.
  #checkov:skip=CKV_AWS_117:The function only calls AWS APIs; a VPC would add NAT or endpoint costs and no protection.
  #checkov:skip=CKV_AWS_272:The package is the committed, reproducible dist/lambda.zip pinned by source_code_hash; code signing needs a signing profile the caller owns.
  #checkov:skip=CKV_AWS_173:The environment holds a topic ARN and a metrics namespace, no secrets.
  #checkov:skip=CKV_AWS_50:Each check logs one JSON line with EMF metrics; X-Ray would need xray:PutTraceSegments on "*", which AWS cannot scope.
  function_name    = local.function_name
  description      = "Checks at each deadline that the monitored Step Functions runs succeeded; alerts to SNS."
  role             = aws_iam_role.lambda.arn
  filename         = local.zip_path
  source_code_hash = filebase64sha256(local.zip_path)
  handler          = "sfn_deadline_monitor.handler.lambda_handler"
  runtime          = var.lambda_runtime
  architectures    = [var.lambda_architecture]
  memory_size      = var.lambda_memory_size
  timeout          = var.lambda_timeout

  reserved_concurrent_executions = coalesce(var.lambda_reserved_concurrent_executions, -1)

  environment {
    variables = merge(
      {
        ALERT_TOPIC_ARN   = local.topic_arn
        METRICS_NAMESPACE = var.metrics_namespace
      },
      var.create_state_table ? { STATE_TABLE_NAME = aws_dynamodb_table.state[0].name, HISTORY_RETENTION_DAYS = tostring(var.history_retention_days) } : {},
      local.event_bus_arn == null ? {} : { ALERT_EVENT_BUS_ARN = local.event_bus_arn },
    )
  }

  tags = var.tags

  # The log group must exist first, or Lambda creates one without retention or encryption;
  # the role must be able to read before the first check runs.
  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.lambda, aws_iam_role_policy_attachment.read]
}

# Errors inside the function (an alert it could not publish) never reach the undelivered
# queue, which sees only delivery failures: Lambda retries the asynchronous invocation,
# then keeps the event in the check-failures queue.
resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = aws_lambda_function.this.function_name
  maximum_retry_attempts       = var.lambda_async_retry_attempts
  maximum_event_age_in_seconds = var.lambda_async_max_event_age_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.check_failures.arn
    }
  }

  depends_on = [aws_iam_role_policy.lambda]
}

# Checks the Scheduler, and failure events EventBridge, could not deliver to the function,
# kept for 14 days (SQS's longest retention).
resource "aws_sqs_queue" "undelivered" {
  name                      = local.names.undelivered
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = var.dead_letter_queue_kms_key_arn == null ? true : null
  kms_master_key_id         = var.dead_letter_queue_kms_key_arn
  tags                      = var.tags
}

# Checks that failed inside the function after Lambda's retries, kept for 14 days.
resource "aws_sqs_queue" "check_failures" {
  name                      = local.names.check_failures
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = var.dead_letter_queue_kms_key_arn == null ? true : null
  kms_master_key_id         = var.dead_letter_queue_kms_key_arn
  tags                      = var.tags
}

resource "aws_sns_topic" "this" {
  count = var.create_sns_topic ? 1 : 0

  name              = local.names.alert_topic
  kms_master_key_id = var.sns_topic_kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  for_each = var.create_sns_topic ? var.sns_email_subscriptions : toset([])

  topic_arn     = aws_sns_topic.this[0].arn
  protocol      = "email"
  endpoint      = each.value
  filter_policy = var.sns_email_filter_policy
}
