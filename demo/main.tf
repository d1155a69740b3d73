# `make demo`: what a user's estate holds (three nightly state machines and the on-call
# topic, here with an SQS queue subscribed so the demo can read the alerts), and the
# module watching the three jobs, as a user would add it. Applied against moto.
terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.76, < 7.0"
    }
  }
}

# Endpoint and credentials come from the environment: the demo points AWS_ENDPOINT_URL at moto.
provider "aws" {
  region = "us-east-1"
}

locals {
  jobs = toset(["nightly-etl", "billing", "reports", "exports"])
}

data "aws_iam_policy_document" "states_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "jobs" {
  name               = "demo-jobs"
  assume_role_policy = data.aws_iam_policy_document.states_assume.json
}

# A job that fails when started with {"scenario": "fail"}, runs for an hour with
# {"scenario": "slow"} and for two seconds with {"scenario": "quick"}: moto executes it,
# so the demo's runs are real.
resource "aws_sfn_state_machine" "job" {
  for_each = local.jobs

  name     = each.key
  role_arn = aws_iam_role.jobs.arn
  definition = jsonencode({
    StartAt = "Scenario"
    States = {
      Scenario = {
        Type = "Choice"
        Choices = [
          { Variable = "$.scenario", StringEquals = "fail", Next = "LoadFailed" },
          { Variable = "$.scenario", StringEquals = "slow", Next = "WaitForUpstream" },
          { Variable = "$.scenario", StringEquals = "quick", Next = "Transform" },
        ]
        Default = "Load"
      }
      WaitForUpstream = { Type = "Wait", Seconds = 3600, Next = "Load" }
      Transform       = { Type = "Wait", Seconds = 2, Next = "Load" }
      Load            = { Type = "Pass", End = true }
      LoadFailed      = { Type = "Fail", Error = "Etl.LoadFailed", Cause = "relation orders_staging is locked by another transaction" }
    }
  })
}

resource "aws_sns_topic" "on_call" {
  name = "on-call"
}

resource "aws_sqs_queue" "on_call_inbox" {
  name                    = "on-call-inbox"
  sqs_managed_sse_enabled = true
}

resource "aws_sns_topic_subscription" "on_call_inbox" {
  topic_arn = aws_sns_topic.on_call.arn
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.on_call_inbox.arn
}

module "sfn_deadlines" {
  source = "../"

  name          = "demo"
  sns_topic_arn = aws_sns_topic.on_call.arn

  monitors = {
    nightly-etl = {
      state_machine_arn = aws_sfn_state_machine.job["nightly-etl"].arn
      timezone          = "Asia/Tokyo"
    }
    billing = {
      state_machine_arn   = aws_sfn_state_machine.job["billing"].arn
      schedule_expression = "cron(30 6 ? * MON-FRI *)"
      timezone            = "Europe/Berlin"
      lookback_minutes    = 120
    }
    reports = {
      state_machine_arn = aws_sfn_state_machine.job["reports"].arn
      timezone          = "America/New_York"
    }
    # Due every minute, for the demo to reach its deadline: runs take two seconds, and the
    # at-risk check warns when today's takes longer than its history says it should.
    exports = {
      state_machine_arn   = aws_sfn_state_machine.job["exports"].arn
      schedule_expression = "cron(* * * * ? *)"
      lookback_minutes    = 1
      at_risk_check       = { schedule_expression = "cron(* * * * ? *)" }
    }
  }
}

output "state_machine_arns" {
  value = { for key, job in aws_sfn_state_machine.job : key => job.arn }
}

output "inbox_url" {
  value = aws_sqs_queue.on_call_inbox.url
}

output "lambda_function_name" {
  value = module.sfn_deadlines.lambda_function_name
}

output "schedule_group_name" {
  value = module.sfn_deadlines.schedule_group_name
}

output "failure_event_rule_arns" {
  value = module.sfn_deadlines.failure_event_rule_arns
}

output "at_risk_group_name" {
  value = module.sfn_deadlines.at_risk_schedule_group_name
}

output "audit_group_name" {
  value = module.sfn_deadlines.audit_schedule_group_name
}
