# Plan-time assertions on the module's wiring, with a mocked AWS provider: no account,
# no emulator. `terraform test` runs these; apply-time behaviour is tested against moto.

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
  # Policy documents are JSON that IAM resources validate, so the mock must be JSON too.
  mock_data "aws_region" {
    defaults = {
      name = "us-east-1"
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:us-east-1:000000000000:function:ops-sfn-deadline-check"
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
      start_date          = "2026-01-01T00:00:00Z"
    }
  }
}

run "one_schedule_per_monitor_one_function" {
  command = plan

  assert {
    condition     = toset(keys(aws_scheduler_schedule.deadline)) == toset(["nightly-etl", "billing"])
    error_message = "There must be exactly one schedule per monitor, keyed by monitor name."
  }

  assert {
    condition     = aws_lambda_function.this.function_name == "ops-sfn-deadline-check"
    error_message = "One check function serves every monitor."
  }
}

run "daily_job_defaults" {
  command = plan

  assert {
    condition     = aws_scheduler_schedule.deadline["nightly-etl"].schedule_expression == "cron(0 2 * * ? *)"
    error_message = "The default deadline is 02:00 every day."
  }

  assert {
    condition     = aws_scheduler_schedule.deadline["nightly-etl"].schedule_expression_timezone == "UTC"
    error_message = "The default time zone is UTC."
  }

  assert {
    condition     = jsondecode(aws_scheduler_schedule.deadline["nightly-etl"].target[0].input).lookback_minutes == 180
    error_message = "The default look-back of 3 hours covers a run that starts at 00:00 for a 02:00 deadline."
  }

  assert {
    condition     = aws_scheduler_schedule.deadline["nightly-etl"].state == "ENABLED"
    error_message = "Monitors are enabled by default."
  }
}

run "schedules_fire_on_time_with_the_contract" {
  command = plan

  assert {
    condition     = alltrue([for s in aws_scheduler_schedule.deadline : s.flexible_time_window[0].mode == "OFF"])
    error_message = "A deadline check must fire exactly on time: flexible time window OFF."
  }

  assert {
    condition = jsondecode(aws_scheduler_schedule.deadline["billing"].target[0].input) == {
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
    }
    error_message = "The schedule input must follow the check's input contract."
  }

  assert {
    condition     = strcontains(aws_scheduler_schedule.deadline["billing"].target[0].input, "\"scheduled_time\":\"<aws.scheduler.scheduled-time>\"")
    error_message = "The context attributes must appear literally (not as \\u003c...\\u003e) for the Scheduler to substitute them."
  }

  assert {
    condition     = aws_scheduler_schedule.deadline["billing"].state == "DISABLED"
    error_message = "enabled = false pauses the monitor."
  }

  assert {
    condition     = aws_scheduler_schedule.deadline["billing"].start_date == "2026-01-01T00:00:00Z"
    error_message = "start_date reaches the schedule."
  }

  assert {
    condition     = alltrue([for s in aws_scheduler_schedule.deadline : s.group_name == "ops"])
    error_message = "Every schedule lives in the module's own schedule group."
  }
}

run "least_privilege" {
  command = plan

  assert {
    condition = toset(one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "ReadMonitoredStateMachines"]).resources) == toset([
      "arn:aws:states:us-east-1:000000000000:stateMachine:etl",
      "arn:aws:states:us-east-1:000000000000:stateMachine:billing",
    ])
    error_message = "ListExecutions is granted on the monitored state machines only (a version or alias is authorized through its state machine's ARN)."
  }

  assert {
    condition = toset(one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "ReadMonitoredExecutions"]).resources) == toset([
      "arn:aws:states:us-east-1:000000000000:execution:etl:*",
      "arn:aws:states:us-east-1:000000000000:execution:billing:*",
    ])
    error_message = "DescribeExecution is granted on the monitored state machines' executions only."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "PublishAlerts"]).resources == toset(["arn:aws:sns:us-east-1:000000000000:alerts"])
    error_message = "The function may publish to the alert topic only."
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.lambda.statement : s if anytrue([for a in s.actions : startswith(a, "kms:")])]) == 0
    error_message = "Without customer-managed keys the function gets no KMS permission."
  }

  assert {
    condition     = toset(data.aws_iam_policy_document.lambda.statement[*].sid) == toset(["WriteOwnLogs", "ReadMonitoredStateMachines", "ReadMonitoredExecutions", "PublishAlerts", "KeepFailedChecks", "RememberChecks"])
    error_message = "The function's role holds exactly the statements it needs."
  }

  assert {
    condition     = data.aws_iam_policy_document.scheduler.statement[0].actions == toset(["lambda:InvokeFunction"])
    error_message = "The Scheduler's role may only invoke the function (lambda:InvokeFunction, never the non-existent lambda:InvokeLambda)."
  }

  assert {
    condition     = length(data.aws_iam_policy_document.scheduler_assume.statement[0].condition) == 1 && alltrue([for c in data.aws_iam_policy_document.scheduler_assume.statement[0].condition : c.test == "StringEquals" && c.variable == "aws:SourceAccount" && toset(c.values) == toset(["000000000000"])])
    error_message = "The Scheduler's role trusts only schedules of this account."
  }
}

run "created_encrypted_topic" {
  command = plan

  variables {
    sns_topic_arn           = null
    create_sns_topic        = true
    sns_topic_kms_key_arn   = "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555"
    sns_email_subscriptions = ["ops@example.com"]
    iam_role_path           = "/monitoring/"
  }

  assert {
    condition     = aws_sns_topic.this[0].kms_master_key_id == "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555"
    error_message = "The created topic is encrypted with the given key."
  }

  assert {
    condition     = aws_sns_topic_subscription.email["ops@example.com"].protocol == "email"
    error_message = "E-mail subscriptions are created for the module's topic."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "UseKeyAlertTopic"]).actions == toset(["kms:GenerateDataKey*", "kms:Decrypt"])
    error_message = "The function may use the topic's key to publish."
  }

  assert {
    condition     = aws_iam_role.lambda.path == "/monitoring/" && aws_iam_role.scheduler.path == "/monitoring/"
    error_message = "iam_role_path reaches both roles."
  }
}

run "dead_letter_queue_is_encrypted" {
  command = plan

  assert {
    condition     = aws_sqs_queue.scheduler_dead_letter.sqs_managed_sse_enabled == true
    error_message = "Without a key the dead-letter queue uses SSE-SQS."
  }

  assert {
    condition     = alltrue([for s in aws_scheduler_schedule.deadline : s.target[0].retry_policy[0].maximum_retry_attempts == 10])
    error_message = "Undelivered checks are retried before they are dead-lettered."
  }
}

run "watch_the_watcher" {
  command = plan

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
    condition     = toset(keys(aws_cloudwatch_metric_alarm.monitor)) == toset(["check-errors", "check-throttles", "scheduler-dead-letters", "check-failures"])
    error_message = "Alarms watch the function's errors and throttles and both failure queues."
  }

  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.monitor : a.treat_missing_data == "notBreaching" && a.alarm_actions == toset(["arn:aws:sns:us-east-1:000000000000:alerts"]) && a.ok_actions == a.alarm_actions])
    error_message = "A quiet month reads OK, and alarms notify the alert topic on ALARM and on OK."
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

run "alarms_can_be_switched_off" {
  command = plan

  variables {
    create_alarms = false
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.monitor) == 0
    error_message = "create_alarms = false creates no alarm."
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == -1
    error_message = "Without reserved concurrency the function is unreserved."
  }
}

run "instant_failure_alerts_by_default" {
  command = plan

  assert {
    condition     = toset(keys(aws_cloudwatch_event_rule.failure)) == toset(["nightly-etl", "billing"])
    error_message = "Each monitor of a state machine in this account has a failure rule by default."
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.failure["nightly-etl"].event_pattern) == {
      source        = ["aws.states"]
      "detail-type" = ["Step Functions Execution Status Change"]
      detail = {
        status          = ["FAILED", "TIMED_OUT", "ABORTED"]
        stateMachineArn = ["arn:aws:states:us-east-1:000000000000:stateMachine:etl"]
      }
    }
    error_message = "The rule forwards failed, timed-out and aborted runs of the monitored state machine only."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.failure["billing"].event_pattern).detail.stateMachineAliasArn == ["arn:aws:states:us-east-1:000000000000:stateMachine:billing:prod"]
    error_message = "A monitor of an alias hears of the runs started through that alias only."
  }

  assert {
    condition     = aws_cloudwatch_event_rule.failure["nightly-etl"].name == "ops-sfn-failed-nightly-etl"
    error_message = "Rules are named after the module and the monitor."
  }

  assert {
    condition = jsondecode(replace(aws_cloudwatch_event_target.failure["billing"].input_transformer[0].input_template, "<aws.events.event.json>", "{}")) == {
      version           = 1
      check             = "status_change"
      monitor           = "billing"
      state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:billing:prod"
      timezone          = "Europe/Berlin"
      message_format    = "json"
      event             = {}
    }
    error_message = "The rule's input is the contract's status_change check around the whole event."
  }

  assert {
    condition     = endswith(aws_cloudwatch_event_target.failure["billing"].input_transformer[0].input_template, ",\"event\":<aws.events.event.json>}")
    error_message = "The event is placed unquoted and last, as EventBridge requires for <aws.events.event.json>."
  }

  assert {
    condition     = aws_cloudwatch_event_rule.failure["nightly-etl"].state == "ENABLED" && aws_cloudwatch_event_rule.failure["billing"].state == "DISABLED"
    error_message = "A paused monitor's failure rule is paused too."
  }

  assert {
    condition     = length(aws_lambda_permission.failure_events) == 1 && aws_lambda_permission.failure_events[0].principal == "events.amazonaws.com" && aws_lambda_permission.failure_events[0].source_arn == "arn:aws:events:us-east-1:000000000000:rule/ops-sfn-failed-*"
    error_message = "EventBridge may invoke the function from the module's rules only, in one statement for all of them."
  }

  assert {
    condition     = alltrue([for t in aws_cloudwatch_event_target.failure : length(t.dead_letter_config) == 1])
    error_message = "Failure events EventBridge cannot deliver go to the dead-letter queue."
  }

  assert {
    condition     = length(one(data.aws_iam_policy_document.dead_letter_queue[0].statement).condition) == 1 && alltrue([for c in one(data.aws_iam_policy_document.dead_letter_queue[0].statement).condition : c.test == "ArnLike" && c.variable == "aws:SourceArn" && toset(c.values) == toset(["arn:aws:events:us-east-1:000000000000:rule/ops-sfn-failed-*"])])
    error_message = "Only the module's rules may dead-letter into the queue."
  }
}

run "early_start_check" {
  command = plan

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
    condition     = toset(keys(aws_scheduler_schedule.start)) == toset(["nightly-etl"])
    error_message = "Only monitors with start_check get a start schedule."
  }

  assert {
    condition     = aws_scheduler_schedule.start["nightly-etl"].group_name == "ops-start" && aws_scheduler_schedule.start["nightly-etl"].name == "nightly-etl"
    error_message = "Start checks live in their own group, under the monitor's name."
  }

  assert {
    condition     = aws_scheduler_schedule.start["nightly-etl"].schedule_expression == "cron(15 0 * * ? *)" && aws_scheduler_schedule.start["nightly-etl"].schedule_expression_timezone == "Asia/Tokyo" && aws_scheduler_schedule.start["nightly-etl"].flexible_time_window[0].mode == "OFF"
    error_message = "The start check fires on time, in the monitor's time zone."
  }

  assert {
    condition = jsondecode(aws_scheduler_schedule.start["nightly-etl"].target[0].input) == {
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
    }
    error_message = "The start check's input is the contract's start check, with the monitor's look-back by default."
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_event_rule.failure)) == toset(["nightly-etl"])
    error_message = "instant_failure_alerts = false leaves a monitor without a failure rule."
  }
}

run "state_table_on_by_default" {
  command = plan

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

  assert {
    condition     = one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "RememberChecks"]).actions == toset(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"])
    error_message = "The function may read and write items of its state table, nothing else."
  }
}

run "state_table_options" {
  command = plan

  variables {
    state_table_point_in_time_recovery = true
    state_table_kms_key_arn            = "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = aws_dynamodb_table.state[0].point_in_time_recovery[0].enabled && aws_dynamodb_table.state[0].server_side_encryption[0].kms_key_arn == "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555"
    error_message = "Point-in-time recovery and a customer-managed key can be asked for."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "UseKeyStateTable"]).resources == toset(["arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555"])
    error_message = "The function may use the state table's key."
  }
}

run "state_table_can_be_switched_off" {
  command = plan

  variables {
    create_state_table = false
  }

  assert {
    condition     = length(aws_dynamodb_table.state) == 0 && !contains(keys(aws_lambda_function.this.environment[0].variables), "STATE_TABLE_NAME")
    error_message = "create_state_table = false creates no table and tells the function of none."
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "RememberChecks"]) == 0
    error_message = "Without a table the function gets no DynamoDB permission."
  }
}

run "cross_account_monitor" {
  command = plan

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
    condition     = one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "AssumeMemberRoles"]).resources == toset(["arn:aws:iam::111122223333:role/ops-sfn-deadline-read"])
    error_message = "The function may assume exactly the monitors' member roles."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.lambda.statement : s if s.sid == "ReadMonitoredStateMachines"]).resources == toset(["arn:aws:states:us-east-1:000000000000:stateMachine:etl"])
    error_message = "The function's own role reads only this account's state machines."
  }

  assert {
    condition     = jsondecode(aws_scheduler_schedule.deadline["member-etl"].target[0].input).role_arn == "arn:aws:iam::111122223333:role/ops-sfn-deadline-read" && !contains(keys(jsondecode(aws_scheduler_schedule.deadline["nightly-etl"].target[0].input)), "role_arn")
    error_message = "Only a cross-account monitor's check names the role to assume."
  }

  assert {
    condition     = jsondecode(replace(aws_cloudwatch_event_target.failure["member-etl"].input_transformer[0].input_template, "<aws.events.event.json>", "{}")).role_arn == "arn:aws:iam::111122223333:role/ops-sfn-deadline-read"
    error_message = "A cross-account monitor's forwarded failure events are described through its member role."
  }
}
