# The schedules: a deadline check for each monitor, a start check and an at-risk check for
# those that ask, and the audit. Each kind lives in a schedule group of its own, so that a
# monitor's schedules can share its name; one call of modules/schedules builds each kind.
locals {
  # The check's input contract (docs/input-contract.md), by schedule: "<name> <kind>".
  # Only a cross-account monitor's input names a role, only a monitor with severities
  # of its own names them, only one with min_duration its bound (the one set), and only
  # one with maintenance windows (maintenance.tf) them.
  monitor_inputs = merge(
    { for key, m in local.monitors : "${key} deadline" => merge(
      { monitor = key, lookback_minutes = m.lookback_minutes, notify_on_success = m.notify_on_success, schedule_expression = m.schedule_expression },
      m.min_duration == null ? {} : { min_duration = { for name, bound in m.min_duration : name => bound if bound != null } },
    ) },
    { for key, m in local.start_checks : "${key} start" => {
      monitor = key, check = "start", lookback_minutes = local.start_check_lookbacks[key], schedule_expression = m.start_check.schedule_expression
    } },
    # The at-risk check judges the deadline's window: it names the deadline's schedule.
    { for key, m in local.at_risk_checks : "${key} at_risk" => {
      monitor = key, check = "at_risk", lookback_minutes = m.lookback_minutes, deadline_expression = m.schedule_expression
    } },
  )
  # The Scheduler substitutes the <aws.scheduler.*> attributes at each invocation;
  # jsonencode writes < and > as \u003c and \u003e, which it would not substitute, so they
  # are restored (no value of the contract can hold them).
  check_inputs = { for id, input in merge(
    { for id, input in local.monitor_inputs : id => merge(
      {
        state_machine_arn = local.monitors[input.monitor].state_machine_arn
        timezone          = local.monitors[input.monitor].timezone
        message_format    = local.monitors[input.monitor].message_format
      },
      local.monitors[input.monitor].role_arn == null ? {} : { role_arn = local.monitors[input.monitor].role_arn },
      length(local.monitors[input.monitor].severities) == 0 ? {} : { severities = local.monitors[input.monitor].severities },
      local.dependency_inputs[input.monitor],
      local.maintenance_inputs[input.monitor],
      local.calendar_inputs[id],
      input,
    ) },
    local.audit.enabled ? { "audit audit" = { check = "audit" } } : {},
    ) : id => replace(replace(jsonencode(merge(
      {
        version                = 1
        scheduled_time         = "<aws.scheduler.scheduled-time>"
        scheduler_execution_id = "<aws.scheduler.execution-id>"
        attempt_number         = "<aws.scheduler.attempt-number>"
      },
      input,
  )), "\\u003c", "<"), "\\u003e", ">") }

  # Every schedule by kind, then by name; each fires in its monitor's time zone.
  schedules = {
    deadline = { for key, m in local.monitors : key => {
      description         = coalesce(m.description, "Deadline check of ${m.state_machine_arn}"), enabled = m.enabled
      schedule_expression = m.schedule_expression, timezone = m.timezone, start_date = m.start_date, end_date = m.end_date
    } }
    start = { for key, m in local.start_checks : key => {
      description         = "Start check of ${m.state_machine_arn}: a run must have started by now", enabled = m.enabled
      schedule_expression = m.start_check.schedule_expression, timezone = m.timezone, start_date = m.start_date, end_date = m.end_date
    } }
    at_risk = { for key, m in local.at_risk_checks : key => {
      description         = "At-risk check of ${m.state_machine_arn}: will its run make the deadline?", enabled = m.enabled
      schedule_expression = m.at_risk_check.schedule_expression, timezone = m.timezone, start_date = m.start_date, end_date = m.end_date
    } }
    audit = local.audit.enabled ? { audit = {
      description         = "Audit of the ${var.name} deadline monitors: reports a monitor that stopped checking", enabled = true
      schedule_expression = local.audit.schedule_expression, timezone = "UTC", start_date = null, end_date = null
    } } : {}
  }
  schedule_groups = {
    deadline = aws_scheduler_schedule_group.this.name
    start    = one(aws_scheduler_schedule_group.start[*].name)
    at_risk  = one(aws_scheduler_schedule_group.at_risk[*].name)
    audit    = one(aws_scheduler_schedule_group.audit[*].name)
  }
  # The groups that exist, the declared schedules' and discovery's (discovery.tf): the
  # alarms and dashboard read their metrics, the Scheduler role trusts them.
  scheduler_group_sets = {
    declared   = [for kind in ["deadline", "start", "at_risk", "audit"] : local.schedule_groups[kind] if local.schedule_groups[kind] != null]
    discovered = [for kind in ["deadline", "start", "at_risk"] : local.discovered_groups[kind] if local.discovered_groups[kind] != null]
  }
  scheduler_groups = concat(local.scheduler_group_sets.declared, local.scheduler_group_sets.discovered)

  schedule_target = {
    function_arn    = aws_lambda_function.this.arn
    role_arn        = aws_iam_role.scheduler.arn
    dead_letter_arn = aws_sqs_queue.undelivered.arn
    retry_policy    = local.schedule_retry_policy
  }
}

resource "aws_scheduler_schedule_group" "this" {
  name = var.name
  tags = var.tags

  # The inputs' rules (monitors.tf, inputs.tf) and the quotas that grow with the monitors,
  # on the resource every schedule lives in: plan fails here, naming each monitor or input
  # and what to fix.
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
      condition     = length(local.input_problems) == 0
      error_message = "${var.name}: Invalid inputs:\n${join("\n", [for name, problems in local.input_problems : "- ${name}: ${join("; ", problems)}"])}"
    }
    precondition {
      condition     = length(local.oversized_inputs) == 0
      error_message = "${var.name}: Schedule inputs over EventBridge Scheduler's ${local.scheduler_input_bytes} bytes (its limit on a target's input):\n${join("\n", [for id, size in local.oversized_inputs : "- ${id}: ${size} bytes, with the ${try(length(local.calendar_inputs[id].calendar.exclude_dates), 0)} dates of calendar ${try(local.calendar_inputs[id].calendar.name, "-")}"])}\nA calendar's dates are in every schedule input of the monitors that name it: keep fewer of them (past dates are no longer needed)."
    }
    precondition {
      condition     = length(local.read_policy_monitors) <= local.service_quotas.iam_managed_policies_per_role
      error_message = "${var.name}: Reading ${length(local.monitors)} monitors' state machines by their exact ARNs takes ${length(local.read_policy_monitors)} managed policies (${local.monitors_per_read_policy} monitors each), and an IAM role holds ${local.service_quotas.iam_managed_policies_per_role} (quota 'Managed policies per role'). Set read_scope = { state_machine_name_prefixes = [...] } to grant by name prefix, or, once AWS has raised the quota for this account, set service_quotas.iam_managed_policies_per_role."
    }
    precondition {
      condition     = length(local.failure_rule_names) <= local.service_quotas.eventbridge_rules_per_bus
      error_message = "${var.name}: Instant failure alerts for ${length(local.failure_event_monitors)} monitors take ${length(local.failure_rule_names)} rules on the default event bus (one more for the discovered monitors when discovery is on), which holds ${local.service_quotas.eventbridge_rules_per_bus} (quota 'Rules per event bus', shared with the account's other rules): turn instant_failure_alerts off for some monitors, or set service_quotas once AWS has raised the quota."
    }
  }
}

resource "aws_scheduler_schedule_group" "start" {
  count = length(local.start_checks) > 0 ? 1 : 0

  name = "${var.name}-start"
  tags = var.tags
}

resource "aws_scheduler_schedule_group" "at_risk" {
  count = length(local.at_risk_checks) > 0 ? 1 : 0

  name = "${var.name}-at-risk"
  tags = var.tags
}

resource "aws_scheduler_schedule_group" "audit" {
  count = local.audit.enabled ? 1 : 0

  name = "${var.name}-audit"
  tags = var.tags
}

module "schedules" {
  source   = "./modules/schedules"
  for_each = local.schedules

  group_name  = local.schedule_groups[each.key]
  kms_key_arn = var.schedule_kms_key_arn
  target      = local.schedule_target
  schedules   = { for name, s in each.value : name => merge(s, { input = local.check_inputs["${name} ${each.key}"] }) }
}
