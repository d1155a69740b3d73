provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  # Whether each route is wanted: the keys are secret, whether they are set is not.
  pagerduty = nonsensitive(var.pagerduty_routing_key != null)
  opsgenie  = nonsensitive(var.opsgenie_api_key != null)

  # Which alerts each route takes (docs/alerts.md#events). A check's problem opens (or
  # joins) its monitor's incident and its RECOVERED resolves it; the audit's ERROR opens
  # (or joins) the audit's incident, and its RECOVERED resolves it once nothing is left
  # open (still_open 0): one that leaves problems open carries no incident key.
  problems = ["FAILED", "LATE", "MISSING", "AT_RISK", "ERROR"]
  routes = {
    open          = { "detail-type" = ["Deadline Monitor Alert"], detail = { status = local.problems } }
    resolve       = { "detail-type" = ["Deadline Monitor Alert"], detail = { status = ["RECOVERED"] } }
    audit-open    = { "detail-type" = ["Deadline Monitor Audit"], detail = { status = ["ERROR"] } }
    audit-resolve = { "detail-type" = ["Deadline Monitor Audit"], detail = { status = ["RECOVERED"], still_open = [0] } }
  }
  patterns = { for route, match in local.routes : route => jsonencode(merge({ source = ["sfn-deadline-monitor"] }, match)) }
  resolves = toset(["resolve", "audit-resolve"])

  # What each input template takes from the event: the audit names its module where a
  # check names its monitor. An unquoted placeholder becomes a JSON value (a string between
  # quotes). EventBridge escapes no value it extracts (docs.aws.amazon.com/eventbridge/
  # latest/userguide/eb-transform-target-input.html): the strings here are names, statuses,
  # keys and the subject, which the module writes without quotes or backslashes.
  input_paths = { for route in keys(local.routes) : route => {
    incident_key = "$.detail.incident_key"
    subject      = "$.detail.subject"
    monitor      = startswith(route, "audit") ? "$.detail.module" : "$.detail.monitor"
    status       = "$.detail.status"
    severity     = "$.detail.severity"
    detail       = "$.detail"
  } }

  # Opsgenie has priorities where PagerDuty has severities: a check's problems take one
  # rule per severity; the audit's ERROR is critical.
  opsgenie_priorities = { critical = "P1", error = "P2", warning = "P3", info = "P5", audit-open = "P1" }
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
      Condition = { ArnLike = { "aws:SourceArn" = "arn:${data.aws_partition.current.partition}:events:${var.region}:${data.aws_caller_identity.current.account_id}:rule/${aws_cloudwatch_event_bus.incidents.name}/${var.name}-*" } }
    }]
  })
}
