# The user's estate the module watches, as the demo, the apply tests and the benchmarks
# need it (the one definition, as aws-ia modules keep tests/setup): state machines that
# moto runs for real, the on-call topic, and optionally a queue subscribed to it and one
# that a rule on the alerts' event bus delivers to.
terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.76, < 7.0"
    }
  }
}

variable "name" {
  description = "Names the state machines' role: <name>-state-machines."
  type        = string
}

variable "state_machines" {
  description = "The jobs' state machine names."
  type        = set(string)
  default     = []
}

variable "failure" {
  description = "The error and cause of a run started with {\"scenario\": \"fail\"} or {\"fail\": true}."
  type        = object({ error = string, cause = string })
  default = {
    error = "Etl.LoadFailed"
    cause = "relation orders_staging is locked by another transaction"
  }
}

variable "topic_name" {
  description = "The on-call topic's name; null: no topic (a member account's estate)."
  type        = string
  default     = "on-call"
}

variable "inbox_queue_name" {
  description = "A queue subscribed to the topic, for a reader of every alert; null: none (each apply test subscribes a queue of its own)."
  type        = string
  default     = null
}

variable "events_inbox" {
  description = "A queue that a rule on bus_name hands every alert event of the module (source sfn-deadline-monitor), for a reader of the events as an incident tool's route gets them; null: none."
  type        = object({ bus_name = string, queue_name = string })
  default     = null
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

resource "aws_iam_role" "state_machines" {
  count = length(var.state_machines) > 0 ? 1 : 0

  name               = "${var.name}-state-machines"
  assume_role_policy = data.aws_iam_policy_document.states_assume.json
}

# A job whose input picks its run: {"scenario": "fail"} or {"fail": true} fails,
# {"scenario": "slow"} waits an hour, {"scenario": "quick"} two seconds; any other input
# succeeds at once. Each comparison first asks whether its field is there, as Step
# Functions fails a Choice state that compares a field the input lacks.
resource "aws_sfn_state_machine" "job" {
  for_each = var.state_machines

  name     = each.key
  role_arn = aws_iam_role.state_machines[0].arn
  definition = jsonencode({
    StartAt = "Scenario"
    States = {
      Scenario = {
        Type = "Choice"
        Choices = [
          { Variable = "$.fail", IsPresent = true, Next = "LoadFailed" },
          { And = [{ Variable = "$.scenario", IsPresent = true }, { Variable = "$.scenario", StringEquals = "fail" }], Next = "LoadFailed" },
          { And = [{ Variable = "$.scenario", IsPresent = true }, { Variable = "$.scenario", StringEquals = "slow" }], Next = "WaitForUpstream" },
          { And = [{ Variable = "$.scenario", IsPresent = true }, { Variable = "$.scenario", StringEquals = "quick" }], Next = "Transform" },
        ]
        Default = "Load"
      }
      WaitForUpstream = { Type = "Wait", Seconds = 3600, Next = "Load" }
      Transform       = { Type = "Wait", Seconds = 2, Next = "Load" }
      Load            = { Type = "Pass", End = true }
      LoadFailed      = { Type = "Fail", Error = var.failure.error, Cause = var.failure.cause }
    }
  })
}

resource "aws_sns_topic" "on_call" {
  count = var.topic_name == null ? 0 : 1

  name = var.topic_name
}

resource "aws_sqs_queue" "inbox" {
  count = var.inbox_queue_name == null ? 0 : 1

  name                    = var.inbox_queue_name
  sqs_managed_sse_enabled = true
}

resource "aws_sns_topic_subscription" "inbox" {
  count = var.inbox_queue_name == null ? 0 : 1

  topic_arn = aws_sns_topic.on_call[0].arn
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.inbox[0].arn
}

resource "aws_sqs_queue" "events_inbox" {
  count = var.events_inbox == null ? 0 : 1

  name                    = var.events_inbox.queue_name
  sqs_managed_sse_enabled = true
}

resource "aws_cloudwatch_event_rule" "events_inbox" {
  count = var.events_inbox == null ? 0 : 1

  name           = var.events_inbox.queue_name
  event_bus_name = var.events_inbox.bus_name
  event_pattern  = jsonencode({ source = ["sfn-deadline-monitor"] })
}

resource "aws_cloudwatch_event_target" "events_inbox" {
  count = var.events_inbox == null ? 0 : 1

  rule           = aws_cloudwatch_event_rule.events_inbox[0].name
  event_bus_name = var.events_inbox.bus_name
  arn            = aws_sqs_queue.events_inbox[0].arn
}

output "state_machine_arns" {
  description = "Each job's state machine ARN, by name."
  value       = { for name, job in aws_sfn_state_machine.job : name => job.arn }
}

output "state_machine_names" {
  description = "Each job's name, known at plan time (an ARN is not until apply)."
  value       = { for name, job in aws_sfn_state_machine.job : name => job.name }
}

output "topic_arn" {
  description = "The on-call topic's ARN, or null."
  value       = one(aws_sns_topic.on_call[*].arn)
}

output "inbox_url" {
  description = "The subscribed queue's URL, or null."
  value       = one(aws_sqs_queue.inbox[*].url)
}

output "events_inbox_url" {
  description = "The queue of the alert events, or null."
  value       = one(aws_sqs_queue.events_inbox[*].url)
}
