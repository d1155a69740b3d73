# Instant failure alerts: Step Functions emits a status change event when a run fails,
# times out or is aborted; one rule per monitor forwards it to the check function at once.
# The deadline checks keep running: no event reports a run that is late or never started.
# Events go to the default bus of the state machine's account: a cross-account monitor's
# rule hears them only if that account forwards them here.
resource "aws_cloudwatch_event_rule" "failure" {
  for_each = local.failure_event_monitors

  name        = local.failure_rule_names[each.key]
  description = "Instant FAILED alert of monitor ${each.key} (${each.value.state_machine_arn})"
  state       = each.value.enabled ? "ENABLED" : "DISABLED"
  event_pattern = jsonencode({
    source        = ["aws.states"]
    "detail-type" = ["Step Functions Execution Status Change"]
    # A monitor of a version or alias hears of the runs started through it only.
    detail = merge(
      {
        status          = ["FAILED", "TIMED_OUT", "ABORTED"]
        stateMachineArn = [local.base_state_machine_arns[each.key]]
      },
      each.value.state_machine_arn == local.base_state_machine_arns[each.key] ? {} : {
        (can(tonumber(try(split(":", each.value.state_machine_arn)[7], "-"))) ? "stateMachineVersionArn" : "stateMachineAliasArn") = [each.value.state_machine_arn]
      },
    )
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "failure" {
  for_each = local.failure_event_monitors

  rule = aws_cloudwatch_event_rule.failure[each.key].name
  arn  = aws_lambda_function.this.arn

  # The contract's status_change check: the monitor's settings around the whole event,
  # appended as the last member so that no value of the monitor can be taken for it.
  input_transformer {
    input_template = format("%s,\"event\":<aws.events.event.json>}", trimsuffix(jsonencode(merge({
      version           = 1
      check             = "status_change"
      monitor           = each.key
      state_machine_arn = each.value.state_machine_arn
      timezone          = each.value.timezone
      message_format    = each.value.message_format
    }, local.role_input[each.key])), "}"))
  }

  # After EventBridge's own retries (24 hours, 185 attempts), an event it could not
  # deliver waits with the checks the Scheduler could not deliver.
  dead_letter_config {
    arn = aws_sqs_queue.scheduler_dead_letter.arn
  }
}

# One statement for every rule of this module: one per rule would outgrow the function's
# 20 KB resource policy at about 50 monitors. The names share the prefix.
resource "aws_lambda_permission" "failure_events" {
  count = length(local.failure_event_monitors) > 0 ? 1 : 0

  statement_id  = "FailureEvents"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = local.failure_rule_pattern
}

# EventBridge delivers to a dead-letter queue under the queue's own policy, from this
# module's rules only.
data "aws_iam_policy_document" "dead_letter_queue" {
  count = length(local.failure_event_monitors) > 0 ? 1 : 0

  statement {
    sid       = "FailureRulesDeadLetter"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.scheduler_dead_letter.arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.failure_rule_pattern]
    }
  }
}

resource "aws_sqs_queue_policy" "dead_letter" {
  count = length(local.failure_event_monitors) > 0 ? 1 : 0

  queue_url = aws_sqs_queue.scheduler_dead_letter.id
  policy    = data.aws_iam_policy_document.dead_letter_queue[0].json
}
