# Benchmark root: the layout of the template this project grew from, for comparison.
# Per state machine: a Lambda function with its role and policy, and a schedule with its
# role and policy.
variable "monitors" {
  type = number
}

provider "aws" {
  region = "us-east-1"
}

data "aws_caller_identity" "current" {}

locals {
  zip = "${path.module}/../../../dist/lambda.zip"
  state_machines = {
    for n in range(var.monitors) : format("job-%04d", n) => format("arn:aws:states:us-east-1:%s:stateMachine:job-%04d", data.aws_caller_identity.current.account_id, n)
  }
}

# The on-call topic the alerts go to; the state machines need not exist.
module "estate" {
  source = "../../../tests/setup/estate"

  name       = "bench"
  topic_name = "bench-alerts"
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "check" {
  for_each           = local.state_machines
  name               = "seed-check-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

resource "aws_iam_role_policy" "check" {
  for_each = local.state_machines
  role     = aws_iam_role.check[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "states:ListExecutions", Resource = each.value },
      { Effect = "Allow", Action = "sns:Publish", Resource = module.estate.topic_arn },
    ]
  })
}

resource "aws_lambda_function" "check" {
  for_each         = local.state_machines
  function_name    = "seed-check-${each.key}"
  role             = aws_iam_role.check[each.key].arn
  filename         = local.zip
  source_code_hash = filebase64sha256(local.zip)
  handler          = "sfn_deadline_monitor.handler.lambda_handler"
  runtime          = "python3.13"
}

resource "aws_iam_role" "scheduler" {
  for_each           = local.state_machines
  name               = "seed-scheduler-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
}

resource "aws_iam_role_policy" "scheduler" {
  for_each = local.state_machines
  role     = aws_iam_role.scheduler[each.key].id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "lambda:InvokeFunction", Resource = aws_lambda_function.check[each.key].arn }]
  })
}

resource "aws_scheduler_schedule" "check" {
  for_each            = local.state_machines
  name                = "seed-${each.key}"
  schedule_expression = "cron(0 2 * * ? *)"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.check[each.key].arn
    role_arn = aws_iam_role.scheduler[each.key].arn
  }
}
