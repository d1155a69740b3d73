output "member_role_arn" {
  description = "The role in the member account that the check assumes to read the executions."
  value       = module.member_role.role_arn
}

output "lambda_function_name" {
  description = "Name of the check function."
  value       = module.monitor.lambda_function_name
}

output "lambda_role_arn" {
  description = "The check function's role: the only principal the member role trusts."
  value       = module.monitor.lambda_role_arn
}

output "sns_topic_arn" {
  description = "The topic the alerts go to; subscribe on-call, chat or paging tools here."
  value       = module.monitor.sns_topic_arn
}

output "schedule_arns" {
  description = "The deadline schedule of each monitor."
  value       = module.monitor.schedule_arns
}

output "schedule_group_name" {
  description = "The schedule group that holds the monitors' schedules."
  value       = module.monitor.schedule_group_name
}

output "undelivered_queue_url" {
  description = "Where checks the Scheduler could not deliver are kept."
  value       = module.monitor.undelivered_queue_url
}

output "check_failures_queue_url" {
  description = "Where checks that failed inside the function are kept."
  value       = module.monitor.check_failures_queue_url
}
