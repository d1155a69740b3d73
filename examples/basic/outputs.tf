output "lambda_function_name" {
  description = "Name of the check function."
  value       = module.sfn_deadlines.lambda_function_name
}

output "schedule_arns" {
  description = "The deadline schedule of each monitor."
  value       = module.sfn_deadlines.schedule_arns
}

output "schedule_group_name" {
  description = "The schedule group that holds the monitors' schedules."
  value       = module.sfn_deadlines.schedule_group_name
}

output "undelivered_queue_url" {
  description = "Where checks the Scheduler could not deliver are kept."
  value       = module.sfn_deadlines.undelivered_queue_url
}

output "check_failures_queue_arn" {
  description = "ARN of the queue that keeps checks that failed inside the function."
  value       = module.sfn_deadlines.check_failures_queue_arn
}

output "check_failures_queue_url" {
  description = "Where checks that failed inside the function are kept."
  value       = module.sfn_deadlines.check_failures_queue_url
}

output "failure_event_rule_arns" {
  description = "The EventBridge rule that alerts at once when a run fails."
  value       = module.sfn_deadlines.failure_event_rule_arns
}

output "state_table_name" {
  description = "The table that keeps the monitor's last status (RECOVERED notices, no duplicates)."
  value       = module.sfn_deadlines.state_table_name
}
