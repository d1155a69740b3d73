# Every validation rule rejects bad input at plan time (expect_failures), with a mocked
# AWS provider. The messages themselves are listed in README.md ("Input validation").

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "000000000000"
    }
  }
  mock_data "aws_region" {
    defaults = {
      name = "us-east-1"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
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
  variables { name = "a-name-that-is-far-too-long-for-iam-roles" }
  expect_failures = [var.name]
}

run "no_monitors" {
  command = plan
  variables { monitors = {} }
  expect_failures = [var.monitors]
}

run "monitor_key_not_a_schedule_name" {
  command = plan
  variables {
    monitors = {
      "nightly etl!" = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl" }
    }
  }
  expect_failures = [var.monitors]
}

run "state_machine_arn_of_another_service" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:lambda:us-east-1:000000000000:function:etl" }
    }
  }
  expect_failures = [var.monitors]
}

run "execution_arn_is_not_a_state_machine" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:execution:etl:run-1" }
    }
  }
  expect_failures = [var.monitors]
}

run "schedule_expression_without_wrapper" {
  command = plan
  variables {
    monitors = {
      etl = {
        state_machine_arn   = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        schedule_expression = "0 2 * * *"
      }
    }
  }
  expect_failures = [var.monitors]
}

run "cron_with_five_fields" {
  command = plan
  variables {
    monitors = {
      etl = {
        state_machine_arn   = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        schedule_expression = "cron(0 2 * * ?)"
      }
    }
  }
  expect_failures = [var.monitors]
}

run "rate_of_zero" {
  command = plan
  variables {
    monitors = {
      etl = {
        state_machine_arn   = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        schedule_expression = "rate(0 hours)"
      }
    }
  }
  expect_failures = [var.monitors]
}

run "lookback_zero" {
  command = plan
  variables {
    monitors = {
      etl = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        lookback_minutes  = 0
      }
    }
  }
  expect_failures = [var.monitors]
}

run "lookback_fraction" {
  command = plan
  variables {
    monitors = {
      etl = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        lookback_minutes  = 1.5
      }
    }
  }
  expect_failures = [var.monitors]
}

run "timezone_not_iana" {
  command = plan
  variables {
    monitors = {
      etl = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        timezone          = "GMT +9"
      }
    }
  }
  expect_failures = [var.monitors]
}

run "message_format_unknown" {
  command = plan
  variables {
    monitors = {
      etl = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        message_format    = "xml"
      }
    }
  }
  expect_failures = [var.monitors]
}

run "start_date_not_rfc3339" {
  command = plan
  variables {
    monitors = {
      etl = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        start_date        = "next monday"
      }
    }
  }
  expect_failures = [var.monitors]
}

run "both_topic_inputs" {
  command = plan
  variables { create_sns_topic = true }
  expect_failures = [var.sns_topic_arn]
}

run "neither_topic_input" {
  command = plan
  variables { sns_topic_arn = null }
  expect_failures = [var.sns_topic_arn]
}

run "topic_arn_of_another_service" {
  command = plan
  variables { sns_topic_arn = "arn:aws:sqs:us-east-1:000000000000:alerts" }
  expect_failures = [var.sns_topic_arn]
}

run "topic_key_not_kms" {
  command = plan
  variables { sns_topic_kms_key_arn = "alias/aws/sns" }
  expect_failures = [var.sns_topic_kms_key_arn]
}

run "email_not_an_address" {
  command = plan
  variables {
    sns_topic_arn           = null
    create_sns_topic        = true
    sns_email_subscriptions = ["on-call"]
  }
  expect_failures = [var.sns_email_subscriptions]
}

run "email_for_a_brought_topic" {
  command = plan
  variables { sns_email_subscriptions = ["ops@example.com"] }
  expect_failures = [var.sns_email_subscriptions]
}

run "runtime_unsupported" {
  command = plan
  variables { lambda_runtime = "python3.9" }
  expect_failures = [var.lambda_runtime]
}

run "architecture_unknown" {
  command = plan
  variables { lambda_architecture = "riscv" }
  expect_failures = [var.lambda_architecture]
}

run "memory_too_small" {
  command = plan
  variables { lambda_memory_size = 64 }
  expect_failures = [var.lambda_memory_size]
}

run "timeout_too_long" {
  command = plan
  variables { lambda_timeout = 901 }
  expect_failures = [var.lambda_timeout]
}

run "retention_not_offered_by_cloudwatch" {
  command = plan
  variables { log_retention_in_days = 10 }
  expect_failures = [var.log_retention_in_days]
}

run "log_key_not_kms" {
  command = plan
  variables { log_kms_key_arn = "my-key" }
  expect_failures = [var.log_kms_key_arn]
}

run "event_age_too_long" {
  command = plan
  variables { schedule_retry_policy = { maximum_event_age_in_seconds = 90000 } }
  expect_failures = [var.schedule_retry_policy]
}

run "retry_attempts_too_many" {
  command = plan
  variables { schedule_retry_policy = { maximum_retry_attempts = 200 } }
  expect_failures = [var.schedule_retry_policy]
}

run "dead_letter_key_not_kms" {
  command = plan
  variables { dead_letter_queue_kms_key_arn = "key" }
  expect_failures = [var.dead_letter_queue_kms_key_arn]
}

run "role_path_without_slashes" {
  command = plan
  variables { iam_role_path = "monitoring" }
  expect_failures = [var.iam_role_path]
}

run "boundary_not_a_policy" {
  command = plan
  variables { iam_permissions_boundary_arn = "arn:aws:iam::000000000000:role/boundary" }
  expect_failures = [var.iam_permissions_boundary_arn]
}

run "reserved_concurrency_zero" {
  command = plan
  variables { lambda_reserved_concurrent_executions = 0 }
  expect_failures = [var.lambda_reserved_concurrent_executions]
}

run "async_retries_beyond_lambda_limit" {
  command = plan
  variables { lambda_async_retry_attempts = 3 }
  expect_failures = [var.lambda_async_retry_attempts]
}

run "async_event_age_too_long" {
  command = plan
  variables { lambda_async_max_event_age_seconds = 30000 }
  expect_failures = [var.lambda_async_max_event_age_seconds]
}

run "metrics_namespace_reserved" {
  command = plan
  variables { metrics_namespace = "AWS/Lambda" }
  expect_failures = [var.metrics_namespace]
}

run "fifo_topic" {
  command = plan
  variables { sns_topic_arn = "arn:aws:sns:us-east-1:000000000000:alerts.fifo" }
  expect_failures = [var.sns_topic_arn]
}

run "lookback_beyond_a_month" {
  command = plan
  variables {
    monitors = {
      etl = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        lookback_minutes  = 50000
      }
    }
  }
  expect_failures = [var.monitors]
}

run "end_date_with_an_offset" {
  command = plan
  variables {
    monitors = {
      etl = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        end_date          = "2027-01-01T09:00:00+09:00"
      }
    }
  }
  expect_failures = [var.monitors]
}

run "state_machine_in_another_region" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:eu-west-1:000000000000:stateMachine:etl" }
    }
  }
  expect_failures = [aws_scheduler_schedule.deadline["etl"]]
}

run "topic_in_another_region" {
  command = plan
  variables { sns_topic_arn = "arn:aws:sns:eu-west-1:000000000000:alerts" }
  expect_failures = [aws_lambda_function.this]
}

run "names_with_dots_and_alias_qualifiers_are_accepted" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl.daily+eu:prod.v2" }
    }
  }
}

run "role_arn_not_a_role" {
  command = plan
  variables {
    monitors = {
      etl = {
        state_machine_arn = "arn:aws:states:us-east-1:111122223333:stateMachine:etl"
        role_arn          = "arn:aws:iam::111122223333:user/reader"
      }
    }
  }
  expect_failures = [var.monitors]
}

run "role_arn_in_another_account_than_the_state_machine" {
  command = plan
  variables {
    monitors = {
      etl = {
        state_machine_arn = "arn:aws:states:us-east-1:111122223333:stateMachine:etl"
        role_arn          = "arn:aws:iam::444455556666:role/reader"
      }
    }
  }
  expect_failures = [var.monitors]
}

run "state_machine_in_another_account_without_a_role" {
  command = plan
  variables {
    monitors = {
      etl = { state_machine_arn = "arn:aws:states:us-east-1:111122223333:stateMachine:etl" }
    }
  }
  expect_failures = [aws_scheduler_schedule.deadline]
}

run "start_check_expression_without_wrapper" {
  command = plan
  variables {
    monitors = {
      etl = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        start_check       = { schedule_expression = "15 0 * * ? *" }
      }
    }
  }
  expect_failures = [var.monitors]
}

run "start_check_lookback_zero" {
  command = plan
  variables {
    monitors = {
      etl = {
        state_machine_arn = "arn:aws:states:us-east-1:000000000000:stateMachine:etl"
        start_check       = { schedule_expression = "cron(15 0 * * ? *)", lookback_minutes = 0 }
      }
    }
  }
  expect_failures = [var.monitors]
}

run "state_table_key_not_kms" {
  command = plan
  variables { state_table_kms_key_arn = "arn:aws:kms:us-east-1:000000000000:alias/state" }
  expect_failures = [var.state_table_kms_key_arn]
}
