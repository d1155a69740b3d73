# Assertions on the module's wiring, applied with a mocked AWS provider: no account, no
# emulator. `terraform test` runs these; apply-time behaviour is tested against moto.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "000000000000"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_region" {
    defaults = {
      id   = "us-east-1"
      name = "us-east-1"
    }
  }
  mock_data "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:us-east-1:000000000000:key/44444444-5555-4666-8777-888888888888"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:us-east-1:000000000000:function:ops-sfn-deadline-check"
    }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = {
      arn = "arn:aws:dynamodb:us-east-1:000000000000:table/ops-sfn-deadline-state"
    }
  }
  # Attributes the provider checks as ARNs; the names in them do not matter here.
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::000000000000:role/mocked"
    }
  }
  mock_resource "aws_iam_policy" {
    defaults = {
      arn = "arn:aws:iam::000000000000:policy/mocked"
    }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-east-1:000000000000:mocked"
      url = "https://sqs.us-east-1.amazonaws.com/000000000000/mocked"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:us-east-1:000000000000:ops-sfn-deadline-alerts"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/ops-sfn-deadline-check"
    }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = {
      arn = "arn:aws:events:us-east-1:000000000000:rule/mocked"
    }
  }
}

variables {
  name          = "ops"
  sns_topic_arn = "arn:aws:sns:us-east-1:000000000000:alerts"
  monitors = {
    nightly-etl = {
      state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
    }
    billing = {
      state_machine_arn   = "arn:aws:states:us-east-1:000000000000:stateMachine:billing:prod"
      schedule_expression = "cron(30 6 ? * MON-FRI *)"
      timezone            = "Europe/Berlin"
      lookback_minutes    = 60
      enabled             = false
      notify_on_success   = true
      message_format      = "json"
      start_date          = "2035-01-01T00:00:00Z"
    }
  }
}

run "one_schedule_per_monitor_one_function" {
  command = apply

  assert {
    condition     = toset(keys(module.schedules["deadline"].schedules)) == toset(["nightly-etl", "billing"])
    error_message = "There must be exactly one schedule per monitor, keyed by monitor name."
  }

  assert {
    condition     = aws_lambda_function.this.function_name == "ops-sfn-deadline-check"
    error_message = "One check function serves every monitor."
  }
}

run "daily_job_defaults" {
  command = apply

  assert {
    condition     = module.schedules["deadline"].schedules["nightly-etl"].schedule_expression == "cron(0 2 * * ? *)"
    error_message = "The default deadline is 02:00 every day."
  }

  assert {
    condition     = module.schedules["deadline"].schedules["nightly-etl"].schedule_expression_timezone == "UTC"
    error_message = "The default time zone is UTC."
  }

  assert {
    condition     = jsondecode(module.schedules["deadline"].schedules["nightly-etl"].target[0].input).lookback_minutes == 180
    error_message = "The default look-back of 3 hours covers a run that starts at 00:00 for a 02:00 deadline."
  }

  assert {
    condition     = module.schedules["deadline"].schedules["nightly-etl"].state == "ENABLED"
    error_message = "Monitors are enabled by default."
  }

  assert {
    condition = jsonencode(output.monitor_settings["nightly-etl"]) == jsonencode({
      state_machine_arn      = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
      schedule_expression    = "cron(0 2 * * ? *)"
      timezone               = "UTC"
      lookback_minutes       = 180
      enabled                = true
      start_date             = null
      end_date               = null
      start_check            = null
      instant_failure_alerts = true
      message_format         = "text"
      notify_on_success      = false
      role_arn               = null
      severities             = {}
    })
    error_message = "monitor_settings shows each monitor's settings with the defaults filled in."
  }
}

run "schedules_fire_on_time_with_the_contract" {
  command = apply

  assert {
    condition     = alltrue([for s in module.schedules["deadline"].schedules : s.flexible_time_window[0].mode == "OFF"])
    error_message = "A deadline check must fire exactly on time: flexible time window OFF."
  }

  assert {
    condition = jsondecode(module.schedules["deadline"].schedules["billing"].target[0].input) == {
      version                = 1
      monitor                = "billing"
      state_machine_arn      = "arn:aws:states:us-east-1:000000000000:stateMachine:billing:prod"
      lookback_minutes       = 60
      timezone               = "Europe/Berlin"
      notify_on_success      = true
      message_format         = "json"
      scheduled_time         = "<aws.scheduler.scheduled-time>"
      scheduler_execution_id = "<aws.scheduler.execution-id>"
      attempt_number         = "<aws.scheduler.attempt-number>"
      schedule_expression    = "cron(30 6 ? * MON-FRI *)"
    }
    error_message = "The schedule input must follow the check's input contract."
  }

  assert {
    condition     = strcontains(module.schedules["deadline"].schedules["billing"].target[0].input, "\"scheduled_time\":\"<aws.scheduler.scheduled-time>\"")
    error_message = "The context attributes must appear literally (not as \\u003c...\\u003e) for the Scheduler to substitute them."
  }

  assert {
    condition     = module.schedules["deadline"].schedules["billing"].state == "DISABLED"
    error_message = "enabled = false pauses the monitor."
  }

  assert {
    condition     = module.schedules["deadline"].schedules["billing"].start_date == "2035-01-01T00:00:00Z"
    error_message = "start_date reaches the schedule."
  }

  assert {
    condition     = alltrue([for s in module.schedules["deadline"].schedules : s.group_name == "ops"])
    error_message = "Every schedule lives in the module's own schedule group."
  }

  assert {
    condition     = alltrue([for s in module.schedules["deadline"].schedules : s.target[0].retry_policy[0].maximum_retry_attempts == 10])
    error_message = "Undelivered checks are retried before they go to the undelivered queue."
  }
}

run "least_privilege" {
  command = apply

  assert {
    condition = [for s in jsondecode(aws_iam_policy.read["00"].policy).Statement : [s.Sid, s.Action, s.Resource]] == [
      ["ReadMonitoredStateMachines", "states:ListExecutions", [
        "arn:aws:states:us-east-1:000000000000:stateMachine:billing",
        "arn:aws:states:us-east-1:000000000000:stateMachine:etl",
      ]],
      ["ReadMonitoredExecutions", "states:DescribeExecution", [
        "arn:aws:states:us-east-1:000000000000:execution:billing:*",
        "arn:aws:states:us-east-1:000000000000:execution:etl:*",
      ]],
    ]
    error_message = "ListExecutions and DescribeExecution are granted on the monitored state machines and their executions only (a version or alias through its state machine's ARN)."
  }

  assert {
    condition     = keys(aws_iam_policy.read) == ["00"] && keys(aws_iam_role_policy_attachment.read) == ["00"]
    error_message = "Two monitors' read grants fit one managed policy, attached to the function's role."
  }

  assert {
    condition = { for s in jsondecode(local.lambda_policy).Statement : s.Sid => [s.Action, s.Resource] } == {
      WriteOwnLogs       = [["logs:CreateLogStream", "logs:PutLogEvents"], "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/ops-sfn-deadline-check:*"]
      RememberChecks     = [["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], "arn:aws:dynamodb:us-east-1:000000000000:table/ops-sfn-deadline-state"]
      AuditSchedules     = ["scheduler:ListSchedules", ["*"]]
      AuditQueues        = ["sqs:GetQueueAttributes", ["arn:aws:sqs:us-east-1:000000000000:ops-sfn-deadline-scheduler-dlq", "arn:aws:sqs:us-east-1:000000000000:ops-sfn-deadline-check-failures"]]
      AuditStateMachines = ["states:ListStateMachines", ["*"]]
      PublishAlerts      = ["sns:Publish", "arn:aws:sns:us-east-1:000000000000:alerts"]
      KeepFailedChecks   = ["sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:ops-sfn-deadline-check-failures"]
    }
    error_message = "The function's inline policy holds exactly what every check and the audit need (ListSchedules and ListStateMachines take no resource), no KMS permission without keys."
  }

  assert {
    condition = jsonencode(output.role_actions) == jsonencode({
      check_function = [
        "dynamodb:BatchGetItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
        "logs:CreateLogStream", "logs:PutLogEvents", "scheduler:ListSchedules", "sns:Publish", "sqs:GetQueueAttributes",
        "sqs:SendMessage", "states:DescribeExecution", "states:ListExecutions", "states:ListStateMachines",
      ]
      scheduler = ["lambda:InvokeFunction", "sqs:SendMessage"]
    })
    error_message = "role_actions lists every action of each role's policies (the function's inline and read policies), once, sorted."
  }

  assert {
    condition = output.permissions_boundary_policy == jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid    = "SfnDeadlineMonitorRoles", Effect = "Allow", Resource = "*"
        Action = sort(distinct(concat(output.role_actions.check_function, output.role_actions.scheduler)))
      }]
    })
    error_message = "The boundary document allows exactly the roles' actions."
  }

  assert {
    condition = { for s in jsondecode(local.scheduler_policy).Statement : s.Sid => [s.Action, s.Resource] } == {
      InvokeCheck = ["lambda:InvokeFunction", "arn:aws:lambda:us-east-1:000000000000:function:ops-sfn-deadline-check"]
      DeadLetter  = ["sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:ops-sfn-deadline-scheduler-dlq"]
    }
    error_message = "The Scheduler's role may only invoke the function (lambda:InvokeFunction, never the non-existent lambda:InvokeLambda) and dead-letter."
  }

  assert {
    condition = jsondecode(aws_iam_role.scheduler.assume_role_policy).Statement[0].Condition == {
      StringEquals = { "aws:SourceAccount" = "000000000000" }
      ArnEquals = { "aws:SourceArn" = [
        "arn:aws:scheduler:us-east-1:000000000000:schedule-group/ops",
        "arn:aws:scheduler:us-east-1:000000000000:schedule-group/ops-audit",
      ] }
    }
    error_message = "The Scheduler's role trusts only the module's schedule groups, in this account."
  }

  assert {
    condition = jsondecode(output.kms_key_policies.alarm_topic).Statement[0].Condition == {
      StringEquals = { "aws:SourceAccount" = "000000000000" }
      ArnLike      = { "aws:SourceArn" = "arn:aws:cloudwatch:us-east-1:000000000000:alarm:ops-sfn-deadline-*" }
    }
    error_message = "CloudWatch may use the alarm topic's key for this module's alarms in this account only."
  }
}

run "read_grants_split_over_managed_policies" {
  command = apply

  variables {
    monitors = { for n in range(45) : format("job-%02d", n) => {
      state_machine_arn = format("arn:aws:states:us-east-1:000000000000:stateMachine:job-%02d", n)
    } }
  }

  assert {
    condition     = keys(aws_iam_policy.read) == ["00", "01", "02"] && length(jsondecode(aws_iam_policy.read["02"].policy).Statement[0].Resource) == 5
    error_message = "Read grants go 20 monitors to a managed policy."
  }

  assert {
    condition     = aws_iam_policy.read["01"].name == "ops-sfn-deadline-read-01"
    error_message = "Read policies are named after the module and their position."
  }
}

run "read_scope_grants_by_prefix" {
  command = apply

  variables {
    read_scope = { state_machine_name_prefixes = ["etl", "billing"] }
  }

  assert {
    condition     = length(aws_iam_policy.read) == 0
    error_message = "With a read scope no per-monitor policy is created."
  }

  assert {
    condition = { for s in jsondecode(local.lambda_policy).Statement : s.Sid => s.Resource if startswith(s.Sid, "Read") } == {
      ReadStateMachinesInScope = ["arn:aws:states:us-east-1:000000000000:stateMachine:etl*", "arn:aws:states:us-east-1:000000000000:stateMachine:billing*"]
      ReadExecutionsInScope    = ["arn:aws:states:us-east-1:000000000000:execution:etl*:*", "arn:aws:states:us-east-1:000000000000:execution:billing*:*"]
    }
    error_message = "read_scope grants the state machines and executions of this account and region whose names start with a prefix."
  }
}

run "created_encrypted_topic" {
  command = apply

  variables {
    sns_topic_arn           = null
    create_sns_topic        = true
    sns_topic_kms_key_arn   = "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-4333-8444-555555555555"
    sns_email_subscriptions = ["ops@example.com"]
    iam_role_path           = "/monitoring/"
  }

  assert {
    condition     = aws_sns_topic.this[0].kms_master_key_id == "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-4333-8444-555555555555"
    error_message = "The created topic is encrypted with the given key."
  }

  assert {
    condition     = aws_sns_topic_subscription.email["ops@example.com"].protocol == "email"
    error_message = "E-mail subscriptions are created for the module's topic."
  }

  assert {
    condition     = one([for s in jsondecode(local.lambda_policy).Statement : s if s.Sid == "UseKeyAlertTopic"]) == { Sid = "UseKeyAlertTopic", Effect = "Allow", Action = ["kms:GenerateDataKey", "kms:Decrypt"], Resource = "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-4333-8444-555555555555", Condition = { StringEquals = { "kms:ViaService" = "sns.us-east-1.amazonaws.com" } } }
    error_message = "The function may use the topic's key to publish, with exactly the actions SNS calls and only through SNS."
  }

  assert {
    condition     = aws_iam_role.lambda.path == "/monitoring/" && aws_iam_role.scheduler.path == "/monitoring/"
    error_message = "iam_role_path reaches both roles."
  }

  assert {
    condition     = [for s in jsondecode(output.kms_key_policies.alert_topic).Statement : s.Sid] == ["SfnDeadlineFunctionPublishes"] && jsondecode(output.kms_key_policies.alarm_topic).Statement[0].Principal == { Service = "cloudwatch.amazonaws.com" }
    error_message = "The alert topic's key must let the function publish, and the alarms' topic's key CloudWatch."
  }

  assert {
    condition     = jsondecode(output.kms_key_policies.alert_topic).Statement[0].Condition.ArnEquals["aws:PrincipalArn"] == "arn:aws:iam::000000000000:role/monitoring/ops-sfn-deadline-check"
    error_message = "The key policy names the function's role by its ARN, path included."
  }
}

run "aws_managed_key_cannot_carry_alarms" {
  command = plan

  variables {
    sns_topic_kms_key_arn = "arn:aws:kms:us-east-1:000000000000:key/33333333-4444-4555-8666-777777777777"
  }

  override_data {
    target = data.aws_kms_key.sns_aws_managed
    values = {
      arn = "arn:aws:kms:us-east-1:000000000000:key/33333333-4444-4555-8666-777777777777"
    }
  }

  expect_failures = [data.aws_kms_key.sns_aws_managed]
}

run "aws_managed_key_cannot_keep_failure_events" {
  command = plan

  variables {
    dead_letter_queue_kms_key_arn = "arn:aws:kms:us-east-1:000000000000:key/55555555-6666-4777-8888-999999999999"
  }

  override_data {
    target = data.aws_kms_key.sqs_aws_managed
    values = {
      arn = "arn:aws:kms:us-east-1:000000000000:key/55555555-6666-4777-8888-999999999999"
    }
  }

  expect_failures = [data.aws_kms_key.sqs_aws_managed]
}

run "aws_managed_sqs_key_without_failure_rules" {
  command = plan

  variables {
    dead_letter_queue_kms_key_arn = "arn:aws:kms:us-east-1:000000000000:key/55555555-6666-4777-8888-999999999999"
    monitors = {
      nightly-etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", instant_failure_alerts = false }
    }
  }

  override_data {
    target = data.aws_kms_key.sqs_aws_managed
    values = {
      arn = "arn:aws:kms:us-east-1:000000000000:key/55555555-6666-4777-8888-999999999999"
    }
  }

  assert {
    condition     = length(data.aws_kms_key.sqs_aws_managed) == 0
    error_message = "Without failure rules EventBridge sends nothing to the queues: the Scheduler and the function may use the AWS managed key."
  }
}

run "alarms_on_a_topic_of_their_own" {
  command = apply

  variables {
    alarm_sns_topic_arn         = "arn:aws:sns:us-east-1:000000000000:alarms"
    alarm_sns_topic_kms_key_arn = "arn:aws:kms:us-east-1:000000000000:key/22222222-3333-4444-8555-666666666666"
    sns_topic_kms_key_arn       = "arn:aws:kms:us-east-1:000000000000:key/33333333-4444-4555-8666-777777777777"
  }

  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.health : a.alarm_actions == toset(["arn:aws:sns:us-east-1:000000000000:alarms"]) && a.ok_actions == a.alarm_actions])
    error_message = "alarm_sns_topic_arn takes the alarms away from the alert topic."
  }

  assert {
    condition     = local.alarm_topic_key_arn == "arn:aws:kms:us-east-1:000000000000:key/22222222-3333-4444-8555-666666666666"
    error_message = "It is the alarm topic's key that must not be the AWS managed one."
  }

}

run "every_key_policy_document" {
  command = apply

  assert {
    condition     = keys(output.kms_key_policies) == ["alarm_topic", "alert_topic", "failure_queues", "logs", "schedules", "state_table"]
    error_message = "Every key input has its key policy document."
  }

  assert {
    condition     = jsondecode(output.kms_key_policies.failure_queues).Statement[0].Principal == { Service = "events.amazonaws.com" }
    error_message = "EventBridge must be allowed to put undeliverable failure events in an encrypted queue."
  }

  assert {
    condition     = jsondecode(output.kms_key_policies.logs).Statement[0].Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"] == "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/ops-sfn-deadline-check"
    error_message = "CloudWatch Logs may use the key for the function's log group only."
  }
}

run "dead_letter_queue_is_encrypted" {
  command = apply

  assert {
    condition     = aws_sqs_queue.undelivered.sqs_managed_sse_enabled == true
    error_message = "Without a key the undelivered queue uses SSE-SQS."
  }
}

run "watch_the_watcher" {
  command = apply

  variables {
    lambda_reserved_concurrent_executions = 20
    lambda_async_retry_attempts           = 1
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.this.maximum_retry_attempts == 1 && aws_lambda_function_event_invoke_config.this.maximum_event_age_in_seconds == 21600
    error_message = "Lambda's asynchronous retries are set from the inputs."
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 20
    error_message = "Reserved concurrency reaches the function."
  }

  assert {
    condition     = keys(aws_cloudwatch_metric_alarm.health) == ["check-errors", "check-failures", "check-throttles", "lost-check-failures", "lost-checks", "lost-failure-events-00", "scheduler-dead-letters", "state-table-errors"]
    error_message = "Alarms watch the function's errors and throttles, both failure queues, deliveries that reach no queue, and the state table."
  }

  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.health : a.treat_missing_data == "notBreaching" && a.alarm_actions == toset(["arn:aws:sns:us-east-1:000000000000:alerts"]) && a.ok_actions == a.alarm_actions])
    error_message = "A quiet month reads OK, and alarms notify the alert topic on ALARM and on OK."
  }

  assert {
    condition = toset([for q in aws_cloudwatch_metric_alarm.health["lost-checks"].metric_query : jsonencode([q.metric[0].namespace, q.metric[0].metric_name, q.metric[0].dimensions]) if length(q.metric) > 0]) == toset([
      jsonencode(["AWS/Scheduler", "InvocationDroppedCount", { ScheduleGroup = "ops" }]),
      jsonencode(["AWS/Scheduler", "InvocationsFailedToBeSentToDeadLetterCount", { ScheduleGroup = "ops" }]),
      jsonencode(["AWS/Scheduler", "InvocationDroppedCount", { ScheduleGroup = "ops-audit" }]),
      jsonencode(["AWS/Scheduler", "InvocationsFailedToBeSentToDeadLetterCount", { ScheduleGroup = "ops-audit" }]),
    ])
    error_message = "Checks (and audits) the Scheduler dropped or could not dead-letter raise an alarm, per schedule group."
  }

  assert {
    condition = [for q in aws_cloudwatch_metric_alarm.health["lost-failure-events-00"].metric_query : jsonencode([q.metric[0].namespace, q.metric[0].metric_name, q.metric[0].dimensions, q.return_data])] == [
      jsonencode(["AWS/Events", "InvocationsFailedToBeSentToDlq", { RuleName = "ops-sfn-failed-00" }, true]),
    ]
    error_message = "Failure events EventBridge could not dead-letter raise an alarm, per rule."
  }

  assert {
    condition     = aws_sqs_queue.check_failures.sqs_managed_sse_enabled == true
    error_message = "The check-failures queue is encrypted at rest."
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables.METRICS_NAMESPACE == "SfnDeadlineMonitor"
    error_message = "The function knows the namespace of its metrics."
  }
}

run "role_actions_follow_the_configuration" {
  command = plan

  variables {
    audit                         = { enabled = false }
    sns_topic_kms_key_arn         = "arn:aws:kms:us-east-1:000000000000:key/33333333-4444-4555-8666-777777777777"
    dead_letter_queue_kms_key_arn = "arn:aws:kms:us-east-1:000000000000:key/33333333-4444-4555-8666-777777777777"
  }

  assert {
    condition     = length(setintersection(output.role_actions.check_function, ["scheduler:ListSchedules", "sqs:GetQueueAttributes", "states:ListStateMachines"])) == 0
    error_message = "Without the audit, the function's actions hold none of the audit's reads."
  }

  assert {
    condition     = contains(output.role_actions.check_function, "kms:Decrypt") && contains(output.role_actions.scheduler, "kms:GenerateDataKey")
    error_message = "With customer managed keys, each role's actions hold the kms: actions its policy grants."
  }

  assert {
    condition     = one([for s in jsondecode(local.scheduler_policy).Statement : s.Condition if s.Sid == "UseKeyDeadLetterQueue"]) == { StringEquals = { "kms:ViaService" = "sqs.us-east-1.amazonaws.com" } }
    error_message = "The Scheduler's role may use the dead-letter queue's key only through SQS."
  }
}

run "alarms_can_be_switched_off" {
  command = apply

  variables {
    create_alarms = false
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.health) == 0
    error_message = "create_alarms = false creates no alarm."
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == -1
    error_message = "Without reserved concurrency the function is unreserved."
  }
}

run "dashboard_by_default" {
  command = plan

  assert {
    condition     = output.dashboard_name == "ops-sfn-deadline" && length(aws_cloudwatch_dashboard.this) == 1
    error_message = "A dashboard of the monitors and of the monitor itself is created by default."
  }
}

run "dashboard_can_be_switched_off" {
  command = plan

  variables {
    create_dashboard = false
  }

  assert {
    condition     = length(aws_cloudwatch_dashboard.this) == 0 && output.dashboard_name == null
    error_message = "create_dashboard = false creates no dashboard."
  }
}

run "instant_failure_alerts_by_default" {
  command = apply

  variables {
    monitors = {
      nightly-etl = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
      }
      billing = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:billing:prod"
        timezone          = "Europe/Berlin"
        message_format    = "json"
      }
      paused = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:paused"
        enabled           = false
      }
    }
  }

  assert {
    condition     = keys(aws_cloudwatch_event_rule.failure) == ["00"] && aws_cloudwatch_event_rule.failure["00"].name == "ops-sfn-failed-00"
    error_message = "Monitors share failure rules, named after the module and their position."
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.failure["00"].event_pattern) == {
      source        = ["aws.states"]
      "detail-type" = ["Step Functions Execution Status Change"]
      detail = {
        status = ["FAILED", "TIMED_OUT", "ABORTED"]
        stateMachineArn = [
          "arn:aws:states:us-east-1:000000000000:stateMachine:billing",
          "arn:aws:states:us-east-1:000000000000:stateMachine:etl",
        ]
      }
    }
    error_message = "The rule forwards failed, timed-out and aborted runs of its monitors' state machines only; a paused monitor's is not among them."
  }

  assert {
    condition = jsondecode(replace(aws_cloudwatch_event_target.failure["00"].input_transformer[0].input_template, "<aws.events.event.json>", "{}")) == {
      version = 1
      check   = "status_change"
      monitors = [
        { monitor = "billing", state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:billing:prod", timezone = "Europe/Berlin", message_format = "json" },
        { monitor = "nightly-etl", state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl" },
      ]
      event = {}
    }
    error_message = "The rule's input is the contract's status_change check: its monitors (defaults left out) around the whole event."
  }

  assert {
    condition     = endswith(aws_cloudwatch_event_target.failure["00"].input_transformer[0].input_template, ",\"event\":<aws.events.event.json>}")
    error_message = "The event is placed unquoted and last, as EventBridge requires for <aws.events.event.json>."
  }

  assert {
    condition     = length(aws_lambda_permission.failure_events) == 1 && aws_lambda_permission.failure_events[0].principal == "events.amazonaws.com" && aws_lambda_permission.failure_events[0].source_arn == "arn:aws:events:us-east-1:000000000000:rule/ops-sfn-failed-*"
    error_message = "EventBridge may invoke the function from the module's rules only, in one statement for all of them."
  }

  assert {
    condition     = alltrue([for t in aws_cloudwatch_event_target.failure : t.dead_letter_config[0].arn == aws_sqs_queue.undelivered.arn])
    error_message = "Failure events EventBridge cannot deliver go to the undelivered queue."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue_policy.undelivered[0].policy).Statement[0].Condition == { ArnLike = { "aws:SourceArn" = "arn:aws:events:us-east-1:000000000000:rule/ops-sfn-failed-*" } }
    error_message = "Only the module's rules may dead-letter into the queue."
  }

  assert {
    condition     = output.failure_event_rule_arns == { billing = aws_cloudwatch_event_rule.failure["00"].arn, nightly-etl = aws_cloudwatch_event_rule.failure["00"].arn }
    error_message = "failure_event_rule_arns says which rule hears each monitor."
  }
}

run "twenty_monitors_a_rule" {
  command = apply

  variables {
    monitors = { for n in range(41) : format("job-%02d", n) => {
      state_machine_arn = format("arn:aws:states:us-east-1:000000000000:stateMachine:job-%02d", n)
    } }
  }

  assert {
    condition     = keys(aws_cloudwatch_event_rule.failure) == ["00", "01", "02"] && length(jsondecode(aws_cloudwatch_event_rule.failure["02"].event_pattern).detail.stateMachineArn) == 1
    error_message = "A failure rule serves 20 monitors."
  }

  assert {
    condition     = keys(aws_cloudwatch_metric_alarm.health) == ["check-errors", "check-failures", "check-throttles", "lost-check-failures", "lost-checks", "lost-failure-events-00", "scheduler-dead-letters", "state-table-errors"] && length(aws_cloudwatch_metric_alarm.health["lost-failure-events-00"].metric_query) == 4
    error_message = "One alarm sums the dead-letter failures of up to 10 rules."
  }
}

run "early_start_check" {
  command = apply

  variables {
    monitors = {
      nightly-etl = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        timezone          = "Asia/Tokyo"
        start_check       = { schedule_expression = "cron(15 0 * * ? *)" }
      }
      billing = {
        state_machine_arn      = "arn:aws:states:us-east-1:000000000000:stateMachine:billing"
        instant_failure_alerts = false
      }
    }
  }

  assert {
    condition     = keys(module.schedules["start"].schedules) == ["nightly-etl"]
    error_message = "Only monitors with start_check get a start schedule."
  }

  assert {
    condition     = module.schedules["start"].schedules["nightly-etl"].group_name == "ops-start" && module.schedules["start"].schedules["nightly-etl"].name == "nightly-etl"
    error_message = "Start checks live in their own group, under the monitor's name."
  }

  assert {
    condition     = module.schedules["start"].schedules["nightly-etl"].schedule_expression == "cron(15 0 * * ? *)" && module.schedules["start"].schedules["nightly-etl"].schedule_expression_timezone == "Asia/Tokyo" && module.schedules["start"].schedules["nightly-etl"].flexible_time_window[0].mode == "OFF"
    error_message = "The start check fires on time, in the monitor's time zone."
  }

  assert {
    condition = jsondecode(module.schedules["start"].schedules["nightly-etl"].target[0].input) == {
      version                = 1
      check                  = "start"
      monitor                = "nightly-etl"
      state_machine_arn      = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
      lookback_minutes       = 180
      timezone               = "Asia/Tokyo"
      message_format         = "text"
      scheduled_time         = "<aws.scheduler.scheduled-time>"
      scheduler_execution_id = "<aws.scheduler.execution-id>"
      attempt_number         = "<aws.scheduler.attempt-number>"
      schedule_expression    = "cron(15 0 * * ? *)"
    }
    error_message = "The start check's input is the contract's start check, with the monitor's look-back by default."
  }

  assert {
    condition     = [for m in jsondecode(replace(aws_cloudwatch_event_target.failure["00"].input_transformer[0].input_template, "<aws.events.event.json>", "{}")).monitors : m.monitor] == ["nightly-etl"]
    error_message = "instant_failure_alerts = false leaves a monitor out of the failure rules."
  }

  assert {
    condition     = jsonencode(sort([for q in aws_cloudwatch_metric_alarm.health["lost-checks"].metric_query : q.metric[0].dimensions.ScheduleGroup if length(q.metric) > 0])) == jsonencode(["ops", "ops", "ops-audit", "ops-audit", "ops-start", "ops-start"])
    error_message = "The start checks' group is watched for lost checks too."
  }
}

run "at_risk_check" {
  command = apply

  variables {
    monitors = {
      nightly-etl = {
        state_machine_arn   = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        schedule_expression = "cron(0 6 * * ? *)"
        timezone            = "Asia/Tokyo"
        at_risk_check       = { schedule_expression = "cron(30 5 * * ? *)" }
      }
      billing = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:billing"
      }
    }
  }

  assert {
    condition     = keys(module.schedules["at_risk"].schedules) == ["nightly-etl"] && module.schedules["at_risk"].schedules["nightly-etl"].group_name == "ops-at-risk"
    error_message = "Only monitors with at_risk_check get an at-risk schedule, in a group of their own under the monitor's name."
  }

  assert {
    condition     = module.schedules["at_risk"].schedules["nightly-etl"].schedule_expression == "cron(30 5 * * ? *)" && module.schedules["at_risk"].schedules["nightly-etl"].schedule_expression_timezone == "Asia/Tokyo"
    error_message = "The at-risk check fires at its own time, in the monitor's time zone."
  }

  assert {
    condition = jsondecode(module.schedules["at_risk"].schedules["nightly-etl"].target[0].input) == {
      version                = 1
      check                  = "at_risk"
      monitor                = "nightly-etl"
      state_machine_arn      = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
      lookback_minutes       = 180
      timezone               = "Asia/Tokyo"
      message_format         = "text"
      deadline_expression    = "cron(0 6 * * ? *)"
      scheduled_time         = "<aws.scheduler.scheduled-time>"
      scheduler_execution_id = "<aws.scheduler.execution-id>"
      attempt_number         = "<aws.scheduler.attempt-number>"
    }
    error_message = "The at-risk check's input names the deadline's schedule, whose next fire it looks ahead to."
  }

  assert {
    condition     = contains([for q in aws_cloudwatch_metric_alarm.health["lost-checks"].metric_query : q.metric[0].dimensions.ScheduleGroup if length(q.metric) > 0], "ops-at-risk")
    error_message = "The at-risk checks' group is watched for lost checks too."
  }
}

run "audit_and_registry" {
  command = apply

  variables {
    audit = { grace_minutes = 90, message_format = "chat" }
  }

  assert {
    condition     = module.schedules["audit"].schedules["audit"].group_name == "ops-audit" && module.schedules["audit"].schedules["audit"].schedule_expression == "rate(1 hour)" && module.schedules["audit"].schedules["audit"].state == "ENABLED"
    error_message = "The audit runs hourly by default, in a group of its own."
  }

  assert {
    condition = jsondecode(module.schedules["audit"].schedules["audit"].target[0].input) == {
      version                = 1
      check                  = "audit"
      scheduled_time         = "<aws.scheduler.scheduled-time>"
      scheduler_execution_id = "<aws.scheduler.execution-id>"
      attempt_number         = "<aws.scheduler.attempt-number>"
    }
    error_message = "The audit's input is the contract's audit check: all else comes from the registry."
  }

  assert {
    condition = jsondecode(jsondecode(aws_dynamodb_table_item.manifest[0].item).manifest.S).audit == {
      schedule = "audit", grace_minutes = 90, message_format = "chat"
    } && jsondecode(aws_dynamodb_table_item.manifest[0].item).chunks.N == "1"
    error_message = "The manifest carries the audit's settings and the number of monitor chunks."
  }

  assert {
    condition = jsondecode(jsondecode(aws_dynamodb_table_item.registry["00"].item).monitors.S).billing == {
      state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:billing:prod"
      role_arn          = null
      timezone          = "Europe/Berlin"
      lookback_minutes  = 60
      enabled           = false
      schedules         = { deadline = { expression = "cron(30 6 ? * MON-FRI *)", start_date = "2035-01-01T00:00:00Z", end_date = null } }
      failure_rule      = null
    }
    error_message = "Each monitor's registry entry holds what the audit holds AWS against (a paused monitor hears no failure rule)."
  }

  assert {
    condition     = !contains(keys(jsondecode(jsondecode(aws_dynamodb_table_item.manifest[0].item).manifest.S)), "discovery") && length(aws_scheduler_schedule_group.discovered) + length(aws_scheduler_schedule_group.discovered_start) + length(aws_scheduler_schedule_group.discovered_at_risk) == 0 && length(output.discovered_schedule_groups) == 0
    error_message = "Without discovery (the default) the manifest has no discovery key, as before it existed, and there are no discovered groups."
  }
}

run "registry_chunks_of_100" {
  command = plan

  variables {
    monitors   = { for n in range(250) : format("m%03d", n) => { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:m${n}" } }
    read_scope = { state_machine_name_prefixes = ["m"] }
  }

  assert {
    condition     = keys(aws_dynamodb_table_item.registry) == ["00", "01", "02"] && length(jsondecode(jsondecode(aws_dynamodb_table_item.registry["02"].item).monitors.S)) == 50
    error_message = "250 monitors take three registry items of at most 100."
  }
}

run "state_table_on_by_default" {
  command = apply

  assert {
    condition     = aws_dynamodb_table.state[0].name == "ops-sfn-deadline-state" && aws_dynamodb_table.state[0].billing_mode == "PAY_PER_REQUEST" && aws_dynamodb_table.state[0].hash_key == "pk"
    error_message = "The state table is on-demand, keyed by pk."
  }

  assert {
    condition     = aws_dynamodb_table.state[0].ttl[0].attribute_name == "expires_at" && aws_dynamodb_table.state[0].ttl[0].enabled
    error_message = "Handled-check items expire through the table's TTL."
  }

  assert {
    condition     = aws_dynamodb_table.state[0].point_in_time_recovery[0].enabled == false && length(aws_dynamodb_table.state[0].server_side_encryption) == 0
    error_message = "By default: no point-in-time recovery, encryption with DynamoDB's AWS owned key."
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables.STATE_TABLE_NAME == "ops-sfn-deadline-state"
    error_message = "The function knows its state table."
  }
}

run "state_table_options" {
  command = apply

  variables {
    state_table_point_in_time_recovery = true
    state_table_kms_key_arn            = "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-4333-8444-555555555555"
  }

  assert {
    condition     = aws_dynamodb_table.state[0].point_in_time_recovery[0].enabled && aws_dynamodb_table.state[0].server_side_encryption[0].kms_key_arn == "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-4333-8444-555555555555"
    error_message = "Point-in-time recovery and a customer managed key can be asked for."
  }

  assert {
    condition     = one([for s in jsondecode(local.lambda_policy).Statement : s if s.Sid == "UseKeyStateTable"]) == { Sid = "UseKeyStateTable", Effect = "Allow", Action = ["kms:Decrypt"], Resource = "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-4333-8444-555555555555", Condition = { StringEquals = { "kms:ViaService" = "dynamodb.us-east-1.amazonaws.com" } } }
    error_message = "The function may decrypt the state table's key, only through DynamoDB."
  }
}

run "state_table_can_be_switched_off" {
  command = apply

  variables {
    create_state_table = false
    audit              = { enabled = false }
  }

  assert {
    condition     = length(aws_dynamodb_table.state) == 0 && !contains(keys(aws_lambda_function.this.environment[0].variables), "STATE_TABLE_NAME")
    error_message = "create_state_table = false creates no table and tells the function of none."
  }

  assert {
    condition     = length(aws_cloudwatch_log_metric_filter.state_table_errors) == 0 && !contains(keys(aws_cloudwatch_metric_alarm.health), "state-table-errors")
    error_message = "Without a state table there is no state-table-errors alarm."
  }

  assert {
    condition     = length(aws_dynamodb_table_item.manifest) == 0 && length(aws_dynamodb_table_item.registry) == 0 && length(aws_scheduler_schedule_group.audit) == 0 && length(module.schedules["audit"].schedules) == 0
    error_message = "Without the table there is no registry and no audit."
  }

  assert {
    condition     = length([for s in jsondecode(local.lambda_policy).Statement : s if s.Sid == "RememberChecks"]) == 0
    error_message = "Without a table the function gets no DynamoDB permission."
  }
}

run "cross_account_monitor" {
  command = apply

  variables {
    monitors = {
      nightly-etl = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
      }
      member-etl = {
        state_machine_arn = "arn:aws:states:us-east-1:111122223333:stateMachine:member-etl"
        role_arn          = "arn:aws:iam::111122223333:role/ops-sfn-deadline-read"
      }
    }
  }

  assert {
    condition = { for s in jsondecode(aws_iam_policy.read["00"].policy).Statement : s.Sid => s.Resource } == {
      ReadMonitoredStateMachines = ["arn:aws:states:us-east-1:000000000000:stateMachine:etl"]
      ReadMonitoredExecutions    = ["arn:aws:states:us-east-1:000000000000:execution:etl:*"]
      AssumeMemberRoles          = ["arn:aws:iam::111122223333:role/ops-sfn-deadline-read"]
    }
    error_message = "The function's own role reads only this account's state machines, and may assume exactly the monitors' member roles."
  }

  assert {
    condition     = jsondecode(module.schedules["deadline"].schedules["member-etl"].target[0].input).role_arn == "arn:aws:iam::111122223333:role/ops-sfn-deadline-read" && !contains(keys(jsondecode(module.schedules["deadline"].schedules["nightly-etl"].target[0].input)), "role_arn")
    error_message = "Only a cross-account monitor's check names the role to assume."
  }

  assert {
    condition     = [for m in jsondecode(replace(aws_cloudwatch_event_target.failure["00"].input_transformer[0].input_template, "<aws.events.event.json>", "{}")).monitors : lookup(m, "role_arn", null)] == ["arn:aws:iam::111122223333:role/ops-sfn-deadline-read", null]
    error_message = "A cross-account monitor's forwarded failure events are described through its member role."
  }

  assert {
    condition     = contains(output.role_actions.check_function, "sts:AssumeRole")
    error_message = "With a member role to assume, the function's actions, and so the boundary, include sts:AssumeRole."
  }
}

run "cross_account_with_a_read_scope" {
  command = apply

  variables {
    read_scope = { state_machine_name_prefixes = [""] }
    monitors = {
      member-etl = {
        state_machine_arn = "arn:aws:states:us-east-1:111122223333:stateMachine:member-etl"
        role_arn          = "arn:aws:iam::111122223333:role/ops-sfn-deadline-read"
      }
    }
  }

  assert {
    condition     = one([for s in jsondecode(local.lambda_policy).Statement : s.Resource if s.Sid == "AssumeMemberRoles"]) == ["arn:aws:iam::111122223333:role/ops-sfn-deadline-read"]
    error_message = "With a read scope the member roles are granted in the inline policy."
  }
}

run "severities_of_a_monitor" {
  command = apply

  variables {
    monitors = {
      nightly-etl = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        severities        = { AT_RISK = "critical", RECOVERED = "warning" }
        at_risk_check     = { schedule_expression = "cron(0 1 * * ? *)" }
      }
      billing = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:billing"
      }
    }
  }

  assert {
    condition = [for kind in ["deadline", "at_risk"] : jsondecode(module.schedules[kind].schedules["nightly-etl"].target[0].input).severities] == [
      { AT_RISK = "critical", RECOVERED = "warning" },
      { AT_RISK = "critical", RECOVERED = "warning" },
    ] && !contains(keys(jsondecode(module.schedules["deadline"].schedules["billing"].target[0].input)), "severities")
    error_message = "A monitor's severities reach each of its checks; a monitor with the defaults writes none."
  }

  assert {
    condition     = [for m in jsondecode(replace(aws_cloudwatch_event_target.failure["00"].input_transformer[0].input_template, "<aws.events.event.json>", "{}")).monitors : lookup(m, "severities", null)] == [null, { AT_RISK = "critical", RECOVERED = "warning" }]
    error_message = "A monitor's failure events carry its severities."
  }
}

run "min_duration_of_a_monitor" {
  command = apply

  variables {
    monitors = {
      nightly-etl = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        min_duration      = { fraction_of_median = 0.1 }
        at_risk_check     = { schedule_expression = "cron(0 1 * * ? *)" }
      }
      billing = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:billing"
        min_duration      = { seconds = 60 }
      }
      export = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:export"
      }
    }
  }

  assert {
    condition = [for name in ["nightly-etl", "billing"] : jsondecode(module.schedules["deadline"].schedules[name].target[0].input).min_duration] == [
      { fraction_of_median = 0.1 },
      { seconds = 60 },
    ] && !contains(keys(jsondecode(module.schedules["deadline"].schedules["export"].target[0].input)), "min_duration")
    error_message = "A deadline check's input carries the bound its monitor set, and only that one; a monitor without min_duration writes none."
  }

  assert {
    condition     = !contains(keys(jsondecode(module.schedules["at_risk"].schedules["nightly-etl"].target[0].input)), "min_duration")
    error_message = "Only the deadline check judges a run too fast."
  }
}

run "calendar_of_a_monitor" {
  command = apply

  variables {
    calendars = {
      jp-business = { exclude_dates = ["2027-01-01", "2026-12-31", "2027-01-01"], exclude_weekdays = ["SUN", "SAT"] }
      weekends    = { exclude_weekdays = ["SAT", "SUN"] }
    }
    monitors = {
      nightly-etl = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        calendar          = "jp-business"
        start_check       = { schedule_expression = "cron(15 0 * * ? *)" }
        at_risk_check     = { schedule_expression = "cron(0 1 * * ? *)" }
      }
      billing = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:billing"
      }
    }
  }

  assert {
    condition = [for kind in ["deadline", "start", "at_risk"] : jsondecode(module.schedules[kind].schedules["nightly-etl"].target[0].input).calendar] == [for kind in range(3) : {
      name             = "jp-business"
      exclude_dates    = ["2026-12-31", "2027-01-01"]
      exclude_weekdays = ["SAT", "SUN"]
    }] && !contains(keys(jsondecode(module.schedules["deadline"].schedules["billing"].target[0].input)), "calendar")
    error_message = "A monitor's calendar reaches its deadline, start and at-risk checks, each date once, sorted, the weekdays MON to SUN; a monitor without one writes none."
  }

  assert {
    condition     = jsondecode(module.schedules["start"].schedules["nightly-etl"].target[0].input).deadline_expression == "cron(0 2 * * ? *)"
    error_message = "A start check with a calendar names its deadline's schedule: it is judged by its deadline's date."
  }

  assert {
    condition     = [for m in jsondecode(replace(aws_cloudwatch_event_target.failure["00"].input_transformer[0].input_template, "<aws.events.event.json>", "{}")).monitors : lookup(m, "calendar", null)] == [null, null]
    error_message = "A failure event is reported whatever the day: the failure rules carry no calendar."
  }
}

run "dependencies_of_monitors" {
  command = apply

  variables {
    monitors = {
      nightly-etl = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        start_check       = { schedule_expression = "cron(0 0 * * ? *)" }
      }
      billing = {
        state_machine_arn   = "arn:aws:states:us-east-1:000000000000:stateMachine:billing"
        schedule_expression = "cron(30 6 * * ? *)"
        upstream            = ["nightly-etl"]
        upstream_suppresses = true
      }
      reports = {
        state_machine_arn   = "arn:aws:states:us-east-1:000000000000:stateMachine:reports"
        schedule_expression = "cron(0 8 * * ? *)"
        upstream            = ["billing", "nightly-etl"]
      }
    }
  }

  assert {
    condition = { for name in ["nightly-etl", "billing", "reports"] : name => {
      for field, value in jsondecode(module.schedules["deadline"].schedules[name].target[0].input) : field => value
      if contains(["upstream", "upstream_suppresses", "downstream"], field)
      } } == {
      nightly-etl = { downstream = ["billing", "reports"] }
      billing     = { upstream = ["nightly-etl"], upstream_suppresses = true, downstream = ["reports"] }
      reports     = { upstream = ["billing", "nightly-etl"] }
    }
    error_message = "Each deadline check's input names the monitors it waits for and those waiting for it, and only those that have some."
  }

  assert {
    condition     = jsondecode(module.schedules["start"].schedules["nightly-etl"].target[0].input).downstream == ["billing", "reports"]
    error_message = "An early check names the downstream monitors too."
  }
}

run "maintenance_windows_of_monitors" {
  command = plan

  variables {
    maintenance_windows = [{ name = "weekly-db", schedule = "cron(0 1 ? * SUN *)", duration = "3h" }]
    monitors = {
      nightly-etl = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        timezone          = "Asia/Tokyo"
        start_check       = { schedule_expression = "cron(15 0 * * ? *)" }
        at_risk_check     = { schedule_expression = "cron(0 1 * * ? *)" }
        maintenance_windows = [
          { name = "release", from = "2026-12-24T01:00:00+09:00", until = "2026-12-24T05:00:00+09:00" },
          { name = "backup", schedule = "cron(0 3 * * ? *)", duration = "2d" },
        ]
      }
      billing = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:billing"
        timezone          = "Europe/Berlin"
      }
    }
  }

  assert {
    condition = [for kind in ["deadline", "start", "at_risk"] : jsondecode(module.schedules[kind].schedules["nightly-etl"].target[0].input).maintenance_windows] == [for kind in range(3) : [
      { name = "weekly-db", schedule = "cron(0 1 ? * SUN *)", timezone = "UTC", duration_minutes = 180 },
      { name = "release", from = "2026-12-24T01:00:00+09:00", until = "2026-12-24T05:00:00+09:00" },
      { name = "backup", schedule = "cron(0 3 * * ? *)", timezone = "Asia/Tokyo", duration_minutes = 2880 },
    ]]
    error_message = "Each check of a monitor carries the module's windows, then its own, each in one of the contract's two shapes; a recurring window of the module is in UTC, a monitor's in the monitor's time zone."
  }

  assert {
    condition = jsondecode(module.schedules["deadline"].schedules["billing"].target[0].input).maintenance_windows == [
      { name = "weekly-db", schedule = "cron(0 1 ? * SUN *)", timezone = "UTC", duration_minutes = 180 },
    ]
    error_message = "A monitor without windows of its own has the module's, in UTC whatever its own time zone."
  }

  assert {
    condition     = length(jsondecode(replace(aws_cloudwatch_event_target.failure["00"].input_transformer[0].input_template, "<aws.events.event.json>", "{}")).maintenance_windows) == 1
    error_message = "A failure rule carries the module's windows once, for all its monitors: a failed run in a window is held too."
  }

  assert {
    condition     = [for m in jsondecode(replace(aws_cloudwatch_event_target.failure["00"].input_transformer[0].input_template, "<aws.events.event.json>", "{}")).monitors : length(try(m.maintenance_windows, []))] == [0, 2]
    error_message = "A failure rule's monitor entry carries only the monitor's own windows (billing none, nightly-etl two)."
  }
}

run "alerts_on_an_event_bus" {
  command = apply

  variables {
    event_bus_name = "incidents"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables.ALERT_EVENT_BUS_ARN == "arn:aws:events:us-east-1:000000000000:event-bus/incidents"
    error_message = "The function is told the bus's ARN, built from its name."
  }

  assert {
    condition     = [for s in jsondecode(local.lambda_policy).Statement : s.Resource if s.Action == "events:PutEvents"] == ["arn:aws:events:us-east-1:000000000000:event-bus/incidents"]
    error_message = "The function may put events on the named bus only."
  }
}

run "no_event_bus_by_default" {
  command = plan

  assert {
    condition     = !contains(keys(aws_lambda_function.this.environment[0].variables), "ALERT_EVENT_BUS_ARN") && !strcontains(local.lambda_policy, "events:PutEvents")
    error_message = "Without event_bus_name the function puts no events and may put none."
  }
}

run "event_bus_by_arn" {
  command = plan

  variables {
    event_bus_name = "arn:aws:events:us-east-1:000000000000:event-bus/default"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables.ALERT_EVENT_BUS_ARN == "arn:aws:events:us-east-1:000000000000:event-bus/default"
    error_message = "A bus named by its ARN is used as it is."
  }
}

run "discovery_by_tag" {
  command = apply

  variables {
    discovery = {
      enabled          = true
      member_role_arns = ["arn:aws:iam::111122223333:role/sfn-deadline-read", "arn:aws:iam::222233334444:role/monitoring/sfn-deadline-read"]
    }
    calendars = {
      jp-business = { exclude_dates = ["2027-01-01", "2026-12-31", "2027-01-01"], exclude_weekdays = ["SUN", "SAT"] }
      weekends    = { exclude_weekdays = ["SUN", "SAT"] }
    }
    maintenance_windows  = [{ name = "weekly-db", schedule = "cron(0 1 ? * SUN *)", duration = "3h" }]
    schedule_kms_key_arn = "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-4333-8444-555555555555"
  }

  assert {
    condition = [aws_scheduler_schedule_group.discovered[0].name, aws_scheduler_schedule_group.discovered_start[0].name, aws_scheduler_schedule_group.discovered_at_risk[0].name] == ["ops-discovered", "ops-discovered-start", "ops-discovered-at-risk"] && output.discovered_schedule_groups == {
      deadline = "ops-discovered", start = "ops-discovered-start", at_risk = "ops-discovered-at-risk"
    }
    error_message = "Discovery's schedules live in three groups of their own, one per kind of check, which the output names."
  }

  assert {
    condition = jsondecode(aws_iam_role.scheduler.assume_role_policy).Statement[0].Condition.ArnEquals["aws:SourceArn"] == [
      "arn:aws:scheduler:us-east-1:000000000000:schedule-group/ops",
      "arn:aws:scheduler:us-east-1:000000000000:schedule-group/ops-audit",
      "arn:aws:scheduler:us-east-1:000000000000:schedule-group/ops-discovered",
      "arn:aws:scheduler:us-east-1:000000000000:schedule-group/ops-discovered-start",
      "arn:aws:scheduler:us-east-1:000000000000:schedule-group/ops-discovered-at-risk",
    ]
    error_message = "The Scheduler's role trusts discovery's groups too: the schedules discovery creates pass it."
  }

  assert {
    condition = { for s in jsondecode(local.lambda_policy).Statement : s.Sid => s if contains(["DiscoverTaggedStateMachines", "KeepDiscoveredSchedules", "PassSchedulerRole", "ReadTaggedStateMachines", "ReadTaggedExecutions", "AssumeDiscoveryRoles", "UseKeyDiscoveredSchedules"], s.Sid) } == {
      DiscoverTaggedStateMachines = { Sid = "DiscoverTaggedStateMachines", Effect = "Allow", Action = "tag:GetResources", Resource = ["*"] }
      KeepDiscoveredSchedules = {
        Sid = "KeepDiscoveredSchedules", Effect = "Allow", Action = ["scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule"]
        Resource = [
          "arn:aws:scheduler:us-east-1:000000000000:schedule/ops-discovered/*",
          "arn:aws:scheduler:us-east-1:000000000000:schedule/ops-discovered-start/*",
          "arn:aws:scheduler:us-east-1:000000000000:schedule/ops-discovered-at-risk/*",
        ]
      }
      PassSchedulerRole = {
        Sid       = "PassSchedulerRole", Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::000000000000:role/ops-sfn-deadline-scheduler"
        Condition = { StringEquals = { "iam:PassedToService" = "scheduler.amazonaws.com" } }
      }
      ReadTaggedStateMachines = {
        Sid       = "ReadTaggedStateMachines", Effect = "Allow", Action = "states:ListExecutions", Resource = ["arn:aws:states:us-east-1:000000000000:stateMachine:*"]
        Condition = { Null = { "aws:ResourceTag/deadline-monitor:deadline" = "false" } }
      }
      ReadTaggedExecutions = {
        Sid       = "ReadTaggedExecutions", Effect = "Allow", Action = "states:DescribeExecution", Resource = ["arn:aws:states:us-east-1:000000000000:execution:*:*"]
        Condition = { Null = { "aws:ResourceTag/deadline-monitor:deadline" = "false" } }
      }
      AssumeDiscoveryRoles = {
        Sid      = "AssumeDiscoveryRoles", Effect = "Allow", Action = "sts:AssumeRole"
        Resource = ["arn:aws:iam::111122223333:role/sfn-deadline-read", "arn:aws:iam::222233334444:role/monitoring/sfn-deadline-read"]
      }
      UseKeyDiscoveredSchedules = {
        Sid      = "UseKeyDiscoveredSchedules", Effect = "Allow", Action = ["kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt"]
        Resource = "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-4333-8444-555555555555"
      }
    }
    error_message = "Discovery may find tagged state machines, keep schedules in its own groups only, pass them the Scheduler's role only to the Scheduler, read tagged state machines and their executions, assume its member roles, and write schedules with the schedules' key."
  }

  assert {
    condition     = length(setsubtract(["iam:PassRole", "kms:DescribeKey", "scheduler:CreateSchedule", "scheduler:DeleteSchedule", "scheduler:UpdateSchedule", "sts:AssumeRole", "tag:GetResources"], output.role_actions.check_function)) == 0
    error_message = "role_actions, read from the statements, holds discovery's actions: a permissions boundary built from it allows them."
  }

  assert {
    condition = one([for s in jsondecode(output.kms_key_policies.schedules).Statement : s if s.Sid == "SfnDeadlineFunctionWritesDiscoveredSchedules"]) == {
      Sid       = "SfnDeadlineFunctionWritesDiscoveredSchedules", Effect = "Allow", Principal = { AWS = "arn:aws:iam::000000000000:root" }, Resource = "*"
      Action    = ["kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt"]
      Condition = { ArnEquals = { "aws:PrincipalArn" = "arn:aws:iam::000000000000:role/ops-sfn-deadline-check" } }
    }
    error_message = "The schedules' key policy lets the function write discovered schedules with the key."
  }

  assert {
    condition = jsondecode(jsondecode(aws_dynamodb_table_item.manifest[0].item).manifest.S).discovery == {
      tag_prefix         = "deadline-monitor:"
      member_role_arns   = ["arn:aws:iam::111122223333:role/sfn-deadline-read", "arn:aws:iam::222233334444:role/monitoring/sfn-deadline-read"]
      schedule_groups    = { deadline = "ops-discovered", start = "ops-discovered-start", at_risk = "ops-discovered-at-risk" }
      scheduler_role_arn = "arn:aws:iam::000000000000:role/mocked"
      dead_letter_arn    = "arn:aws:sqs:us-east-1:000000000000:mocked"
      retry_policy       = { maximum_event_age_in_seconds = 3600, maximum_retry_attempts = 10 }
      kms_key_arn        = "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-4333-8444-555555555555"
      lookback_minutes   = 180
      message_format     = "text"
      calendars = {
        jp-business = { name = "jp-business", exclude_dates = ["2026-12-31", "2027-01-01"], exclude_weekdays = ["SAT", "SUN"] }
        weekends    = { name = "weekends", exclude_dates = [], exclude_weekdays = ["SAT", "SUN"] }
      }
      maintenance_windows = [{ name = "weekly-db", schedule = "cron(0 1 ? * SUN *)", timezone = "UTC", duration_minutes = 180 }]
    }
    error_message = "The manifest tells the audit's discovery what it needs: the prefix, the member roles, the groups, the target the declared schedules use (role, dead-letter queue, retries, key), the defaults, and every calendar and module window in the contract's form."
  }

  assert {
    condition = [for q in aws_cloudwatch_metric_alarm.health["lost-discovered-checks"].metric_query : q.metric[0].dimensions.ScheduleGroup if length(q.metric) > 0] == [
      "ops-discovered", "ops-discovered", "ops-discovered-start", "ops-discovered-start", "ops-discovered-at-risk", "ops-discovered-at-risk",
    ] && toset([for q in aws_cloudwatch_metric_alarm.health["lost-checks"].metric_query : q.metric[0].dimensions.ScheduleGroup if length(q.metric) > 0]) == toset(["ops", "ops-audit"])
    error_message = "What the Scheduler loses of discovery's groups raises an alarm of its own (with the declared groups' it would read more than 10 metrics)."
  }
}
