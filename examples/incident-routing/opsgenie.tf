# Opsgenie, through its Alert API (docs.opsgenie.com/docs/alert-api): a problem creates an
# alert with alias = the incident key, which Opsgenie deduplicates on; the RECOVERED
# closes the alert of that alias (POST /v2/alerts/<alias>/close?identifierType=alias).

# "Authorization: GenieKey <key>", kept by EventBridge in the connection's secret in AWS
# Secrets Manager (its secret_arn output).
resource "aws_cloudwatch_event_connection" "opsgenie" {
  count = local.opsgenie ? 1 : 0

  name               = "${var.name}-opsgenie"
  authorization_type = "API_KEY"

  auth_parameters {
    api_key {
      key   = "Authorization"
      value = "GenieKey ${var.opsgenie_api_key}"
    }
  }
}

resource "aws_cloudwatch_event_api_destination" "opsgenie" {
  # The close endpoint's "*" is the alias, from the event (the target's path parameter).
  for_each = local.opsgenie ? { open = "/v2/alerts", resolve = "/v2/alerts/*/close" } : {}

  name                             = "${var.name}-opsgenie-${each.key}"
  invocation_endpoint              = "${var.opsgenie_api_url}${each.value}"
  http_method                      = "POST"
  connection_arn                   = aws_cloudwatch_event_connection.opsgenie[0].arn
  invocation_rate_limit_per_second = 10
}

resource "aws_cloudwatch_event_rule" "opsgenie" {
  # A rule per severity of a check's problems, each creating alerts of its priority; one
  # for the audit's ERROR; one per kind of RECOVERED, closing them.
  for_each = local.opsgenie ? merge(
    { for severity in ["critical", "error", "warning", "info"] : severity => jsonencode(merge(local.routes.open, {
      source = ["sfn-deadline-monitor"]
      detail = merge(local.routes.open.detail, { severity = [severity] })
    })) },
    { for route in ["audit-open", "resolve", "audit-resolve"] : route => local.patterns[route] },
  ) : {}

  name           = "${var.name}-opsgenie-${each.key}"
  description    = contains(local.resolves, each.key) ? "Close Opsgenie alerts of the ${var.name} deadline monitors" : "Create ${local.opsgenie_priorities[each.key]} Opsgenie alerts of the ${var.name} deadline monitors"
  event_bus_name = aws_cloudwatch_event_bus.incidents.name
  event_pattern  = each.value
}

resource "aws_cloudwatch_event_target" "opsgenie" {
  for_each = aws_cloudwatch_event_rule.opsgenie

  rule           = each.value.name
  event_bus_name = aws_cloudwatch_event_bus.incidents.name
  arn            = aws_cloudwatch_event_api_destination.opsgenie[contains(local.resolves, each.key) ? "resolve" : "open"].arn
  role_arn       = aws_iam_role.routes.arn

  input_transformer {
    input_paths    = local.input_paths[startswith(each.key, "audit") ? each.key : contains(local.resolves, each.key) ? "resolve" : "open"]
    input_template = contains(local.resolves, each.key) ? "{\"source\": \"sfn-deadline-monitor\", \"note\": <subject>}" : "{\"message\": <subject>, \"alias\": <incident_key>, \"priority\": \"${local.opsgenie_priorities[each.key]}\", \"source\": \"sfn-deadline-monitor\", \"entity\": <monitor>, \"tags\": [\"sfn-deadline-monitor\", <status>, <severity>], \"details\": {\"monitor\": <monitor>, \"status\": <status>, \"severity\": <severity>, \"incident_key\": <incident_key>}}"
  }

  dynamic "http_target" {
    for_each = contains(local.resolves, each.key) ? [1] : []
    content {
      path_parameter_values   = ["$.detail.incident_key"]
      query_string_parameters = { identifierType = "alias" }
    }
  }

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 24
  }

  dead_letter_config {
    arn = aws_sqs_queue.undelivered.arn
  }
}
