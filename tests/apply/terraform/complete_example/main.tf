# Test root module: four state machines, then examples/complete applied unchanged.
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

# Endpoint and credentials come from the environment (AWS_ENDPOINT_URL points at moto).
provider "aws" {
  region = "us-east-1"
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "states_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "state_machines" {
  name               = "complete-state-machines"
  assume_role_policy = data.aws_iam_policy_document.states_assume.json
}

resource "aws_sfn_state_machine" "job" {
  for_each = toset(["nightly-etl", "billing", "hourly-export", "legacy-report"])

  name     = each.key
  role_arn = aws_iam_role.state_machines.arn
  definition = jsonencode({
    StartAt = "Work"
    States  = { Work = { Type = "Pass", End = true } }
  })
}

module "complete" {
  source = "../../../../examples/complete"

  nightly_etl_state_machine_arn   = aws_sfn_state_machine.job["nightly-etl"].arn
  billing_state_machine_arn       = "${aws_sfn_state_machine.job["billing"].arn}:prod"
  hourly_export_state_machine_arn = aws_sfn_state_machine.job["hourly-export"].arn
  legacy_report_state_machine_arn = aws_sfn_state_machine.job["legacy-report"].arn
  alert_email                     = "on-call@example.com"
}

output "state_machine_arns" {
  value = { for key, machine in aws_sfn_state_machine.job : key => machine.arn }
}

output "sns_topic_arn" {
  value = module.complete.sns_topic_arn
}

output "kms_key_arn" {
  value = module.complete.kms_key_arn
}

output "lambda_function_name" {
  value = module.complete.lambda_function_name
}

output "lambda_role_arn" {
  value = module.complete.lambda_role_arn
}

output "scheduler_role_arn" {
  value = module.complete.scheduler_role_arn
}

output "schedule_group_name" {
  value = module.complete.schedule_group_name
}

output "dead_letter_queue_url" {
  value = module.complete.dead_letter_queue_url
}

output "log_group_name" {
  value = module.complete.log_group_name
}

output "start_schedule_arns" {
  value = module.complete.start_schedule_arns
}

output "start_schedule_group_name" {
  value = module.complete.start_schedule_group_name
}

output "failure_event_rule_arns" {
  value = module.complete.failure_event_rule_arns
}

output "state_table_name" {
  value = module.complete.state_table_name
}

output "alarm_sns_topic_arn" {
  value = module.complete.alarm_sns_topic_arn
}

output "account_id" {
  value = data.aws_caller_identity.current.account_id
}
