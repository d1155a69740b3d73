# The monitoring account: the monitor itself (function, schedules, topic, queues, alarms).
provider "aws" {
  region = var.region
}

# The member account that owns the state machine, through the role your pipeline deploys
# there with. The member role is the only thing created in it.
provider "aws" {
  alias  = "member"
  region = var.region

  assume_role {
    role_arn = var.member_account_deploy_role_arn
  }
}

locals {
  tags = {
    Purpose = "sfn-deadline-monitor"
  }
}

# A role in the member account that only the monitor's function role may assume, and
# that may only read this state machine's executions. It trusts the monitoring account
# on the condition that the caller is the function role, so it can be created before the
# function role exists; Terraform still creates the function role first here, because
# monitor_role_arn refers to it.
module "member_role" {
  source    = "../../modules/member-role"
  providers = { aws = aws.member }

  name               = "${var.name}-sfn-deadline-read"
  monitor_role_arn   = module.monitor.lambda_role_arn
  state_machine_arns = [var.member_state_machine_arn]

  tags = local.tags
}

# The member account's nightly ETL starts at 03:00 and must have succeeded by 06:00
# London time. The check assumes the member role to read its executions.
module "monitor" {
  source = "../.."

  name             = var.name
  create_sns_topic = true

  monitors = {
    member-etl = {
      state_machine_arn   = var.member_state_machine_arn
      role_arn            = module.member_role.role_arn
      schedule_expression = "cron(0 6 * * ? *)"
      timezone            = "Europe/London"
      lookback_minutes    = 180
      description         = "Member account's nightly ETL, read through its member role"
    }
  }

  tags = local.tags
}
