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

# The member account's job: fails when started with {"fail": true}.
module "estate" {
  source    = "../../../setup/estate"
  providers = { aws = aws.member }

  name           = "member-etl"
  state_machines = ["member-etl"]
  topic_name     = null
  failure        = { error = "Member.LoadFailed", cause = "the member's warehouse is read-only" }
}

# As a user would, the example is given the state machine's ARN as a value known at plan
# time (the name is configuration; the ARN attribute is not known until apply).
module "cross_account" {
  source = "../../../../examples/cross-account"

  member_account_deploy_role_arn = local.member_deploy_role_arn
  member_state_machine_arn       = "arn:aws:states:us-east-1:111122223333:stateMachine:${module.estate.state_machine_names["member-etl"]}"
}

output "member_state_machine_arn" {
  value = module.estate.state_machine_arns["member-etl"]
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
