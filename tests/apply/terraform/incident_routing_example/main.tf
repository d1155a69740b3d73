# Test root module: the user's estate (a state machine, an on-call topic) and
# examples/incident-routing applied unchanged on top of it, on moto, with both routes on;
# the estate's events inbox reads every alert event on the example's bus, as the routes'
# rules are handed them.
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

module "estate" {
  source = "../../../setup/estate"

  name           = "routing"
  state_machines = ["nightly-etl"]
  events_inbox   = { bus_name = module.routing.event_bus_name, queue_name = "routing-alert-events" }
}

module "routing" {
  source = "../../../../examples/incident-routing"

  name              = "routing"
  state_machine_arn = module.estate.state_machine_arns["nightly-etl"]
  sns_topic_arn     = module.estate.topic_arn

  # Made-up keys of the vendors' shapes: the emulator calls no vendor.
  pagerduty_routing_key = "R0UT1NGKEY0123456789abcdefABCDEF"
  opsgenie_api_key      = "eb243592-faa2-4ba2-a551-1afdf565c889"
}

output "state_machine_arn" {
  value = module.estate.state_machine_arns["nightly-etl"]
}

output "event_bus_name" {
  value = module.routing.event_bus_name
}

output "events_queue_url" {
  value = module.estate.events_inbox_url
}

output "route_rule_names" {
  value = module.routing.route_rule_names
}

output "connection_secret_arns" {
  value = module.routing.connection_secret_arns
}

output "undelivered_queue_url" {
  value = module.routing.undelivered_queue_url
}

output "lambda_function_name" {
  value = module.routing.lambda_function_name
}

output "state_table_name" {
  value = module.routing.state_table_name
}

output "schedule_group_name" {
  value = "routing"
}
