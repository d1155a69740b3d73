output "sns_topic_arn" {
  description = "The encrypted topic the alerts go to; subscribe chat or paging tools here."
  value       = module.sfn_deadlines.sns_topic_arn
}

output "alarm_sns_topic_arn" {
  description = "The encrypted topic the alarms on the monitor itself go to; subscribe whoever looks after the monitor."
  value       = module.sfn_deadlines.alarm_sns_topic_arn
}

output "kms_key_arn" {
  description = "The key that encrypts the topics, the queues, the logs, the state table and the schedules' input."
  value       = aws_kms_key.monitor.arn
}

output "lambda_function_name" {
  description = "Name of the check function."
  value       = module.sfn_deadlines.lambda_function_name
}

output "lambda_role_arn" {
  description = "The check function's role."
  value       = module.sfn_deadlines.lambda_role_arn
}

output "scheduler_role_arn" {
  description = "The role EventBridge Scheduler invokes the check with."
  value       = module.sfn_deadlines.scheduler_role_arn
}

output "schedule_group_name" {
  description = "The schedule group that holds the monitors' schedules."
  value       = module.sfn_deadlines.schedule_group_name
}

output "schedule_arns" {
  description = "The deadline schedule of each monitor."
  value       = module.sfn_deadlines.schedule_arns
}

output "undelivered_queue_url" {
  description = "Where checks the Scheduler could not deliver are kept."
  value       = module.sfn_deadlines.undelivered_queue_url
}

output "log_group_name" {
  description = "The check function's logs: one JSON line per check."
  value       = module.sfn_deadlines.log_group_name
}

output "start_schedule_arns" {
  description = "The early start-check schedule of each monitor that has one."
  value       = module.sfn_deadlines.start_schedule_arns
}

output "start_schedule_group_name" {
  description = "The schedule group that holds the start checks."
  value       = module.sfn_deadlines.start_schedule_group_name
}

output "failure_event_rule_arns" {
  description = "The EventBridge rule of each monitor with instant failure alerts."
  value       = module.sfn_deadlines.failure_event_rule_arns
}

output "state_table_name" {
  description = "The table that keeps each monitor's last status."
  value       = module.sfn_deadlines.state_table_name
}
