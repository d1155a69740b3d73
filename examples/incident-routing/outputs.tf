output "event_bus_name" {
  description = "The bus the monitor puts its alerts on."
  value       = aws_cloudwatch_event_bus.incidents.name
}

output "route_rule_names" {
  description = "The rules that open and resolve incidents, by vendor and route."
  value = merge(
    { for route, rule in aws_cloudwatch_event_rule.pagerduty : "pagerduty-${route}" => rule.name },
    { for route, rule in aws_cloudwatch_event_rule.opsgenie : "opsgenie-${route}" => rule.name },
  )
}

output "connection_secret_arns" {
  description = "Where AWS keeps each vendor's key: the Secrets Manager secret EventBridge made for its connection."
  value = merge(
    { for c in aws_cloudwatch_event_connection.pagerduty : "pagerduty" => c.secret_arn },
    { for c in aws_cloudwatch_event_connection.opsgenie : "opsgenie" => c.secret_arn },
  )
}

output "undelivered_queue_url" {
  description = "Incidents EventBridge could not open or resolve within an hour."
  value       = aws_sqs_queue.undelivered.id
}

output "lambda_function_name" {
  description = "The check function."
  value       = module.sfn_deadlines.lambda_function_name
}

output "state_table_name" {
  description = "The monitor's state table."
  value       = module.sfn_deadlines.state_table_name
}
