data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  function_name = "${var.name}-sfn-deadline-check"
  zip_path      = "${path.module}/dist/lambda.zip"
  topic_arn     = var.create_sns_topic ? aws_sns_topic.this[0].arn : var.sns_topic_arn

  # IAM authorizes calls on a version or alias through the state machine's own ARN, and
  # execution ARNs carry the state machine's name without the qualifier. The function's
  # own role reads only this account's state machines; a member role reads the others.
  base_state_machine_arns = { for key, m in var.monitors : key => join(":", slice(split(":", m.state_machine_arn), 0, 7)) }
  state_machine_arns      = toset([for key, arn in local.base_state_machine_arns : arn if split(":", arn)[4] == data.aws_caller_identity.current.account_id])
  execution_arns          = toset([for arn in local.state_machine_arns : "${replace(arn, ":stateMachine:", ":execution:")}:*"])
  member_role_arns        = toset([for m in values(var.monitors) : m.role_arn if m.role_arn != null])

  # Keyed by configuration only, never by ARNs that may be known only after apply.
  start_checks           = { for key, m in var.monitors : key => m if m.start_check != null }
  failure_event_monitors = { for key, m in var.monitors : key => m if m.instant_failure_alerts }
  # Rule names are capped at 64 characters: a long one keeps a hash of its monitor's key.
  # Every name starts with the prefix, which the invoke permission and the dead-letter
  # queue's policy match.
  failure_rule_prefix  = "${var.name}-sfn-failed-"
  failure_rule_pattern = "arn:${data.aws_partition.current.partition}:events:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:rule/${local.failure_rule_prefix}*"
  failure_rule_names = { for key in keys(local.failure_event_monitors) : key => (
    length("${local.failure_rule_prefix}${key}") <= 64 ? "${local.failure_rule_prefix}${key}" : "${substr("${local.failure_rule_prefix}${key}", 0, 55)}-${substr(sha1(key), 0, 8)}"
  ) }

  # The check's input contract (README: "Input contract"), per schedule. The Scheduler
  # substitutes the <aws.scheduler.*> attributes at each invocation.
  scheduled_input = { for key, m in var.monitors : key => {
    version                = 1
    monitor                = key
    state_machine_arn      = m.state_machine_arn
    timezone               = m.timezone
    message_format         = m.message_format
    scheduled_time         = "<aws.scheduler.scheduled-time>"
    scheduler_execution_id = "<aws.scheduler.execution-id>"
    attempt_number         = "<aws.scheduler.attempt-number>"
  } }
  # Only a cross-account monitor's input (schedules and failure rule) names a role.
  role_input = { for key, m in var.monitors : key => { for name, arn in { role_arn = m.role_arn } : name => arn if arn != null } }

  # Keys the function uses, by a stable name for its policy statement.
  lambda_kms_keys = { for name, key in {
    AlertTopic    = var.sns_topic_kms_key_arn
    FailureQueues = var.dead_letter_queue_kms_key_arn
    StateTable    = var.create_state_table ? var.state_table_kms_key_arn : null
  } : name => key if key != null }
  scheduler_kms_keys = { for name, key in {
    DeadLetterQueue = var.dead_letter_queue_kms_key_arn
    ScheduleInput   = var.schedule_kms_key_arn
  } : name => key if key != null }
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
      condition     = split(":", local.topic_arn)[3] == data.aws_region.current.name
      error_message = "The alert topic ${local.topic_arn} must be in this module's region (${data.aws_region.current.name})."
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
      var.create_state_table ? { STATE_TABLE_NAME = aws_dynamodb_table.state[0].name } : {},
    )
  }

  tags = var.tags

  # The log group must exist first, or Lambda creates one without retention or encryption.
  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.lambda]
}

# Errors inside the function (an alert it could not publish) never reach the Scheduler's
# dead-letter queue, which sees only delivery failures: Lambda retries the asynchronous
# invocation, then keeps the event in this queue.
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

resource "aws_scheduler_schedule_group" "this" {
  name = var.name
  tags = var.tags
}

resource "aws_scheduler_schedule" "deadline" {
  #checkov:skip=CKV_AWS_297:The input holds no secret (a monitor name and a state machine ARN); schedule_kms_key_arn sets a customer-managed key where policy demands one.
  for_each = var.monitors

  name        = each.key
  group_name  = aws_scheduler_schedule_group.this.name
  description = coalesce(each.value.description, "Deadline check of ${each.value.state_machine_arn}")
  state       = each.value.enabled ? "ENABLED" : "DISABLED"

  kms_key_arn                  = var.schedule_kms_key_arn
  schedule_expression          = each.value.schedule_expression
  schedule_expression_timezone = each.value.timezone
  start_date                   = each.value.start_date
  end_date                     = each.value.end_date

  lifecycle {
    # The function reads executions in its own region, with its own role unless the
    # monitor names one: a state machine elsewhere could only ever be reported as ERROR.
    precondition {
      condition     = split(":", each.value.state_machine_arn)[3] == data.aws_region.current.name && (each.value.role_arn != null || split(":", each.value.state_machine_arn)[4] == data.aws_caller_identity.current.account_id)
      error_message = "Monitor ${each.key}: state machine ${each.value.state_machine_arn} must be in this module's region (${data.aws_region.current.name}), and in this account unless the monitor names a role_arn in the state machine's account."
    }
  }

  # A deadline is a moment, not a range: the check must fire exactly on time.
  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.this.arn
    role_arn = aws_iam_role.scheduler.arn

    # jsonencode writes < and > as \u003c and \u003e, which the Scheduler would not
    # substitute, so they are restored (no other value of the contract can hold them).
    input = replace(replace(jsonencode(merge(local.scheduled_input[each.key], local.role_input[each.key], {
      lookback_minutes  = each.value.lookback_minutes
      notify_on_success = each.value.notify_on_success
    })), "\\u003c", "<"), "\\u003e", ">")

    retry_policy {
      maximum_event_age_in_seconds = var.schedule_retry_policy.maximum_event_age_in_seconds
      maximum_retry_attempts       = var.schedule_retry_policy.maximum_retry_attempts
    }

    dead_letter_config {
      arn = aws_sqs_queue.scheduler_dead_letter.arn
    }
  }
}

# Early missing-run checks live in a group of their own, so that a monitor's two
# schedules can share its name.
resource "aws_scheduler_schedule_group" "start" {
  count = length(local.start_checks) > 0 ? 1 : 0

  name = "${var.name}-start"
  tags = var.tags
}

resource "aws_scheduler_schedule" "start" {
  #checkov:skip=CKV_AWS_297:The input holds no secret (a monitor name and a state machine ARN); schedule_kms_key_arn sets a customer-managed key where policy demands one.
  for_each = local.start_checks

  name        = each.key
  group_name  = aws_scheduler_schedule_group.start[0].name
  description = "Start check of ${each.value.state_machine_arn}: a run must have started by now"
  state       = each.value.enabled ? "ENABLED" : "DISABLED"

  kms_key_arn                  = var.schedule_kms_key_arn
  schedule_expression          = each.value.start_check.schedule_expression
  schedule_expression_timezone = each.value.timezone
  start_date                   = each.value.start_date
  end_date                     = each.value.end_date

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.this.arn
    role_arn = aws_iam_role.scheduler.arn

    input = replace(replace(jsonencode(merge(local.scheduled_input[each.key], local.role_input[each.key], {
      check            = "start"
      lookback_minutes = coalesce(each.value.start_check.lookback_minutes, each.value.lookback_minutes)
    })), "\\u003c", "<"), "\\u003e", ">")

    retry_policy {
      maximum_event_age_in_seconds = var.schedule_retry_policy.maximum_event_age_in_seconds
      maximum_retry_attempts       = var.schedule_retry_policy.maximum_retry_attempts
    }

    dead_letter_config {
      arn = aws_sqs_queue.scheduler_dead_letter.arn
    }
  }
}

# Checks the Scheduler, and failure events EventBridge, could not deliver to the function,
# kept for 14 days.
resource "aws_sqs_queue" "scheduler_dead_letter" {
  name                      = "${var.name}-sfn-deadline-scheduler-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = var.dead_letter_queue_kms_key_arn == null ? true : null
  kms_master_key_id         = var.dead_letter_queue_kms_key_arn
  tags                      = var.tags
}

# Checks that failed inside the function after Lambda's retries, kept for 14 days.
resource "aws_sqs_queue" "check_failures" {
  name                      = "${var.name}-sfn-deadline-check-failures"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = var.dead_letter_queue_kms_key_arn == null ? true : null
  kms_master_key_id         = var.dead_letter_queue_kms_key_arn
  tags                      = var.tags
}

resource "aws_sns_topic" "this" {
  count = var.create_sns_topic ? 1 : 0

  name              = "${var.name}-sfn-deadline-alerts"
  kms_master_key_id = var.sns_topic_kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  for_each = var.create_sns_topic ? var.sns_email_subscriptions : toset([])

  topic_arn = aws_sns_topic.this[0].arn
  protocol  = "email"
  endpoint  = each.value
}
