# Every input rule rejects bad input at plan time (expect_failures), with a mocked AWS
# provider. tests/test_validation_messages.py plans all these runs at once and checks
# each as `terraform test` would (what fails is what expect_failures names) and its
# message; `make test` runs them there only. docs/inputs.md ("Input validation") lists
# the messages.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "000000000000"
    }
  }
  mock_data "aws_region" {
    defaults = {
      id   = "us-east-1"
      name = "us-east-1"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:us-east-1:000000000000:key/44444444-5555-4666-8777-888888888888"
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
  }
}

run "name_too_long" {
  command = plan
  variables {
    name = "a-name-that-is-far-too-long-for-iam-roles"
  }
  expect_failures = [var.name]
}

run "no_monitors" {
  command = plan
  variables {
    monitors = {}
  }
  expect_failures = [var.monitors]
}

run "both_topic_inputs" {
  command = plan
  variables {
    create_sns_topic = true
  }
  expect_failures = [var.sns_topic_arn]
}

run "neither_topic_input" {
  command = plan
  variables {
    sns_topic_arn = null
  }
  expect_failures = [var.sns_topic_arn]
}

run "topic_arn_of_another_service" {
  command = plan
  variables {
    sns_topic_arn = "arn:aws:sqs:us-east-1:000000000000:alerts"
  }
  expect_failures = [var.sns_topic_arn]
}

run "fifo_topic" {
  command = plan
  variables {
    sns_topic_arn = "arn:aws:sns:us-east-1:000000000000:alerts.fifo"
  }
  expect_failures = [var.sns_topic_arn]
}

run "topic_key_an_alias" {
  command = plan
  variables {
    sns_topic_kms_key_arn = "arn:aws:kms:us-east-1:000000000000:alias/aws/sns"
  }
  expect_failures = [var.sns_topic_kms_key_arn]
}

run "alarm_topic_of_another_service" {
  command = plan
  variables {
    alarm_sns_topic_arn = "arn:aws:sqs:us-east-1:000000000000:alarms"
  }
  expect_failures = [var.alarm_sns_topic_arn]
}

run "alarm_topic_key_without_the_topic" {
  command = plan
  variables {
    alarm_sns_topic_kms_key_arn = "arn:aws:kms:us-east-1:000000000000:key/22222222-3333-4444-8555-666666666666"
  }
  expect_failures = [var.alarm_sns_topic_kms_key_arn]
}

run "alarm_topic_key_an_alias" {
  command = plan
  variables {
    alarm_sns_topic_arn         = "arn:aws:sns:us-east-1:000000000000:alarms"
    alarm_sns_topic_kms_key_arn = "arn:aws:kms:us-east-1:000000000000:alias/aws/sns"
  }
  expect_failures = [var.alarm_sns_topic_kms_key_arn]
}

run "email_not_an_address" {
  command = plan
  variables {
    sns_topic_arn           = null
    create_sns_topic        = true
    sns_email_subscriptions = ["ops"]
  }
  expect_failures = [var.sns_email_subscriptions]
}

run "email_filter_policy_not_an_object" {
  command = plan
  variables {
    sns_email_filter_policy = "[\"critical\"]"
  }
  expect_failures = [var.sns_email_filter_policy]
}

run "event_bus_name_not_a_name" {
  command = plan
  variables {
    event_bus_name = "incidents/prod"
  }
  expect_failures = [var.event_bus_name]
}

run "event_bus_name_reserved" {
  command = plan
  variables {
    event_bus_name = "aws.incidents"
  }
  expect_failures = [var.event_bus_name]
}

run "event_bus_in_another_account" {
  command = plan

  variables {
    event_bus_name = "arn:aws:events:us-east-1:111122223333:event-bus/incidents"
  }

  expect_failures = [aws_lambda_function.this]
}

run "event_bus_in_another_region" {
  command = plan

  variables {
    event_bus_name = "arn:aws:events:eu-west-1:000000000000:event-bus/incidents"
  }

  expect_failures = [aws_lambda_function.this]
}

run "email_for_a_brought_topic" {
  command = plan
  variables {
    sns_email_subscriptions = ["ops@example.com"]
  }
  expect_failures = [var.sns_email_subscriptions]
}

run "runtime_unsupported" {
  command = plan
  variables {
    lambda_runtime = "python3.9"
  }
  expect_failures = [var.lambda_runtime]
}

run "architecture_unknown" {
  command = plan
  variables {
    lambda_architecture = "riscv"
  }
  expect_failures = [var.lambda_architecture]
}

run "memory_too_small" {
  command = plan
  variables {
    lambda_memory_size = 64
  }
  expect_failures = [var.lambda_memory_size]
}

run "timeout_too_long" {
  command = plan
  variables {
    lambda_timeout = 901
  }
  expect_failures = [var.lambda_timeout]
}

run "retention_not_offered_by_cloudwatch" {
  command = plan
  variables {
    log_retention_in_days = 10
  }
  expect_failures = [var.log_retention_in_days]
}

run "history_retention_negative" {
  command = plan
  variables {
    history_retention_days = -1
  }
  expect_failures = [var.history_retention_days]
}

run "history_retention_fractional" {
  command = plan
  variables {
    history_retention_days = 30.5
  }
  expect_failures = [var.history_retention_days]
}

run "log_key_not_kms" {
  command = plan
  variables {
    log_kms_key_arn = "my-key"
  }
  expect_failures = [var.log_kms_key_arn]
}

run "event_age_too_long" {
  command = plan
  variables {
    schedule_retry_policy = { maximum_event_age_in_seconds = 90000 }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "retry_attempts_too_many" {
  command = plan
  variables {
    schedule_retry_policy = { maximum_retry_attempts = 200 }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "schedule_key_not_kms" {
  command = plan
  variables {
    schedule_kms_key_arn = "arn:aws:kms:us-east-1:000000000000:alias/schedules"
  }
  expect_failures = [var.schedule_kms_key_arn]
}

run "dead_letter_key_not_kms" {
  command = plan
  variables {
    dead_letter_queue_kms_key_arn = "key"
  }
  expect_failures = [var.dead_letter_queue_kms_key_arn]
}

run "state_table_key_not_kms" {
  command = plan
  variables {
    state_table_kms_key_arn = "arn:aws:kms:us-east-1:000000000000:alias/state"
  }
  expect_failures = [var.state_table_kms_key_arn]
}

run "role_path_without_slashes" {
  command = plan
  variables {
    iam_role_path = "monitoring"
  }
  expect_failures = [var.iam_role_path]
}

run "role_path_with_a_character_the_scheduler_refuses" {
  command = plan
  variables {
    iam_role_path = "/team monitoring/"
  }
  expect_failures = [var.iam_role_path]
}

run "boundary_not_a_policy" {
  command = plan
  variables {
    iam_permissions_boundary_arn = "arn:aws:iam::000000000000:role/boundary"
  }
  expect_failures = [var.iam_permissions_boundary_arn]
}

run "reserved_concurrency_zero" {
  command = plan
  variables {
    lambda_reserved_concurrent_executions = 0
  }
  expect_failures = [var.lambda_reserved_concurrent_executions]
}

run "async_retries_beyond_lambda_limit" {
  command = plan
  variables {
    lambda_async_retry_attempts = 3
  }
  expect_failures = [var.lambda_async_retry_attempts]
}

run "async_event_age_too_long" {
  command = plan
  variables {
    lambda_async_max_event_age_seconds = 30000
  }
  expect_failures = [var.lambda_async_max_event_age_seconds]
}

run "metrics_namespace_reserved" {
  command = plan
  variables {
    metrics_namespace = "AWS/Lambda"
  }
  expect_failures = [var.metrics_namespace]
}

run "read_scope_without_prefixes" {
  command = plan
  variables {
    read_scope = { state_machine_name_prefixes = [] }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "read_scope_prefix_with_a_colon" {
  command = plan
  variables {
    read_scope = { state_machine_name_prefixes = ["etl:prod"] }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "quota_of_managed_policies_beyond_the_maximum" {
  command = plan
  variables {
    service_quotas = { iam_managed_policies_per_role = 30 }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "quota_of_rules_zero" {
  command = plan
  variables {
    service_quotas = { eventbridge_rules_per_bus = 0 }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "quota_of_pattern_size_beyond_put_rule" {
  command = plan
  variables {
    service_quotas = { eventbridge_event_pattern_characters = 5000 }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "monitors_per_failure_rule_zero" {
  command = plan
  variables {
    monitors_per_failure_rule = 0
  }
  expect_failures = [var.monitors_per_failure_rule]
}

run "monitor_key_not_a_schedule_name" {
  command = plan
  variables {
    monitors = {
      "nightly etl!" = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "state_machine_arn_of_another_service" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:lambda:us-east-1:000000000000:function:etl" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "execution_arn_is_not_a_state_machine" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:execution:etl:run-1" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "state_machine_in_another_region" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:eu-west-1:000000000000:stateMachine:etl" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "state_machine_in_another_account_without_a_role" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:111122223333:stateMachine:etl" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "role_arn_not_a_role" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:111122223333:stateMachine:etl", role_arn = "arn:aws:iam::111122223333:user/reader" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "role_arn_in_another_account_than_the_state_machine" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:111122223333:stateMachine:etl", role_arn = "arn:aws:iam::444455556666:role/reader" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "schedule_expression_without_wrapper" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "0 2 * * ? *" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "cron_with_five_fields" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(0 2 * * ?)" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "cron_hour_25" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(0 25 * * ? *)" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "cron_minute_60" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(60 2 * * ? *)" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "cron_both_day_fields_set" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(0 2 * * * *)" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "cron_day_of_month_and_weekday" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(0 2 1 * MON *)" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "cron_both_day_fields_question_marks" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(0 2 ? * ? *)" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "cron_of_letters" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(a b c d e f)" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "cron_weekday_8" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(0 2 ? * 8 *)" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "cron_sixth_weekday_of_month" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(0 2 ? * 2#6 *)" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "cron_year_before_1970" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(0 2 * * ? 1969)" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "rate_of_zero" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "rate(0 minutes)" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "rate_in_weeks" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "rate(1 week)" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "lookback_longer_than_the_rate" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "rate(1 hour)", lookback_minutes = 90 }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "at_in_the_past" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "at(2020-01-01T00:00:00)", timezone = "Asia/Tokyo" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "at_on_a_day_that_does_not_exist" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "at(2035-02-30T00:00:00)" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "description_longer_than_the_scheduler_takes" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", description = join("", [for i in range(513) : "x"]) }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "lookback_zero" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", lookback_minutes = 0 }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "lookback_fraction" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", lookback_minutes = 90.5 }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "lookback_beyond_a_month" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", lookback_minutes = 44641 }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "timezone_misspelt" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", timezone = "Europe/Tokio" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "timezone_abbreviation" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", timezone = "JST" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "message_format_unknown" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", message_format = "xml" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "severities_of_an_unknown_status" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", severities = { TIMED_OUT = "critical" } }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "severities_of_an_unknown_severity" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", severities = { AT_RISK = "high" } }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "start_date_not_rfc3339" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", start_date = "2035-01-01" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "end_date_with_an_offset" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", end_date = "2035-01-01T09:00:00+09:00" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "start_date_in_the_past" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", start_date = "2020-01-01T00:00:00Z" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "end_date_in_the_past" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", end_date = "2020-01-01T00:00:00Z" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "end_date_before_start_date" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", start_date = "2036-01-01T00:00:00Z", end_date = "2035-01-01T00:00:00Z" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "start_check_expression_without_wrapper" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", start_check = { schedule_expression = "15 0 * * ? *" } }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "start_check_lookback_zero" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", start_check = { schedule_expression = "cron(15 0 * * ? *)", lookback_minutes = 0 } }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "at_risk_check_expression_without_wrapper" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", at_risk_check = { schedule_expression = "30 1 * * ? *" } }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "at_risk_check_before_the_window_opens" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(0 6 * * ? *)", at_risk_check = { schedule_expression = "cron(0 1 * * ? *)" } }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "at_risk_check_with_a_rate_deadline" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "rate(1 day)", at_risk_check = { schedule_expression = "cron(0 1 * * ? *)" } }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "min_duration_with_both_bounds" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", min_duration = { fraction_of_median = 0.1, seconds = 60 } }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "min_duration_with_neither_bound" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", min_duration = {} }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "min_duration_fraction_of_the_whole_median" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", min_duration = { fraction_of_median = 1 } }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "min_duration_fraction_zero" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", min_duration = { fraction_of_median = 0 } }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "min_duration_seconds_zero" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", min_duration = { seconds = 0 } }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "min_duration_seconds_not_whole" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", min_duration = { seconds = 1.5 } }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "min_duration_seconds_beyond_a_year" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", min_duration = { seconds = 31536001 } }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "audit_in_weeks" {
  command = plan
  variables {
    audit = { schedule_expression = "rate(1 week)" }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "audit_grace_too_short" {
  command = plan
  variables {
    audit = { grace_minutes = 1 }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "audit_format_unknown" {
  command = plan
  variables {
    audit = { message_format = "xml" }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "audit_without_the_state_table" {
  command = plan
  variables {
    create_state_table = false
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "maintenance_windows_without_the_audit" {
  command = plan
  variables {
    audit               = { enabled = false }
    maintenance_windows = [{ name = "weekly-db", schedule = "cron(0 1 ? * SUN *)", duration = "3h" }]
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "discovery_without_the_audit" {
  command = plan
  variables {
    audit     = { enabled = false }
    discovery = { enabled = true }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "discovery_without_the_state_table" {
  command = plan
  variables {
    create_state_table = false
    audit              = { enabled = false }
    discovery          = { enabled = true }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "discovery_tag_prefix_too_long_for_a_tag_key" {
  command = plan
  variables {
    discovery = { enabled = true, tag_prefix = "acme-corporation:data-platform-engineering:warehouse-loading-and-reporting-jobs:production:eu-central-1:deadline-monitor:" }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "discovery_tag_prefix_empty" {
  command = plan
  variables {
    discovery = { enabled = true, tag_prefix = "" }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "discovery_tag_prefix_with_a_character_step_functions_refuses" {
  command = plan
  variables {
    discovery = { enabled = true, tag_prefix = "deadline#" }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "discovery_tag_prefix_reserved_for_aws" {
  command = plan
  variables {
    discovery = { enabled = true, tag_prefix = "AWS:deadline-monitor:" }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "discovery_member_role_of_a_user" {
  command = plan
  variables {
    discovery = { enabled = true, member_role_arns = ["arn:aws:iam::111122223333:user/ops"] }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "discovery_member_role_listed_twice" {
  command = plan
  variables {
    discovery = { enabled = true, member_role_arns = ["arn:aws:iam::111122223333:role/sfn-deadline-read", "arn:aws:iam::111122223333:role/sfn-deadline-read"] }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "discovery_member_role_in_this_account" {
  command = plan
  variables {
    discovery = { enabled = true, member_role_arns = ["arn:aws:iam::000000000000:role/sfn-deadline-read"] }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "discovery_lookback_zero" {
  command = plan
  variables {
    discovery = { enabled = true, lookback_minutes = 0 }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "discovery_format_unknown" {
  command = plan
  variables {
    discovery = { enabled = true, message_format = "xml" }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "discovery_attribute_misspelt" {
  command = plan
  variables {
    discovery = { enabled = true, tag_prefx = "ops:" }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "discovery_with_what_a_tag_may_hold_is_accepted" {
  command = plan
  variables {
    discovery = {
      enabled          = true
      tag_prefix       = "équipe données/deadline_monitor+v2@ops= "
      member_role_arns = ["arn:aws:iam::111122223333:role/monitoring/sfn-deadline-read", "arn:aws-cn:iam::222233334444:role/sfn-deadline-read"]
      lookback_minutes = 44640
      message_format   = "chat"
    }
  }
}

run "start_check_after_the_deadline" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", start_check = { schedule_expression = "cron(15 2 * * ? *)" } }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "start_check_before_the_window_opens" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", lookback_minutes = 60, start_check = { schedule_expression = "cron(15 0 * * ? *)" } }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "name_outside_the_read_scope" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl" }
    }
    read_scope = { state_machine_name_prefixes = ["billing-"] }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "topic_in_another_region" {
  command = plan
  variables {
    sns_topic_arn = "arn:aws:sns:eu-west-1:000000000000:alerts"
  }
  expect_failures = [aws_lambda_function.this]
}

run "more_monitors_than_managed_policies_allow" {
  command = plan
  variables {
    monitors = { for n in range(201) : format("job-%03d", n) => {
      state_machine_arn = format("arn:aws:states:us-east-1:000000000000:stateMachine:job-%03d", n)
    } }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "pattern_longer_than_the_quota" {
  command = plan
  variables {
    monitors = { for n in range(20) : format("job-%02d", n) => {
      state_machine_arn = format("arn:aws:states:us-east-1:000000000000:stateMachine:%s-%02d", join("", [for i in range(75) : "x"]), n)
    } }
  }
  expect_failures = [aws_cloudwatch_event_rule.failure["00"]]
}

run "long_names_fit_with_fewer_monitors_a_rule" {
  command = plan
  variables {
    monitors_per_failure_rule = 10
    monitors = { for n in range(20) : format("job-%02d", n) => {
      state_machine_arn = format("arn:aws:states:us-east-1:000000000000:stateMachine:%s-%02d", join("", [for i in range(75) : "x"]), n)
    } }
  }
}

run "what_the_scheduler_accepts_is_accepted" {
  command = plan
  variables {
    monitors = {
      alias       = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl.daily+eu:prod.v2" }
      last-friday = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:a", schedule_expression = "cron(15 10 ? * 6L 2022-2199)" }
      weekday     = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:b", schedule_expression = "cron(0 9 15W * ? *)", timezone = "America/Argentina/Buenos_Aires" }
      second-tue  = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:c", schedule_expression = "cron(0/5 8-17 ? jan-mar 3#2 *)" }
      hourly      = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:d", schedule_expression = "rate(1 hour)", lookback_minutes = 60 }
      once        = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:e", schedule_expression = "at(2035-06-01T09:00:00)", end_date = "2036-01-01T00:00:00Z" }
      overnight   = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:f", schedule_expression = "cron(0 2 * * ? *)", start_check = { schedule_expression = "cron(15 23 * * ? *)" }, at_risk_check = { schedule_expression = "cron(30 1 * * ? *)" } }
      a-tenth     = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:g", min_duration = { fraction_of_median = 0.1 } }
      a-minute    = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:h", min_duration = { seconds = 60 } }
    }
  }
}

# Attributes the module does not know: Terraform would drop them from a typed input
# without a word, so each fails plan naming the closest known name.
run "monitor_attribute_misspelt" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expresion = "cron(0 6 * * ? *)" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "monitor_attribute_unlike_any" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", owner = "data-team" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "start_check_attribute_misspelt" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", start_check = { schedule_expression = "cron(0 1 * * ? *)", lookback_minute = 60 } }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "at_risk_check_attribute_misspelt" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", at_risk_check = { schedule_expression = "cron(30 1 * * ? *)", schedule_expresion = "cron(0 1 * * ? *)" } }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "min_duration_attribute_misspelt" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", min_duration = { fraction_of_medain = 0.1 } }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "audit_attribute_misspelt" {
  command = plan
  variables {
    audit = { grace_minute = 30 }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "retry_policy_attribute_misspelt" {
  command = plan
  variables {
    schedule_retry_policy = { maximum_retry_attempt = 3 }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "quota_attribute_misspelt" {
  command = plan
  variables {
    service_quotas = { eventbridge_rules_per_event_bus = 100 }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "read_scope_attribute_misspelt" {
  command = plan
  variables {
    read_scope = { state_machine_name_prefixes = ["etl"], state_machine_name_prefix = ["etl"] }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "failure_queue_key_the_aws_managed_one" {
  command = plan
  variables {
    dead_letter_queue_kms_key_arn = "arn:aws:kms:us-east-1:000000000000:key/44444444-5555-4666-8777-888888888888"
  }
  expect_failures = [data.aws_kms_key.sqs_aws_managed]
}

run "at_after_the_schedulers_years" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "at(2200-01-01T02:00:00)" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "rate_beyond_a_century" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "rate(99999999999 days)" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "cron_name_not_ascii" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(0 2 ? * \u017fun *)" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

# Calendars (calendars.tf): a monitor names one that exists and leaves its deadline a day to fire on; each date and weekday is one.
run "calendar_unknown" {
  command = plan
  variables {
    calendars = { jp-business = { exclude_weekdays = ["SAT", "SUN"] } }
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", calendar = "jp-busines" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "calendar_not_declared" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", calendar = "jp-business" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "calendar_name_not_a_name" {
  command = plan
  variables {
    calendars = { "jp business" = { exclude_weekdays = ["SUN"] } }
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "calendar_date_malformed" {
  command = plan
  variables {
    calendars = { jp-business = { exclude_dates = ["2026-12-31", "2026/12/25"] } }
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", calendar = "jp-business" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "calendar_date_impossible" {
  command = plan
  variables {
    calendars = { jp-business = { exclude_dates = ["2026-02-30"] } }
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", calendar = "jp-business" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "calendar_weekday_unknown" {
  command = plan
  variables {
    calendars = { jp-business = { exclude_weekdays = ["SAT", "Sunday", null] } }
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", calendar = "jp-business" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "calendar_attribute_misspelt" {
  command = plan
  variables {
    calendars = { jp-business = { exclude_date = ["2026-12-31"] } }
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", calendar = "jp-business" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "calendar_excludes_every_weekday" {
  command = plan
  variables {
    calendars = { never = { exclude_weekdays = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"] } }
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", calendar = "never" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "calendar_excludes_every_weekday_of_the_deadline" {
  command = plan
  variables {
    calendars = { weekends = { exclude_weekdays = ["MON", "TUE", "WED", "THU", "FRI"] } }
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(0 2 ? * MON-FRI *)", calendar = "weekends" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "calendar_excludes_a_range_that_wraps" {
  command = plan
  variables {
    calendars = { long-weekend = { exclude_weekdays = ["FRI", "SAT", "SUN", "MON"] } }
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(0 9 ? * 6-2 *)", calendar = "long-weekend" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "calendar_excludes_the_last_friday" {
  command = plan
  variables {
    calendars = { no-fridays = { exclude_weekdays = ["FRI"] } }
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(0 9 ? * 6L *)", calendar = "no-fridays" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "calendar_excludes_the_day_of_an_at" {
  command = plan
  variables {
    calendars = { holidays = { exclude_dates = ["2035-06-01"] } }
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "at(2035-06-01T09:00:00)", calendar = "holidays" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

# 21,000 days from 1970 (a list of strings: a tuple that long takes Terraform seconds to type).
run "calendar_too_large_for_the_schedulers_input" {
  command = plan
  variables {
    calendars = { every-day-since-1970 = { exclude_dates = split(",", join(",", [for k in range(21) : join(",", [for n in range(1000) : formatdate("YYYY-MM-DD", timeadd("1970-01-01T00:00:00Z", "${(k * 1000 + n) * 24}h"))])])) } }
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", calendar = "every-day-since-1970" }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "calendars_that_leave_a_day_to_check_are_accepted" {
  command = plan
  variables {
    calendars = { jp-business = { exclude_dates = ["2026-12-31", "2027-01-01", "2026-12-31"], exclude_weekdays = ["SUN", "SAT"] }, unused = {} }
    monitors = {
      weekdays   = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(0 2 ? * MON-FRI *)", calendar = "jp-business" }
      wrapping   = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(0 9 ? * 6-2 *)", calendar = "jp-business" }
      second-tue = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(0 9 ? * 3#2 *)", calendar = "jp-business" }
      monthly    = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "cron(0 9 1 * ? *)", calendar = "jp-business" }
      hourly     = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "rate(1 hour)", lookback_minutes = 60, calendar = "jp-business" }
      once       = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", schedule_expression = "at(2035-06-01T09:00:00)", calendar = "jp-business" }
      overnight  = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", start_check = { schedule_expression = "cron(15 23 * * ? *)" }, at_risk_check = { schedule_expression = "cron(30 1 * * ? *)" }, calendar = "jp-business" }
    }
  }
}

# Maintenance windows (maintenance.tf): each is recurring (a cron() schedule and a duration of at most a week) or one-off (from before until), named once among a monitor's windows.
run "maintenance_window_name_not_a_name" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", maintenance_windows = [{ name = "db maintenance", schedule = "cron(0 1 ? * SUN *)", duration = "3h" }] }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "maintenance_window_named_as_one_of_the_modules" {
  command = plan
  variables {
    maintenance_windows = [{ name = "weekly-db", schedule = "cron(0 1 ? * SUN *)", duration = "3h" }]
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", maintenance_windows = [{ name = "weekly-db", from = "2026-12-24T01:00:00+09:00", until = "2026-12-24T05:00:00+09:00" }] }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "module_maintenance_windows_of_one_name" {
  command = plan
  variables {
    maintenance_windows = [{ name = "weekly-db", schedule = "cron(0 1 ? * SUN *)", duration = "3h" }, { name = "weekly-db", schedule = "cron(0 1 ? * WED *)", duration = "1h" }]
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "maintenance_window_of_both_forms" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", maintenance_windows = [{ name = "release", schedule = "cron(0 1 ? * SUN *)", duration = "3h", from = "2026-12-24T01:00:00+09:00", until = "2026-12-24T05:00:00+09:00" }] }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "maintenance_window_of_neither_form" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", maintenance_windows = [{ name = "release" }] }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "maintenance_window_schedule_without_duration" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", maintenance_windows = [{ name = "weekly-db", schedule = "cron(0 1 ? * SUN *)", timezone = "Asia/Tokyo" }] }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "maintenance_window_from_without_until" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", maintenance_windows = [{ name = "release", from = "2026-12-24T01:00:00+09:00" }] }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "maintenance_window_on_a_rate" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", maintenance_windows = [{ name = "weekly-db", schedule = "rate(7 days)", duration = "3h" }] }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "maintenance_window_at_one_time" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", maintenance_windows = [{ name = "release", schedule = "at(2035-12-24T01:00:00)", duration = "3h" }] }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "maintenance_window_cron_hour_25" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", maintenance_windows = [{ name = "weekly-db", schedule = "cron(0 25 ? * SUN *)", duration = "3h" }] }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "maintenance_window_duration_in_weeks" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", maintenance_windows = [{ name = "weekly-db", schedule = "cron(0 1 ? * SUN *)", duration = "1w" }] }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "maintenance_window_duration_of_a_fraction" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", maintenance_windows = [{ name = "weekly-db", schedule = "cron(0 1 ? * SUN *)", duration = "1.5h" }] }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "module_maintenance_window_longer_than_a_week" {
  command = plan
  variables {
    maintenance_windows = [{ name = "migration", schedule = "cron(0 0 1 1 ? *)", duration = "10081m" }]
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "maintenance_window_timezone_misspelt" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", maintenance_windows = [{ name = "weekly-db", schedule = "cron(0 1 ? * SUN *)", duration = "3h", timezone = "Europe/Tokio" }] }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "maintenance_window_from_without_offset" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", maintenance_windows = [{ name = "release", from = "2026-12-24T01:00:00", until = "2026-12-24T05:00:00+09:00" }] }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

# The same moment written in two offsets: the window would close as it opens.
run "maintenance_window_from_not_before_until" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", maintenance_windows = [{ name = "release", from = "2026-12-24T05:00:00+09:00", until = "2026-12-23T20:00:00Z" }] }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "maintenance_window_attribute_misspelt" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", maintenance_windows = [{ name = "weekly-db", schedule = "cron(0 1 ? * SUN *)", duration = "3h", time_zone = "Asia/Tokyo" }] }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "module_maintenance_window_attribute_misspelt" {
  command = plan
  variables {
    maintenance_windows = [{ name = "weekly-db", schedule = "cron(0 1 ? * SUN *)", duraton = "3h" }]
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

# The module's windows are in each of a rule's 20 monitors' entries of its input template.
run "maintenance_windows_too_long_for_a_failure_rule" {
  command = plan
  variables {
    monitors = { for n in range(20) : format("job-%02d", n) => {
      state_machine_arn   = format("arn:aws:states:us-east-1:000000000000:stateMachine:etl-%02d", n)
      maintenance_windows = [for day in ["SUN", "MON", "TUE"] : { name = "nightly-maintenance-${day}", schedule = "cron(0 1 ? * ${day} *)", duration = "3h" }]
    } }
  }
  expect_failures = [aws_cloudwatch_event_target.failure["00"]]
}

run "maintenance_windows_of_both_forms_are_accepted" {
  command = plan
  variables {
    maintenance_windows = [{ name = "weekly-db", schedule = "cron(0 1 ? * SUN *)", duration = "3h" }, { name = "freeze", from = "2026-12-24T00:00:00Z", until = "2027-01-04T00:00:00Z" }]
    monitors = {
      etl = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", timezone = "Asia/Tokyo"
        maintenance_windows = [
          { name = "release", from = "2026-12-24T01:00:00+09:00", until = "2026-12-24T05:00:00.5+09:00" },
          { name = "nightly-backup", schedule = "cron(0/30 1-3 * * ? *)", duration = "7d" },
          { name = "quarterly.patch_1", schedule = "cron(0 22 ? 1,4,7,10 SAT#1 *)", duration = "10080m", timezone = "America/Argentina/Buenos_Aires" },
        ]
      }
      billing = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", maintenance_windows = [{ name = "month-end", schedule = "cron(0 0 L * ? *)", duration = "2d" }] }
    }
  }
}

run "upstream_not_a_monitor" {
  command = plan
  variables {
    monitors = {
      etl     = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl" }
      billing = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:billing", upstream = ["nightly-etl"] }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "upstream_itself" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", upstream = ["etl"] }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "upstream_cycle" {
  command = plan
  variables {
    monitors = {
      etl     = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", upstream = ["reports"] }
      billing = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:billing", upstream = ["etl"] }
      reports = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:reports", upstream = ["billing"] }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}

run "upstream_suppresses_without_upstream" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl", upstream_suppresses = true }
    }
  }
  expect_failures = [aws_scheduler_schedule_group.this]
}
