# `make demo`: what a user's estate holds (five state machines and the on-call topic, here
# with an SQS queue subscribed so the demo can read the alerts), and the module watching
# them, as a user would add it. Applied against moto.
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
  jobs = toset(["nightly-etl", "billing", "reports", "exports", "payroll"])
}

# The state machines (moto runs them: {"scenario": "fail"} fails, "slow" runs for an hour,
# "quick" for two seconds) and the on-call topic, with a queue subscribed so the demo can
# read the alerts.
module "estate" {
  source = "../tests/setup/estate"

  name             = "demo"
  state_machines   = local.jobs
  inbox_queue_name = "on-call-inbox"
  # Stands for an incident tool's route on the alerts' bus (examples/incident-routing).
  events_inbox = { bus_name = aws_cloudwatch_event_bus.incidents.name, queue_name = "demo-incident-tool" }
}

module "sfn_deadlines" {
  source = "../"

  name          = "demo"
  sns_topic_arn = module.estate.topic_arn

  # Every alert also goes on this bus, where an incident tool's route would take it
  # (examples/incident-routing); here the estate's rule hands them to a queue the demo reads.
  event_bus_name = aws_cloudwatch_event_bus.incidents.name

  # A team's state machine tagged deadline-monitor:deadline is monitored from the next
  # audit (docs/discovery.md): the demo tags one.
  discovery = { enabled = true }

  # payroll does not run on its days off: today is one (and tomorrow, should the demo
  # cross midnight UTC), so its deadline passes without a run and without an alert.
  calendars = {
    payroll-days-off = { exclude_dates = [for hours in [0, 24] : formatdate("YYYY-MM-DD", timeadd(plantimestamp(), "${hours}h"))] }
  }

  monitors = {
    payroll = {
      state_machine_arn = module.estate.state_machine_arns["payroll"]
      calendar          = "payroll-days-off"
    }
    nightly-etl = {
      state_machine_arn = module.estate.state_machine_arns["nightly-etl"]
      timezone          = "Asia/Tokyo"
    }
    billing = {
      state_machine_arn   = module.estate.state_machine_arns["billing"]
      schedule_expression = "cron(30 6 ? * MON-FRI *)"
      timezone            = "Europe/Berlin"
      lookback_minutes    = 120
    }
    # Reports are built from what nightly-etl loads: their alerts name it when it failed.
    reports = {
      state_machine_arn = module.estate.state_machine_arns["reports"]
      timezone          = "America/New_York"
      upstream          = ["nightly-etl"]
    }
    # Due every minute, for the demo to reach its deadline: runs take two seconds, and the
    # at-risk check warns when today's takes longer than its history says it should.
    exports = {
      state_machine_arn   = module.estate.state_machine_arns["exports"]
      schedule_expression = "cron(* * * * ? *)"
      lookback_minutes    = 1
      at_risk_check       = { schedule_expression = "cron(* * * * ? *)" }
    }
  }
}

resource "aws_cloudwatch_event_bus" "incidents" {
  name = "demo-incidents"
}

output "incident_queue_url" {
  value = module.estate.events_inbox_url
}

output "state_machine_arns" {
  value = module.estate.state_machine_arns
}

output "inbox_url" {
  value = module.estate.inbox_url
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

output "discovered_groups" {
  value = module.sfn_deadlines.discovered_schedule_groups
}
