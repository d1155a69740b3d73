# Instant failure alerts: Step Functions emits a status change event when a run fails,
# times out or is aborted; rules on the default bus forward it to the check function at
# once. The deadline checks keep running: no event reports a run that is late or never
# started. Events go to the default bus of the state machine's account: a cross-account
# monitor's rule hears them only if that account forwards them here.
#
# EventBridge allows 300 rules per bus by default, shared with everything else in the
# account, so monitors share rules: a rule lists the state machines of 20 monitors (by
# default), and its target hands the function those monitors' settings; the function
# picks the ones an event is about. 1,000 monitors take 50 rules. Each rule's pattern
# must stay within 2,048 characters (quota 'Event pattern size', adjustable to 4,096) and
# its input template within 8,192 (docs.aws.amazon.com/eventbridge/latest/userguide/
# eb-quota.html, APIReference/API_InputTransformer.html).
locals {
  input_template_characters = 8192
  monitors_per_failure_rule = var.monitors_per_failure_rule

  # A paused monitor hears nothing, as its schedules fire nothing.
  failure_event_monitors  = sort([for key, m in local.monitors : key if m.instant_failure_alerts && m.enabled])
  failure_rule_monitors   = { for index, keys in chunklist(local.failure_event_monitors, local.monitors_per_failure_rule) : format("%02d", index) => keys }
  failure_rule_by_monitor = merge([for id, keys in local.failure_rule_monitors : { for key in keys : key => id }]...)
  # Every rule's name starts with the prefix, which the invoke permission and the
  # undelivered queue's policy match.
  failure_rule_prefix = "${var.name}-sfn-failed-"
  failure_rule_names = concat(
    [for id in keys(local.failure_rule_monitors) : "${local.failure_rule_prefix}${id}"],
    local.discovery.enabled ? ["${local.failure_rule_prefix}discovered"] : [],
  )
  failure_rule_pattern = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.failure_rule_prefix}*"

  failure_event_patterns = { for id, keys in local.failure_rule_monitors : id => jsonencode({
    source        = ["aws.states"]
    "detail-type" = ["Step Functions Execution Status Change"]
    detail = {
      status          = ["FAILED", "TIMED_OUT", "ABORTED"]
      stateMachineArn = sort(distinct([for key in keys : local.base_state_machine_arns[key]]))
    }
  }) }

  # The contract's status_change check: the rule's monitors around the whole event,
  # appended as the last member so that no value of a monitor can be taken for it. A
  # monitor's defaults (UTC, text, its own account, the default severities, no maintenance
  # window) are left out to keep within the template's 8,192 characters.
  failure_event_templates = { for id, keys in local.failure_rule_monitors : id => format(
    "{\"version\":1,\"check\":\"status_change\",%s\"monitors\":%s,\"event\":<aws.events.event.json>}",
    local.failure_template_windows,
    jsonencode([for key in keys : merge(
      { monitor = key, state_machine_arn = local.monitors[key].state_machine_arn },
      local.monitors[key].timezone == "UTC" ? {} : { timezone = local.monitors[key].timezone },
      local.monitors[key].message_format == "text" ? {} : { message_format = local.monitors[key].message_format },
      local.monitors[key].role_arn == null ? {} : { role_arn = local.monitors[key].role_arn },
      length(local.monitors[key].severities) == 0 ? {} : { severities = local.monitors[key].severities },
      local.own_maintenance_inputs[key],
    )]),
  ) }
}

resource "aws_cloudwatch_event_rule" "failure" {
  for_each = local.failure_event_patterns

  name = "${local.failure_rule_prefix}${each.key}"
  # Within EventBridge's 512 characters: the first and last of the rule's monitors.
  description   = "Instant FAILED alerts of ${length(local.failure_rule_monitors[each.key])} ${var.name} monitor(s), ${local.failure_rule_monitors[each.key][0]} to ${reverse(local.failure_rule_monitors[each.key])[0]}"
  event_pattern = each.value
  tags          = var.tags

  lifecycle {
    precondition {
      condition     = length(each.value) <= local.service_quotas.eventbridge_event_pattern_characters
      error_message = "${var.name}: Failure rule ${each.key}'s event pattern would be ${length(each.value)} characters, over EventBridge's ${local.service_quotas.eventbridge_event_pattern_characters} (quota 'Event pattern size'): its ${local.monitors_per_failure_rule} state machines have long names. Set monitors_per_failure_rule lower, or ask AWS to raise the quota (4,096 at most) and set service_quotas.eventbridge_event_pattern_characters."
    }
  }
}

# The discovered monitors share one rule for every failed run of the account (a pattern
# cannot select by tag); its input names no monitor, and the function keeps the runs of a
# discovered monitor's state machine (discovery/failures.py), so that 1,000 discovered
# monitors take this one rule.
resource "aws_cloudwatch_event_rule" "discovered_failures" {
  count = local.discovery.enabled ? 1 : 0

  name        = "${local.failure_rule_prefix}discovered"
  description = "Instant FAILED alerts of the ${var.name} monitors discovered by tag"
  event_pattern = jsonencode({
    source        = ["aws.states"]
    "detail-type" = ["Step Functions Execution Status Change"]
    detail        = { status = ["FAILED", "TIMED_OUT", "ABORTED"] }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "discovered_failures" {
  count = local.discovery.enabled ? 1 : 0

  rule = aws_cloudwatch_event_rule.discovered_failures[0].name
  arn  = aws_lambda_function.this.arn

  input_transformer {
    input_template = "{\"version\":1,\"check\":\"status_change\",\"discovered\":true,\"event\":<aws.events.event.json>}"
  }

  dead_letter_config {
    arn = aws_sqs_queue.undelivered.arn
  }
}

resource "aws_cloudwatch_event_target" "failure" {
  for_each = local.failure_event_templates

  rule = aws_cloudwatch_event_rule.failure[each.key].name
  arn  = aws_lambda_function.this.arn

  input_transformer {
    input_template = each.value
  }

  # After EventBridge's own retries (24 hours, 185 attempts), an event it could not
  # deliver waits with the checks the Scheduler could not deliver.
  dead_letter_config {
    arn = aws_sqs_queue.undelivered.arn
  }

  lifecycle {
    precondition {
      condition     = length(each.value) <= local.input_template_characters
      error_message = "${var.name}: Failure rule ${each.key}'s input template would be ${length(each.value)} characters, over EventBridge's limit of ${local.input_template_characters}: its ${local.monitors_per_failure_rule} monitors' names, ARNs, role ARNs, severities and own maintenance windows, and the module's maintenance_windows, are long. Set monitors_per_failure_rule lower."
    }
  }
}

# One statement for every rule of this module: one per rule would outgrow the function's
# 20 KB resource policy.
resource "aws_lambda_permission" "failure_events" {
  count = length(local.failure_rule_names) > 0 ? 1 : 0

  statement_id  = "FailureEvents"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = local.failure_rule_pattern
}

# EventBridge delivers to a dead-letter queue under the queue's own policy, from this
# module's rules only.
resource "aws_sqs_queue_policy" "undelivered" {
  count = length(local.failure_rule_names) > 0 ? 1 : 0

  queue_url = aws_sqs_queue.undelivered.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "FailureRulesDeadLetter"
      Effect    = "Allow"
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.undelivered.arn
      Principal = { Service = "events.amazonaws.com" }
      Condition = { ArnLike = { "aws:SourceArn" = local.failure_rule_pattern } }
    }]
  })
}
