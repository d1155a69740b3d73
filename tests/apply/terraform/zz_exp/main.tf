# Test root module: what a user's estate holds (a state machine, an on-call topic; each test
# subscribes a queue of its own), plus examples/basic applied unchanged on top of it, on moto.
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

# A state machine that fails when started with {"fail": true} (moto runs it, so tests get
# a real FAILED run) and the on-call topic.
module "estate" {
  source = "../../../setup/estate"

  name           = "nightly-etl"
  state_machines = ["nightly-etl"]
}

module "basic" {
  source = "../../../../examples/basic"

  state_machine_arn = module.estate.state_machine_arns["nightly-etl"]
  sns_topic_arn     = module.estate.topic_arn
}

output "state_machine_arn" {
  value = module.estate.state_machine_arns["nightly-etl"]
}

output "topic_arn" {
  value = module.estate.topic_arn
}

output "lambda_function_name" {
  value = module.basic.lambda_function_name
}

output "schedule_group_name" {
  value = module.basic.schedule_group_name
}

output "schedule_arns" {
  value = module.basic.schedule_arns
}

output "undelivered_queue_url" {
  value = module.basic.undelivered_queue_url
}

output "check_failures_queue_arn" {
  value = module.basic.check_failures_queue_arn
}

output "check_failures_queue_url" {
  value = module.basic.check_failures_queue_url
}

output "failure_event_rule_arns" {
  value = module.basic.failure_event_rule_arns
}

output "state_table_name" {
  value = module.basic.state_table_name
}
