# PagerDuty, through its Events API v2 (developer.pagerduty.com/docs/events-api-v2/
# trigger-events/): a problem triggers an alert with dedup_key = the incident key, so a
# later problem of the same episode (or the same alert delivered twice) joins it; the
# RECOVERED resolves it.

# The routing key travels in the body (routing_key), added to every request by the
# connection as a secret body parameter. A connection must also authorize: the key again,
# in a header PagerDuty ignores. EventBridge keeps both in the connection's secret in AWS
# Secrets Manager (its secret_arn output).
resource "aws_cloudwatch_event_connection" "pagerduty" {
  count = local.pagerduty ? 1 : 0

  name               = "${var.name}-pagerduty"
  authorization_type = "API_KEY"

  auth_parameters {
    api_key {
      key   = "X-Routing-Key"
      value = var.pagerduty_routing_key
    }

    invocation_http_parameters {
      body {
        key             = "routing_key"
        value           = var.pagerduty_routing_key
        is_value_secret = true
      }
    }
  }
}

resource "aws_cloudwatch_event_api_destination" "pagerduty" {
  count = local.pagerduty ? 1 : 0

  name                = "${var.name}-pagerduty"
  invocation_endpoint = "https://events.pagerduty.com/v2/enqueue"
  http_method         = "POST"
  connection_arn      = aws_cloudwatch_event_connection.pagerduty[0].arn
  # PagerDuty takes about 120 events a minute per integration key (developer.pagerduty.com/
  # docs/events-api-v2/rate-limits/); EventBridge holds what exceeds the rate and retries
  # it within the target's retry policy.
  invocation_rate_limit_per_second = 2
}

resource "aws_cloudwatch_event_rule" "pagerduty" {
  for_each = local.pagerduty ? local.patterns : {}

  name           = "${var.name}-pagerduty-${each.key}"
  description    = "${contains(local.resolves, each.key) ? "Resolve" : "Trigger"} PagerDuty incidents of the ${var.name} deadline ${startswith(each.key, "audit") ? "monitor's audit" : "monitors"}"
  event_bus_name = aws_cloudwatch_event_bus.incidents.name
  event_pattern  = each.value
}

resource "aws_cloudwatch_event_target" "pagerduty" {
  for_each = aws_cloudwatch_event_rule.pagerduty

  rule           = each.value.name
  event_bus_name = aws_cloudwatch_event_bus.incidents.name
  arn            = aws_cloudwatch_event_api_destination.pagerduty[0].arn
  role_arn       = aws_iam_role.routes.arn

  input_transformer {
    input_paths = local.input_paths[each.key]
    # PagerDuty's severities are the module's: critical, error, warning, info.
    input_template = !contains(local.resolves, each.key) ? "{\"event_action\": \"trigger\", \"dedup_key\": <incident_key>, \"payload\": {\"summary\": <subject>, \"source\": <monitor>, \"severity\": <severity>, \"class\": <status>, \"group\": \"sfn-deadline-monitor\", \"custom_details\": <detail>}}" : "{\"event_action\": \"resolve\", \"dedup_key\": <incident_key>}"
  }

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 24
  }

  dead_letter_config {
    arn = aws_sqs_queue.undelivered.arn
  }
}
