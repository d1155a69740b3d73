# Test root module: a state machine in a member account (111122223333, reached through a
# deploy role, as moto keeps accounts apart), then examples/cross-account applied
# unchanged from the monitoring account.
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

locals {
  member_deploy_role_arn = "arn:aws:iam::111122223333:role/deployer"
}

# Endpoint and credentials come from the environment (AWS_ENDPOINT_URL points at moto).
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "member"
  region = "us-east-1"
  assume_role {
    role_arn = local.member_deploy_role_arn
  }
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

resource "aws_iam_role" "member_state_machine" {
  provider           = aws.member
  name               = "member-etl-state-machine"
  assume_role_policy = data.aws_iam_policy_document.states_assume.json
}

resource "aws_sfn_state_machine" "member_etl" {
  provider = aws.member
  name     = "member-etl"
  role_arn = aws_iam_role.member_state_machine.arn
  # Fails when started with {"fail": true}: moto runs it, so tests get a real FAILED run.
  definition = jsonencode({
    StartAt = "Route"
    States = {
      Route = {
        Type    = "Choice"
        Choices = [{ Variable = "$.fail", IsPresent = true, Next = "Fail" }]
        Default = "Done"
      }
      Fail = { Type = "Fail", Error = "Member.LoadFailed", Cause = "the member's warehouse is read-only" }
      Done = { Type = "Pass", End = true }
    }
  })
}

# As a user would, the example is given the state machine's ARN as a value known at plan
# time (the name is configuration; the ARN attribute is not known until apply).
module "cross_account" {
  source = "../../../../examples/cross-account"

  member_account_deploy_role_arn = local.member_deploy_role_arn
  member_state_machine_arn       = "arn:aws:states:us-east-1:111122223333:stateMachine:${aws_sfn_state_machine.member_etl.name}"
}

output "member_state_machine_arn" {
  value = aws_sfn_state_machine.member_etl.arn
}

output "member_deploy_role_arn" {
  value = local.member_deploy_role_arn
}

output "member_role_arn" {
  value = module.cross_account.member_role_arn
}

output "lambda_function_name" {
  value = module.cross_account.lambda_function_name
}

output "lambda_role_arn" {
  value = module.cross_account.lambda_role_arn
}

output "sns_topic_arn" {
  value = module.cross_account.sns_topic_arn
}

output "schedule_group_name" {
  value = module.cross_account.schedule_group_name
}
