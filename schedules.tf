# The monitors' schedules: a deadline check each, and a start check and an at-risk check
# for those that ask. Each kind lives in a schedule group of its own, so that a monitor's
# schedules can share its name, and all are built by modules/schedules.
locals {
  # The check's input contract (README: "Input contract"). The Scheduler substitutes the
  # <aws.scheduler.*> attributes at each invocation; jsonencode writes < and > as \u003c
  # and \u003e, which it would not substitute, so they are restored (no value of the
  # contract can hold them). Only a cross-account monitor's input names a role.
  check_inputs = { for id, input in merge(
    { for key, m in var.monitors : "${key} deadline" => {
      monitor = key, lookback_minutes = m.lookback_minutes, notify_on_success = m.notify_on_success, schedule_expression = m.schedule_expression
    } },
    { for key, m in local.start_checks : "${key} start" => {
      monitor = key, check = "start", lookback_minutes = coalesce(m.start_check.lookback_minutes, m.lookback_minutes), schedule_expression = m.start_check.schedule_expression
    } },
    # The at-risk check judges the deadline's window: it names the deadline's schedule.
    { for key, m in local.at_risk_checks : "${key} at_risk" => {
      monitor = key, check = "at_risk", lookback_minutes = m.lookback_minutes, deadline_expression = m.schedule_expression
    } },
    ) : id => replace(replace(jsonencode(merge(
      {
        version                = 1
        state_machine_arn      = var.monitors[input.monitor].state_machine_arn
        timezone               = var.monitors[input.monitor].timezone
        message_format         = var.monitors[input.monitor].message_format
        scheduled_time         = "<aws.scheduler.scheduled-time>"
        scheduler_execution_id = "<aws.scheduler.execution-id>"
        attempt_number         = "<aws.scheduler.attempt-number>"
      },
      var.monitors[input.monitor].role_arn == null ? {} : { role_arn = var.monitors[input.monitor].role_arn },
      input,
  )), "\\u003c", "<"), "\\u003e", ">") }

  schedule_target = {
    function_arn    = aws_lambda_function.this.arn
    role_arn        = aws_iam_role.scheduler.arn
    dead_letter_arn = aws_sqs_queue.undelivered.arn
    retry_policy    = var.schedule_retry_policy
  }
}

resource "aws_scheduler_schedule_group" "this" {
  name = var.name
  tags = var.tags

  # The monitors' rules (monitors.tf) and the quotas that grow with the monitors, on the
  # resource every schedule lives in: plan fails here, naming each monitor and what to fix.
  lifecycle {
    precondition {
      condition     = length(local.invalid_configuration) == 0
      error_message = "${var.name}: Invalid monitors:\n${join("\n", [for key, problems in local.invalid_configuration : "- ${key}: ${join("; ", problems)}"])}"
    }
    precondition {
      condition     = length(local.invalid_arns) == 0
      error_message = "${var.name}: Invalid monitors:\n${join("\n", [for key, problems in local.invalid_arns : "- ${key}: ${join("; ", problems)}"])}"
    }
    precondition {
      condition     = length(local.read_policy_monitors) <= var.service_quotas.iam_managed_policies_per_role
      error_message = "${var.name}: Reading ${length(var.monitors)} monitors' state machines by their exact ARNs takes ${length(local.read_policy_monitors)} managed policies (${local.monitors_per_read_policy} monitors each), and an IAM role holds ${var.service_quotas.iam_managed_policies_per_role} (quota 'Managed policies per role'). Set read_scope = { state_machine_name_prefixes = [...] } to grant by name prefix, or, once AWS has raised the quota for this account, set service_quotas.iam_managed_policies_per_role."
    }
    precondition {
      condition     = length(local.failure_rule_monitors) <= var.service_quotas.eventbridge_rules_per_bus
      error_message = "${var.name}: Instant failure alerts for ${length(local.failure_event_monitors)} monitors take ${length(local.failure_rule_monitors)} rules on the default event bus, which holds ${var.service_quotas.eventbridge_rules_per_bus} (quota 'Rules per event bus', shared with the account's other rules): turn instant_failure_alerts off for some monitors, or set service_quotas once AWS has raised the quota."
    }
  }
}

module "deadline_schedules" {
  source = "./modules/schedules"

  group_name  = aws_scheduler_schedule_group.this.name
  kms_key_arn = var.schedule_kms_key_arn
  target      = local.schedule_target
  schedules = { for key, m in var.monitors : key => {
    description         = coalesce(m.description, "Deadline check of ${m.state_machine_arn}")
    enabled             = m.enabled
    schedule_expression = m.schedule_expression
    timezone            = m.timezone
    start_date          = m.start_date
    end_date            = m.end_date
    input               = local.check_inputs["${key} deadline"]
  } }
}

resource "aws_scheduler_schedule_group" "start" {
  count = length(local.start_checks) > 0 ? 1 : 0

  name = "${var.name}-start"
  tags = var.tags
}

module "start_schedules" {
  source = "./modules/schedules"

  group_name  = one(aws_scheduler_schedule_group.start[*].name)
  kms_key_arn = var.schedule_kms_key_arn
  target      = local.schedule_target
  schedules = { for key, m in local.start_checks : key => {
    description         = "Start check of ${m.state_machine_arn}: a run must have started by now"
    enabled             = m.enabled
    schedule_expression = m.start_check.schedule_expression
    timezone            = m.timezone
    start_date          = m.start_date
    end_date            = m.end_date
    input               = local.check_inputs["${key} start"]
  } }
}

resource "aws_scheduler_schedule_group" "at_risk" {
  count = length(local.at_risk_checks) > 0 ? 1 : 0

  name = "${var.name}-at-risk"
  tags = var.tags
}

module "at_risk_schedules" {
  source = "./modules/schedules"

  group_name  = one(aws_scheduler_schedule_group.at_risk[*].name)
  kms_key_arn = var.schedule_kms_key_arn
  target      = local.schedule_target
  schedules = { for key, m in local.at_risk_checks : key => {
    description         = "At-risk check of ${m.state_machine_arn}: will its run make the deadline?"
    enabled             = m.enabled
    schedule_expression = m.at_risk_check.schedule_expression
    timezone            = m.timezone
    start_date          = m.start_date
    end_date            = m.end_date
    input               = local.check_inputs["${key} at_risk"]
  } }
}
