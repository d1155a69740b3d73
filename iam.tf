# The check function's role: read the monitored executions (or assume the member roles
# that may), publish to the one topic, keep its state, write its own log group. Nothing else.
data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "lambda" {
  name                 = "${var.name}-sfn-deadline-check"
  path                 = var.iam_role_path
  permissions_boundary = var.iam_permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.lambda_assume.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "lambda" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  # This account's state machines; the others are read through their member roles.
  dynamic "statement" {
    for_each = length(local.state_machine_arns) > 0 ? {
      ReadMonitoredStateMachines = { actions = ["states:ListExecutions", "states:DescribeStateMachine"], resources = local.state_machine_arns }
      ReadMonitoredExecutions    = { actions = ["states:DescribeExecution"], resources = local.execution_arns }
    } : {}
    content {
      sid       = statement.key
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }

  dynamic "statement" {
    for_each = length(local.member_role_arns) > 0 ? [1] : []
    content {
      sid       = "AssumeMemberRoles"
      actions   = ["sts:AssumeRole"]
      resources = local.member_role_arns
    }
  }

  dynamic "statement" {
    for_each = var.create_state_table ? [1] : []
    content {
      sid       = "RememberChecks"
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
      resources = [aws_dynamodb_table.state[0].arn]
    }
  }

  statement {
    sid       = "PublishAlerts"
    actions   = ["sns:Publish"]
    resources = [local.topic_arn]
  }

  statement {
    sid       = "KeepFailedChecks"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.check_failures.arn]
  }

  # Publishing to an encrypted topic, sending to an encrypted queue and using an
  # encrypted state table all need the key.
  dynamic "statement" {
    for_each = local.lambda_kms_keys
    content {
      sid       = "UseKey${statement.key}"
      actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "lambda" {
  name   = "sfn-deadline-check"
  role   = aws_iam_role.lambda.id
  policy = data.aws_iam_policy_document.lambda.json
}

# The Scheduler's role: invoke this function only, and dead-letter what it cannot deliver.
data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    # Only schedules of this account may use the role (confused-deputy protection).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name                 = "${var.name}-sfn-deadline-scheduler"
  path                 = var.iam_role_path
  permissions_boundary = var.iam_permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.scheduler_assume.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "InvokeCheck"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.this.arn]
  }

  statement {
    sid       = "DeadLetter"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.scheduler_dead_letter.arn]
  }

  # The key of an encrypted dead-letter queue, and the key of the schedules' input.
  dynamic "statement" {
    for_each = local.scheduler_kms_keys
    content {
      sid       = "UseKey${statement.key}"
      actions   = statement.key == "DeadLetterQueue" ? ["kms:GenerateDataKey", "kms:Decrypt"] : ["kms:Decrypt"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "sfn-deadline-scheduler"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}
