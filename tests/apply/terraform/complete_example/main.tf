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

# The four jobs; examples/complete makes its own topic.
module "estate" {
  source = "../../../setup/estate"

  name           = "complete"
  state_machines = ["nightly-etl", "billing", "hourly-export", "legacy-report"]
  topic_name     = null
}

module "complete" {
  source = "../../../../examples/complete"

  nightly_etl_state_machine_arn   = module.estate.state_machine_arns["nightly-etl"]
  billing_state_machine_arn       = "${module.estate.state_machine_arns["billing"]}:prod"
  hourly_export_state_machine_arn = module.estate.state_machine_arns["hourly-export"]
  legacy_report_state_machine_arn = module.estate.state_machine_arns["legacy-report"]
  alert_email                     = "on-call@example.com"
}

output "state_machine_arns" {
  value = module.estate.state_machine_arns
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

output "undelivered_queue_url" {
  value = module.complete.undelivered_queue_url
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
