# Benchmark and scale-test root: this module watching var.monitors state machines (they
# need not exist). Up to 200 monitors are granted by their exact ARNs, as by default; more
# take a read scope by name prefix, as a large estate would.
variable "monitors" {
  type = number
}

provider "aws" {
  region = "us-east-1"
}

data "aws_caller_identity" "current" {}

locals {
  read_scope = var.monitors > 200 ? { state_machine_name_prefixes = ["team-pipeline-"] } : null
}

# What the benchmark reports as the row's read grants.
output "read_scope" {
  value = local.read_scope
}

# The on-call topic the alerts go to; the state machines need not exist.
module "estate" {
  source = "../../../tests/setup/estate"

  name       = "bench"
  topic_name = "bench-alerts"
}

module "monitor" {
  source = "../../.."

  name          = "bench"
  sns_topic_arn = module.estate.topic_arn
  read_scope    = local.read_scope
  monitors = {
    for n in range(var.monitors) : format("team-pipeline-%04d", n) => {
      state_machine_arn = format("arn:aws:states:us-east-1:%s:stateMachine:team-pipeline-%04d", data.aws_caller_identity.current.account_id, n)
      timezone          = "Asia/Tokyo"
    }
  }
}
