# Onboarding by tag: the audit finds the state machines tagged <tag_prefix>deadline, in this
# account and through member roles, and keeps their schedules itself (docs/discovery.md).
# Terraform makes what that needs: the schedule groups (their schedules are the audit's,
# not Terraform's), the function's grants (iam.tf) and the settings the audit reads from
# the registry's manifest (registry.tf). The rules are checked with the others (validation.tf).
locals {
  # The tag every discovered state machine carries: discovery looks for it, and the grants
  # that read executions without a statement per monitor are conditioned on it.
  discovery_tag_key       = "${local.discovery.tag_prefix}deadline"
  discovery_tag_condition = { Null = { "aws:ResourceTag/${local.discovery_tag_key}" = "false" } }

  # What is wrong with discovery's settings (input_problems, validation.tf). A Step Functions
  # tag "may only contain Unicode letters, digits, white space, or these symbols: _ . : / =
  # + - @", its key 1 to 128 characters (docs.aws.amazon.com/step-functions/latest/
  # apireference/API_Tag.html), and the longest key read is <prefix> and 8 more (deadline,
  # timezone, lookback, calendar, upstream, start-by). "Do not use the aws: prefix in your
  # tag names or values because it is reserved for AWS use" (docs.aws.amazon.com/
  # step-functions/latest/dg/service-quotas.html#sfn-limits-tagging), in any case
  # (docs.aws.amazon.com/batch/latest/userguide/tag-restrictions.html).
  discovery_role_arns = local.discovery.member_role_arns
  discovery_problems = concat(
    can(regex(local.tag_prefix_regex, local.discovery.tag_prefix)) ? [] : [
      "tag_prefix ${jsonencode(local.discovery.tag_prefix)} must be 1 to 120 Unicode letters, digits, white space or _ . : / = + - @ (what a Step Functions tag may hold; a tag key is at most 128 characters, and the keys read add up to 8 to the prefix), such as the default deadline-monitor:"
    ],
    startswith(lower(local.discovery.tag_prefix), "aws:") ? [
      "tag_prefix ${jsonencode(local.discovery.tag_prefix)} must not begin with aws:, which AWS reserves for its own tags: choose another, such as the default deadline-monitor:"
    ] : [],
    [for arn in local.discovery_role_arns : "member_role_arns: ${arn} must be an IAM role ARN such as arn:aws:iam::111122223333:role/sfn-deadline-read (modules/member-role's role_arn output)"
    if !can(regex(local.role_arn_regex, arn))],
    [for arn in distinct(local.discovery_role_arns) : "member_role_arns lists ${arn} ${length([for a in local.discovery_role_arns : a if a == arn])} times: list each role once"
    if length([for a in local.discovery_role_arns : a if a == arn]) > 1],
    [for arn in distinct(local.discovery_role_arns) : "member_role_arns: ${arn} is a role of this account (${local.account_id}), whose state machines the function reads with its own role: list roles in other accounts only"
    if can(regex(local.role_arn_regex, arn)) && try(split(":", arn)[4] == local.account_id, false)],
    local.valid_lookbacks.discovery ? [] : [local.lookback_problem],
    contains(local.message_formats, local.discovery.message_format) ? [] : [local.message_format_problem],
  )

  # Discovery's groups by the kind of check their schedules fire; null while it is off.
  discovered_groups = {
    deadline = one(aws_scheduler_schedule_group.discovered[*].name)
    start    = one(aws_scheduler_schedule_group.discovered_start[*].name)
    at_risk  = one(aws_scheduler_schedule_group.discovered_at_risk[*].name)
  }

  # What the audit's discovery reads of the module (registry.tf): the target its schedules
  # share with the declared ones (schedules.tf), the defaults of a monitor whose tags set
  # none, and each calendar and module window in the form a schedule's input carries it.
  discovery_manifest = {
    tag_prefix          = local.discovery.tag_prefix
    member_role_arns    = local.discovery_role_arns
    schedule_groups     = local.discovered_groups
    scheduler_role_arn  = local.schedule_target.role_arn
    dead_letter_arn     = local.schedule_target.dead_letter_arn
    retry_policy        = local.schedule_target.retry_policy
    kms_key_arn         = var.schedule_kms_key_arn
    lookback_minutes    = local.discovery.lookback_minutes
    message_format      = local.discovery.message_format
    calendars           = local.calendar_contracts
    maintenance_windows = local.module_window_inputs
  }
}

# A group per kind of check, as the declared schedules have. The longest name, 19
# characters after a name of at most 32, fits the 64 a group's name may have
# (docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateScheduleGroup.html).
resource "aws_scheduler_schedule_group" "discovered" {
  count = local.discovery.enabled ? 1 : 0

  name = "${var.name}-discovered"
  tags = var.tags
}

resource "aws_scheduler_schedule_group" "discovered_start" {
  count = local.discovery.enabled ? 1 : 0

  name = "${var.name}-discovered-start"
  tags = var.tags
}

resource "aws_scheduler_schedule_group" "discovered_at_risk" {
  count = local.discovery.enabled ? 1 : 0

  name = "${var.name}-discovered-at-risk"
  tags = var.tags
}
