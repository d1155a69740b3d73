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
  description = "Name of the schedule group that holds each monitor's deadline schedule."
  value       = aws_scheduler_schedule_group.this.name
}

output "schedule_group_arn" {
  description = "ARN of the schedule group."
  value       = aws_scheduler_schedule_group.this.arn
}

output "schedule_arns" {
  description = "ARN of each monitor's deadline schedule, keyed by monitor."
  value       = { for key, schedule in module.schedules["deadline"].schedules : key => schedule.arn }
}

output "sns_topic_arn" {
  description = "ARN of the topic alerts are published to (created or brought)."
  value       = local.topic_arn
}

output "undelivered_queue_arn" {
  description = "ARN of the queue that keeps checks the Scheduler, and failure events EventBridge, could not deliver."
  value       = aws_sqs_queue.undelivered.arn
}

output "undelivered_queue_url" {
  description = "URL of the queue that keeps checks the Scheduler, and failure events EventBridge, could not deliver."
  value       = aws_sqs_queue.undelivered.url
}

# The names 0.1.0 gave them, deprecated: kept for one minor version, then removed in a
# major release (CONTRIBUTING.md#versioning).
output "dead_letter_queue_arn" {
  description = "Deprecated: use undelivered_queue_arn (the same value); kept for one minor version."
  value       = aws_sqs_queue.undelivered.arn
}

output "dead_letter_queue_url" {
  description = "Deprecated: use undelivered_queue_url (the same value); kept for one minor version."
  value       = aws_sqs_queue.undelivered.url
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
  value       = { for key, alarm in aws_cloudwatch_metric_alarm.health : key => alarm.arn }
}

output "alarm_sns_topic_arn" {
  description = "ARN of the topic the alarms on the monitor itself notify (alarm_sns_topic_arn, or the alert topic)."
  value       = local.alarm_topic
}

output "start_schedule_arns" {
  description = "ARN of each monitor's early start-check schedule, keyed by monitor (monitors with start_check only)."
  value       = { for key, schedule in module.schedules["start"].schedules : key => schedule.arn }
}

output "start_schedule_group_name" {
  description = "Name of the schedule group that holds the start-check schedules (null when no monitor has one)."
  value       = local.schedule_groups.start
}

output "at_risk_schedule_group_name" {
  description = "Name of the schedule group that holds the at-risk schedules (null when no monitor has one)."
  value       = local.schedule_groups.at_risk
}

output "audit_schedule_group_name" {
  description = "Name of the schedule group that holds the audit's schedule, named audit (null when the audit is off)."
  value       = local.schedule_groups.audit
}

output "discovered_schedule_groups" {
  description = "Names of the schedule groups that hold the schedules discovery keeps for monitors onboarded by tag, by kind (deadline, start, at_risk); empty while discovery is off. The audit creates, updates and deletes those schedules, not Terraform."
  value       = { for kind, group in local.discovered_groups : kind => group if group != null }
}

output "failure_event_rule_arns" {
  description = "ARN of the EventBridge rule that forwards each monitor's failures for instant alerts, keyed by monitor (20 monitors share a rule)."
  value       = { for key, id in local.failure_rule_by_monitor : key => aws_cloudwatch_event_rule.failure[id].arn }
}

output "read_policy_arns" {
  description = "ARNs of the managed policies that let the check function read the monitored state machines, 20 monitors each (empty with read_scope)."
  value       = [for policy in aws_iam_policy.read : policy.arn]
}

output "kms_key_policies" {
  description = "For each customer managed key input (alert_topic, alarm_topic, failure_queues, logs, state_table, schedules), a key policy document with the statements that key needs for what the module sends through it: merge it into the key's policy (for example with source_policy_documents of an aws_iam_policy_document). It depends only on names, not on the keys, so a key created in the same configuration can use it."
  value       = { for use, statements in local.kms_key_policies : use => jsonencode({ Version = "2012-10-17", Statement = statements }) }
}

output "role_actions" {
  description = "The IAM actions each role the module creates uses, as its policies grant them (check_function, scheduler): what a permissions boundary of your estate must allow. They follow the configuration (a member role's sts:AssumeRole, the audit's reads, a key's kms: actions)."
  value       = local.role_actions
}

output "permissions_boundary_policy" {
  description = "A permissions boundary document that allows exactly the actions of role_actions, on every resource (the roles' own policies scope each action to its resources): give its ARN to iam_permissions_boundary_arn, or merge it into your estate's boundary. It depends on names only, so the boundary can be created in the same apply as the roles it bounds."
  value = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "SfnDeadlineMonitorRoles", Effect = "Allow", Action = sort(distinct(flatten(values(local.role_actions)))), Resource = "*" }]
  })
}

output "monitor_settings" {
  description = "Each monitor's settings as the module applies them, defaults filled in."
  value = { for key, m in local.monitors : key => {
    state_machine_arn      = m.state_machine_arn
    schedule_expression    = m.schedule_expression
    timezone               = m.timezone
    lookback_minutes       = m.lookback_minutes
    enabled                = m.enabled
    start_date             = m.start_date
    end_date               = m.end_date
    start_check            = m.start_check == null ? null : { schedule_expression = m.start_check.schedule_expression, lookback_minutes = local.start_check_lookbacks[key] }
    instant_failure_alerts = can(local.failure_rule_by_monitor[key])
    message_format         = m.message_format
    notify_on_success      = m.notify_on_success
    role_arn               = m.role_arn
    severities             = m.severities
  } }
}

output "state_table_name" {
  description = "Name of the DynamoDB table that keeps each monitor's last status (null when create_state_table is false)."
  value       = one(aws_dynamodb_table.state[*].name)
}

output "state_table_arn" {
  description = "ARN of the state table (null when create_state_table is false)."
  value       = one(aws_dynamodb_table.state[*].arn)
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard (null when create_dashboard is false)."
  value       = one(aws_cloudwatch_dashboard.this[*].dashboard_name)
}

# The commands as they run from the root module's directory: path.module is this module's
# directory relative to it (a local source's path, or .terraform/modules/<label>).
output "status_command" {
  description = "The command that prints each monitor's last status, last checks, next deadline and open problems, and exits 1 when any needs attention: run it as printed from your root module's directory, with your AWS credentials and a Python that has boto3. Null when create_state_table is false: the command reads the module's registry from the state table."
  value       = var.create_state_table ? "PYTHONPATH=${path.module}/dist/lambda.zip python -m sfn_deadline_monitor status --name ${var.name} --region ${local.region}" : null
}

output "doctor_command" {
  description = "The command that verifies, with read-only calls, what AWS does not report: the monitored state machines (they exist, are STANDARD and readable by the check's role), key policies, the function's permission to publish, whether each role's policies and permissions boundary allow every action it uses, schedules, failure rules, member roles, alarms and failure queues; it exits 1 when a check fails (run it as status_command). Null when create_state_table is false."
  value       = var.create_state_table ? "PYTHONPATH=${path.module}/dist/lambda.zip python -m sfn_deadline_monitor doctor --name ${var.name} --region ${local.region}" : null
}
