output "lambda_function_arn" {
  description = "ARN of the check function."
  value       = aws_lambda_function.this.arn
}

output "lambda_function_name" {
  description = "Name of the check function."
  value       = aws_lambda_function.this.function_name
}

output "lambda_role_arn" {
  description = "ARN of the check function's IAM role."
  value       = aws_iam_role.lambda.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the check function (one JSON line per check)."
  value       = aws_cloudwatch_log_group.this.name
}

output "scheduler_role_arn" {
  description = "ARN of the IAM role EventBridge Scheduler uses to invoke the check."
  value       = aws_iam_role.scheduler.arn
}

output "schedule_group_name" {
  description = "Name of the schedule group that holds one schedule per monitor."
  value       = aws_scheduler_schedule_group.this.name
}

output "schedule_group_arn" {
  description = "ARN of the schedule group."
  value       = aws_scheduler_schedule_group.this.arn
}

output "schedule_arns" {
  description = "ARN of each monitor's deadline schedule, keyed by monitor."
  value       = { for key, schedule in aws_scheduler_schedule.deadline : key => schedule.arn }
}

output "sns_topic_arn" {
  description = "ARN of the topic alerts are published to (created or brought)."
  value       = local.topic_arn
}

output "dead_letter_queue_arn" {
  description = "ARN of the queue that keeps checks the Scheduler, and failure events EventBridge, could not deliver."
  value       = aws_sqs_queue.scheduler_dead_letter.arn
}

output "dead_letter_queue_url" {
  description = "URL of the queue that keeps checks the Scheduler, and failure events EventBridge, could not deliver."
  value       = aws_sqs_queue.scheduler_dead_letter.url
}

output "check_failures_queue_arn" {
  description = "ARN of the queue that keeps checks that failed inside the function after Lambda's retries."
  value       = aws_sqs_queue.check_failures.arn
}

output "check_failures_queue_url" {
  description = "URL of the queue that keeps checks that failed inside the function after Lambda's retries."
  value       = aws_sqs_queue.check_failures.url
}

output "alarm_arns" {
  description = "ARN of each alarm on the monitor itself, keyed by alarm (empty when create_alarms is false)."
  value       = { for key, alarm in aws_cloudwatch_metric_alarm.monitor : key => alarm.arn }
}

output "start_schedule_arns" {
  description = "ARN of each monitor's early start-check schedule, keyed by monitor (monitors with start_check only)."
  value       = { for key, schedule in aws_scheduler_schedule.start : key => schedule.arn }
}

output "start_schedule_group_name" {
  description = "Name of the schedule group that holds the start-check schedules (null when no monitor has one)."
  value       = one(aws_scheduler_schedule_group.start[*].name)
}

output "failure_event_rule_arns" {
  description = "ARN of each monitor's EventBridge rule for instant failure alerts, keyed by monitor."
  value       = { for key, rule in aws_cloudwatch_event_rule.failure : key => rule.arn }
}

output "state_table_name" {
  description = "Name of the DynamoDB table that keeps each monitor's last status (null when create_state_table is false)."
  value       = one(aws_dynamodb_table.state[*].name)
}

output "state_table_arn" {
  description = "ARN of the state table (null when create_state_table is false)."
  value       = one(aws_dynamodb_table.state[*].arn)
}
