# The module at 1, 60, 300 and 1,000 monitors keeps within AWS's default quotas, planned
# with a mocked provider: every size AWS limits, as the module renders it (the same sizes
# are measured from a deployed account by tests/apply/test_scale.py). Limits and their
# sources: docs/aws-limits.md.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_region" {
    defaults = {
      id   = "ap-southeast-1"
      name = "ap-southeast-1"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:ap-southeast-1:123456789012:key/44444444-5555-4666-8777-888888888888"
    }
  }
}

variables {
  name          = "data-platform-prod"
  sns_topic_arn = "arn:aws:sns:ap-southeast-1:123456789012:on-call"
}

run "one_monitor" {
  command = plan

  variables {
    monitors = {
      nightly-etl = { state_machine_arn = "arn:aws:states:ap-southeast-1:123456789012:stateMachine:nightly-etl" }
    }
  }

  assert {
    condition     = length(aws_iam_policy.read) == 1 && length(aws_cloudwatch_event_rule.failure) == 1
    error_message = "One monitor takes one read policy and one failure rule."
  }
}

# 60 monitors with 34-character names in ap-southeast-1, each with a start check and in
# a 30-character time zone: the longest that 20 monitors a rule fit the 2,048-character
# pattern quota with, and the largest input templates. Each names a calendar of 250
# holidays (ten years of them), which every one of its schedules' inputs carries.
run "sixty_monitors_by_exact_arns" {
  command = plan

  variables {
    calendars = { holidays = {
      exclude_dates    = [for n in range(250) : formatdate("YYYY-MM-DD", timeadd("2026-01-01T00:00:00Z", "${n * 350}h"))]
      exclude_weekdays = ["SAT", "SUN"]
    } }
    monitors = { for n in range(60) : format("team-data-platform-pipeline-%04d", n) => {
      state_machine_arn = format("arn:aws:states:ap-southeast-1:123456789012:stateMachine:team-data-platform-pipeline-r-%04d", n)
      timezone          = "America/Argentina/Buenos_Aires"
      message_format    = "json"
      start_check       = { schedule_expression = "cron(15 0 * * ? *)" }
      calendar          = "holidays"
    } }
  }

  assert {
    condition     = length(aws_iam_policy.read) == 3 && alltrue([for policy in local.read_policies : length(policy) <= 6144])
    error_message = "60 monitors' exact grants take 3 managed policies of at most 6,144 characters each (IAM's limit), under the default 10 a role holds."
  }

  assert {
    condition     = length(local.lambda_policy) <= 10240
    error_message = "The function's inline policy stays within IAM's 10,240 characters."
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.failure) == 3 && alltrue([for pattern in local.failure_event_patterns : length(pattern) <= 2048])
    error_message = "60 monitors take 3 failure rules, each pattern within EventBridge's 2,048 characters."
  }

  assert {
    condition     = alltrue([for template in local.failure_event_templates : length(template) <= 8192])
    error_message = "Each rule's input template stays within EventBridge's 8,192 characters."
  }

  assert {
    condition     = length(module.schedules["start"].schedules) == 60 && length(module.schedules["deadline"].schedules) == 60
    error_message = "Each monitor has its deadline and start schedules."
  }

  assert {
    condition     = alltrue([for id, input in local.check_inputs : length(input) <= 262144 && length(jsondecode(input).calendar.exclude_dates) == 250 if id != "audit audit"])
    error_message = "Each schedule's input carries its calendar's 250 dates, within EventBridge Scheduler's 262,144 bytes."
  }
}

run "three_hundred_monitors_by_exact_arns_need_a_read_scope" {
  command = plan

  variables {
    monitors = { for n in range(300) : format("job-%04d", n) => {
      state_machine_arn = format("arn:aws:states:ap-southeast-1:123456789012:stateMachine:job-%04d", n)
    } }
  }

  expect_failures = [aws_scheduler_schedule_group.this]
}

run "three_hundred_monitors" {
  command = plan

  variables {
    read_scope = { state_machine_name_prefixes = ["job-"] }
    monitors = { for n in range(300) : format("job-%04d", n) => {
      state_machine_arn = format("arn:aws:states:ap-southeast-1:123456789012:stateMachine:job-%04d", n)
    } }
  }

  assert {
    condition     = length(aws_iam_policy.read) == 0 && length(local.lambda_policy) <= 10240
    error_message = "With a read scope the grants do not grow with the monitors."
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.failure) == 15 && alltrue([for pattern in local.failure_event_patterns : length(pattern) <= 2048])
    error_message = "300 monitors take 15 failure rules."
  }
}

# 1,000 monitors spread over 25 member accounts and this one, with 30-character names.
run "a_thousand_monitors" {
  command = plan

  variables {
    read_scope = { state_machine_name_prefixes = ["etl-", "report-"] }
    monitors = { for n in range(1000) : format("pipeline-%04d", n) => {
      state_machine_arn = n % 40 < 15 ? format("arn:aws:states:ap-southeast-1:123456789012:stateMachine:etl-daily-orders-pipeline-%04d", n) : format("arn:aws:states:ap-southeast-1:%012d:stateMachine:etl-daily-orders-pipeline-%04d", 200000000000 + n % 25, n)
      role_arn          = n % 40 < 15 ? null : format("arn:aws:iam::%012d:role/data-platform-prod-sfn-deadline-read", 200000000000 + n % 25)
      timezone          = "Asia/Tokyo"
    } }
  }

  assert {
    condition     = length(aws_iam_policy.read) == 0 && length(local.lambda_policy) <= 10240
    error_message = "The function's inline policy (prefix grants and 25 member roles) stays within 10,240 characters."
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.failure) == 50
    error_message = "1,000 monitors take 50 of the bus's 300 rules."
  }

  assert {
    condition     = alltrue([for pattern in local.failure_event_patterns : length(pattern) <= 2048]) && alltrue([for template in local.failure_event_templates : length(template) <= 8192])
    error_message = "Every pattern and input template stays within EventBridge's limits."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.health) == 12 && alltrue([for alarm in local.health_alarms : length(alarm.metrics) <= 10])
    error_message = "The dead-letter failures of 50 rules take 5 alarms of 10 metrics, beside the 7 alarms on the function, the queues, the schedules and the state table."
  }

  assert {
    condition     = length(aws_cloudwatch_dashboard.this[0].dashboard_body) < 10000 && !strcontains(aws_cloudwatch_dashboard.this[0].dashboard_body, "pipeline-0999")
    error_message = "The dashboard draws no metric per monitor: its body stays about 5 KB at 1,000 monitors."
  }

  assert {
    condition     = length(aws_dynamodb_table_item.registry) == 10
    error_message = "1,000 monitors are registered in 10 state table items of 100 monitors each."
  }
}

run "the_longest_names_need_fewer_monitors_a_rule" {
  command = plan

  override_data {
    target = data.aws_region.current
    values = { id = "us-gov-west-1", name = "us-gov-west-1" }
  }
  override_data {
    target = data.aws_partition.current
    values = { partition = "aws-us-gov" }
  }

  variables {
    sns_topic_arn             = "arn:aws-us-gov:sns:us-gov-west-1:123456789012:on-call"
    monitors_per_failure_rule = 10
    monitors = { for n in range(60) : format("%s%04d", join("", [for i in range(60) : "m"]), n) => {
      state_machine_arn = format("arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:%s%04d", join("", [for i in range(76) : "s"]), n)
      timezone          = "America/Argentina/ComodRivadavia"
      message_format    = "chat"
      role_arn          = format("arn:aws-us-gov:iam::123456789012:role/%s", join("", [for i in range(64) : "r"]))
    } }
  }

  assert {
    condition     = alltrue([for policy in local.read_policies : length(policy) <= 6144])
    error_message = "Read policies of 20 monitors fit IAM's 6,144 characters whatever the names (80 characters at most)."
  }

  assert {
    condition     = alltrue([for pattern in local.failure_event_patterns : length(pattern) <= 2048]) && alltrue([for template in local.failure_event_templates : length(template) <= 8192])
    error_message = "With 10 monitors a rule, 80-character names fit the pattern and template limits."
  }

  # DynamoDB's item size limit, 400 KB with attribute names (docs.aws.amazon.com/
  # amazondynamodb/latest/developerguide/ServiceQuotas.html); the item's JSON counts more.
  assert {
    condition     = length(aws_dynamodb_table_item.registry["00"].item) / 60 * local.monitors_per_registry_item <= 400 * 1024 / 4
    error_message = "A registry item of 100 monitors with the longest names and ARNs stays under a quarter of DynamoDB's 400 KB item limit."
  }
}
