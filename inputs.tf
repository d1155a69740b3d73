# The object inputs, typed by modules/inputs, which also finds every attribute their types
# do not know (Terraform would drop it without a word), and the rules each must follow.
# The rules of monitors are in monitors.tf; these are checked with them, at plan, on the
# schedule group (schedules.tf).
module "inputs" {
  source = "./modules/inputs"

  monitors              = var.monitors
  read_scope            = var.read_scope
  service_quotas        = var.service_quotas
  audit                 = var.audit
  schedule_retry_policy = var.schedule_retry_policy
  as_written = {
    monitors              = var.monitors, read_scope = var.read_scope, service_quotas = var.service_quotas, audit = var.audit,
    schedule_retry_policy = var.schedule_retry_policy
  }
}

locals {
  monitors              = module.inputs.monitors
  read_scope            = module.inputs.read_scope
  service_quotas        = module.inputs.service_quotas
  audit                 = module.inputs.audit
  schedule_retry_policy = module.inputs.schedule_retry_policy

  input_problems = { for name, problems in {
    read_scope = local.read_scope == null || try(length(local.read_scope.state_machine_name_prefixes) > 0 && alltrue([for p in local.read_scope.state_machine_name_prefixes : can(regex("^[^\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/]{0,80}$", p))]), false) ? [] : [
      "state_machine_name_prefixes must list at least one prefix of up to 80 characters that a state machine name may hold (\"\" grants every state machine in this account and region)"
    ]
    service_quotas = concat(
      local.service_quotas.iam_managed_policies_per_role >= 1 && local.service_quotas.iam_managed_policies_per_role <= 25 ? [] : ["iam_managed_policies_per_role must be 1 to 25 (IAM's maximum for 'Managed policies per role')"],
      local.service_quotas.eventbridge_rules_per_bus >= 1 ? [] : ["eventbridge_rules_per_bus must be at least 1"],
      local.service_quotas.eventbridge_event_pattern_characters >= 2048 && local.service_quotas.eventbridge_event_pattern_characters <= 4096 ? [] : [
        "eventbridge_event_pattern_characters must be 2048 (the default) to 4096 (PutRule's own limit on EventPattern)"
      ],
    )
    audit = concat(
      contains(["text", "json", "chat"], local.audit.message_format) ? [] : ["message_format must be \"text\", \"json\" or \"chat\""],
      can(regex("^rate\\(0*[1-9][0-9]* (minute|hour|day)s?\\)$", local.audit.schedule_expression)) ? [] : ["schedule_expression must be rate(<whole number> minutes|hours|days), such as rate(1 hour)"],
      local.audit.grace_minutes >= 5 && local.audit.grace_minutes <= 1440 && floor(local.audit.grace_minutes) == local.audit.grace_minutes ? [] : ["grace_minutes must be a whole number from 5 to 1440 (a day)"],
      !local.audit.enabled || var.create_state_table ? [] : ["the audit needs the state table, where the checks record themselves: set create_state_table = true, or audit = { enabled = false }"],
    )
    schedule_retry_policy = concat(
      local.schedule_retry_policy.maximum_event_age_in_seconds >= 60 && local.schedule_retry_policy.maximum_event_age_in_seconds <= 86400 ? [] : ["maximum_event_age_in_seconds must be between 60 and 86400"],
      local.schedule_retry_policy.maximum_retry_attempts >= 0 && local.schedule_retry_policy.maximum_retry_attempts <= 185 ? [] : ["maximum_retry_attempts must be between 0 and 185"],
    )
  } : name => concat(module.inputs.unknown_attributes.variables[name], problems) if length(module.inputs.unknown_attributes.variables[name]) + length(problems) > 0 }
}
