provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}

locals {
  # Whether each route is wanted: the keys are secret, whether they are set is not.
  pagerduty = nonsensitive(var.pagerduty_routing_key != null)
  opsgenie  = nonsensitive(var.opsgenie_api_key != null)

  # A check's problem opens (or adds to) an incident, its RECOVERED resolves it: both carry
  # the same incident key. The audit's alerts (detail-type "Deadline Monitor Audit") carry
  # none and stay with the topic. docs/alerts.md#events describes the event.
  problems = ["FAILED", "LATE", "MISSING", "AT_RISK", "ERROR"]
  patterns = { for route, statuses in { open = local.problems, resolve = ["RECOVERED"] } : route => jsonencode({
    source        = ["sfn-deadline-monitor"]
    "detail-type" = ["Deadline Monitor Alert"]
    detail        = { status = statuses }
  }) }

  # What each input template takes from the event. An unquoted placeholder becomes a JSON
  # value (a string quoted and escaped); EventBridge does not escape a placeholder inside
  # quotes, so none is (docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html).
  input_paths = {
    incident_key = "$.detail.incident_key"
    subject      = "$.detail.subject"
    monitor      = "$.detail.monitor"
    status       = "$.detail.status"
    severity     = "$.detail.severity"
    detail       = "$.detail"
  }

  # Opsgenie has priorities where PagerDuty has severities: one rule per severity.
  opsgenie_priorities = { critical = "P1", error = "P2", warning = "P3", info = "P5" }
}

# The bus the monitor puts its alerts on, beside the SNS topic.
resource "aws_cloudwatch_event_bus" "incidents" {
  name = "${var.name}-incidents"
}

module "sfn_deadlines" {
  source = "../.."

  name          = var.name
  sns_topic_arn = var.sns_topic_arn

  event_bus_name = aws_cloudwatch_event_bus.incidents.name

  monitors = {
    nightly-etl = {
      state_machine_arn = var.state_machine_arn
      timezone          = "Asia/Tokyo"
    }
  }
}

# EventBridge calls the vendors' APIs with this role (events:InvokeApiDestination).
resource "aws_iam_role" "routes" {
  name = "${var.name}-incident-routes"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
    }]
  })
}

resource "aws_iam_role_policy" "routes" {
  count = local.pagerduty || local.opsgenie ? 1 : 0

  role = aws_iam_role.routes.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "events:InvokeApiDestination"
      Resource = concat(aws_cloudwatch_event_api_destination.pagerduty[*].arn, values(aws_cloudwatch_event_api_destination.opsgenie)[*].arn)
    }]
  })
}

# An incident EventBridge could not open or resolve within an hour (the vendor down, a
# revoked key) waits here instead of vanishing: alarm on its depth.
resource "aws_sqs_queue" "undelivered" {
  name                    = "${var.name}-incident-routes-undelivered"
  sqs_managed_sse_enabled = true
}

resource "aws_sqs_queue_policy" "undelivered" {
  queue_url = aws_sqs_queue.undelivered.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.undelivered.arn
      Condition = { ArnLike = { "aws:SourceArn" = "arn:aws:events:${var.region}:${data.aws_caller_identity.current.account_id}:rule/${aws_cloudwatch_event_bus.incidents.name}/${var.name}-*" } }
    }]
  })
}
