provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  tags = {
    Team    = "data-platform"
    Purpose = "sfn-deadline-monitor"
  }
}

# One customer managed key for the alert and alarm topics, the queues, the logs, the
# state table and the schedules' input. The account administers it through IAM; each
# service the monitor sends through it is allowed by the statements the module lists in
# its kms_key_policies output (a wrong key policy drops alarms and dead letters without a
# word, and no emulator checks it).
data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_109:A key policy's "*" resource is the key itself; the account delegates to IAM.
  #checkov:skip=CKV_AWS_111:A key policy's "*" resource is the key itself; the account delegates to IAM.
  #checkov:skip=CKV_AWS_356:A key policy's "*" resource is the key itself; the account delegates to IAM.
  source_policy_documents = values(module.sfn_deadlines.kms_key_policies)

  statement {
    sid       = "AccountAdministersKeyThroughIam"
    actions   = ["kms:*"]
    resources = ["*"] # in a key policy, "*" means this key
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${local.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "monitor" {
  description         = "Encrypts the ${var.name} deadline monitor's topics, queues, logs, state and schedules"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
  tags                = local.tags
}

# The alarms on the monitor itself go to a topic of their own, so that they still reach
# someone when the alert topic is what broke.
resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-sfn-deadline-alarms"
  kms_master_key_id = aws_kms_key.monitor.arn
  tags              = local.tags
}

# The boundary an estate may require on every role it creates: exactly what the monitor's
# roles use, as the module derives it from their own policies (permissions_boundary_policy),
# so it cannot drift from what the function calls. An estate with a boundary of its own
# merges role_actions into it instead.
resource "aws_iam_policy" "boundary" {
  name   = "${var.name}-monitor-boundary"
  path   = "/monitoring/"
  policy = module.sfn_deadlines.permissions_boundary_policy
  tags   = local.tags
}

# Critical alerts (FAILED, LATE, MISSING, ERROR, and any status a monitor's severities map
# to critical) page: a pager's HTTPS endpoint, such as PagerDuty's or Opsgenie's SNS
# integration URL, subscribed to those alone.
resource "aws_sns_topic_subscription" "pager" {
  # The URL holds its routing key: sensitive, but whether it is set is not.
  count = nonsensitive(var.pager_endpoint == null) ? 0 : 1

  topic_arn              = module.sfn_deadlines.sns_topic_arn
  protocol               = "https"
  endpoint               = var.pager_endpoint
  endpoint_auto_confirms = true
  filter_policy          = jsonencode({ severity = ["critical"] })
}

module "sfn_deadlines" {
  source = "../.."

  name = var.name

  # Tokyo's business days: no weekend, no public holiday (the list kept beside this file,
  # from the Cabinet Office's). Dates are in each monitor's own time zone.
  calendars = {
    jp-business = {
      exclude_dates    = jsondecode(file("${path.module}/holidays-jp.json"))
      exclude_weekdays = ["SAT", "SUN"]
    }
  }

  # The warehouse database's weekly maintenance, 01:00 to 04:00 UTC each Sunday, for every
  # monitor: problems found then wait until it is over and are sent only if they remain.
  maintenance_windows = [
    { name = "warehouse-db-weekly", schedule = "cron(0 1 ? * SUN *)", duration = "3h" },
  ]

  monitors = {
    # Tokyo's nightly load: starts 00:00 on business days, must have succeeded by 02:00
    # local time. If it has not started by 00:15, on call hears of it then, not at 02:00;
    # at 01:30 the at-risk check warns when, at the pace of its recent runs, it will end
    # too late. On a weekend or a holiday no run is expected: its checks send nothing
    # then, unless a run did run and failed. Its alerts go to Slack through AWS Chatbot.
    nightly-etl = {
      state_machine_arn = var.nightly_etl_state_machine_arn
      timezone          = "Asia/Tokyo"
      description       = "Nightly ETL into the warehouse"
      message_format    = "chat"
      calendar          = "jp-business"
      start_check = {
        schedule_expression = "cron(15 0 * * ? *)"
        lookback_minutes    = 75
      }
      at_risk_check = {
        schedule_expression = "cron(30 1 * * ? *)"
      }
      # Once, its own: the warehouse's upgrade on the night of 2027-03-20, Tokyo time.
      maintenance_windows = [
        { name = "warehouse-upgrade", from = "2027-03-20T22:00:00+09:00", until = "2027-03-21T06:00:00+09:00" },
      ]
    }
    # Berlin's billing run, weekdays: starts 05:00 through the prod alias, due by 06:30.
    # Its failures are already paged by the team's own rule: no instant alert here. A run
    # done in under a tenth of its usual time most likely billed nobody: TOO_FAST.
    billing = {
      state_machine_arn      = var.billing_state_machine_arn
      schedule_expression    = "cron(30 6 ? * MON-FRI *)"
      timezone               = "Europe/Berlin"
      lookback_minutes       = 120
      notify_on_success      = true
      message_format         = "json"
      instant_failure_alerts = false
      min_duration           = { fraction_of_median = 0.1 }
      # It bills from the warehouse nightly-etl loads: a billing problem on a night the
      # load failed says so first, and the load's own alerts name billing.
      upstream = ["nightly-etl"]
    }
    # New York's hourly export: each run has 50 minutes.
    hourly-export = {
      state_machine_arn   = var.hourly_export_state_machine_arn
      schedule_expression = "cron(50 * * * ? *)"
      timezone            = "America/New_York"
      lookback_minutes    = 50
    }
    # Paused during the migration; keeps its settings for when it returns, which must be
    # before the end of 2030.
    legacy-report = {
      state_machine_arn   = var.legacy_report_state_machine_arn
      schedule_expression = "rate(1 day)"
      lookback_minutes    = 1440
      enabled             = false
      end_date            = "2030-12-31T23:59:59Z"
    }
  }

  create_sns_topic        = true
  sns_topic_kms_key_arn   = aws_kms_key.monitor.arn
  sns_email_subscriptions = [var.alert_email]
  # With a pager, the mail gets what does not page (docs/alerts.md#severity-and-incidents).
  sns_email_filter_policy = nonsensitive(var.pager_endpoint == null) ? null : jsonencode({ severity = [{ "anything-but" = "critical" }] })

  alarm_sns_topic_arn         = aws_sns_topic.alarms.arn
  alarm_sns_topic_kms_key_arn = aws_kms_key.monitor.arn

  lambda_runtime        = "python3.13"
  lambda_architecture   = "arm64"
  lambda_memory_size    = 256
  lambda_timeout        = 120
  log_retention_in_days = 365
  log_kms_key_arn       = aws_kms_key.monitor.arn

  # The audit of the monitors themselves, every 30 minutes: a check may take 45 minutes
  # (the Scheduler's retries below are 30) before its monitor counts as quiet.
  audit = {
    schedule_expression = "rate(30 minutes)"
    grace_minutes       = 45
  }

  schedule_retry_policy = {
    maximum_event_age_in_seconds = 1800
    maximum_retry_attempts       = 5
  }
  dead_letter_queue_kms_key_arn = aws_kms_key.monitor.arn
  schedule_kms_key_arn          = aws_kms_key.monitor.arn

  # Reserved concurrency (lambda_reserved_concurrent_executions) is left unset: Lambda
  # refuses a reservation that leaves an account under 100 unreserved, and new accounts
  # start with a low limit.
  lambda_async_retry_attempts        = 2
  lambda_async_max_event_age_seconds = 3600
  create_alarms                      = true
  metrics_namespace                  = "DataPlatform/SfnDeadlines"

  # The account's values of the adjustable quotas the module plans against (the defaults).
  service_quotas = {
    iam_managed_policies_per_role        = 10
    eventbridge_rules_per_bus            = 300
    eventbridge_event_pattern_characters = 2048
  }

  create_state_table                 = true
  state_table_point_in_time_recovery = true
  state_table_kms_key_arn            = aws_kms_key.monitor.arn

  iam_role_path                = "/monitoring/"
  iam_permissions_boundary_arn = aws_iam_policy.boundary.arn

  tags = local.tags
}
