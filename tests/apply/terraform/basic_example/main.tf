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

data "aws_iam_policy_document" "states_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "state_machine" {
  name               = "nightly-etl-state-machine"
  assume_role_policy = data.aws_iam_policy_document.states_assume.json
}

resource "aws_sfn_state_machine" "nightly" {
  name     = "nightly-etl"
  role_arn = aws_iam_role.state_machine.arn
  # Fails when started with {"fail": true}: moto runs it, so tests get a real FAILED run.
  definition = jsonencode({
    StartAt = "Route"
    States = {
      Route = {
        Type    = "Choice"
        Choices = [{ Variable = "$.fail", IsPresent = true, Next = "Fail" }]
        Default = "Load"
      }
      Load = { Type = "Pass", End = true }
      Fail = { Type = "Fail", Error = "Etl.LoadFailed", Cause = "table orders is locked" }
    }
  })
}

resource "aws_sns_topic" "on_call" {
  name = "on-call"
}

module "basic" {
  source = "../../../../examples/basic"

  state_machine_arn = aws_sfn_state_machine.nightly.arn
  sns_topic_arn     = aws_sns_topic.on_call.arn
}

output "state_machine_arn" {
  value = aws_sfn_state_machine.nightly.arn
}

output "topic_arn" {
  value = aws_sns_topic.on_call.arn
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

output "dead_letter_queue_url" {
  value = module.basic.dead_letter_queue_url
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
