# Instant failure alerts: Step Functions emits a status change event when a run fails,
# times out or is aborted; one rule per monitor forwards it to the check function at once.
# The deadline checks keep running: no event reports a run that is late or never started.
# Events go to the default bus of the state machine's account: a cross-account monitor's
# rule hears them only if that account forwards them here.
resource "aws_cloudwatch_event_rule" "failure" {
  for_each = local.failure_event_monitors

  name        = local.failure_rule_names[each.key]
  description = "Instant FAILED alert of monitor ${each.key} (${each.value.state_machine_arn})"
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

  # The contract's status_change check: the monitor's settings around the whole event.
  input_transformer {
    input_template = replace(jsonencode(merge({
      version           = 1
      check             = "status_change"
      monitor           = each.key
      state_machine_arn = each.value.state_machine_arn
      timezone          = each.value.timezone
      message_format    = each.value.message_format
      event             = "EVENT"
    }, local.scheduled_role[each.key])), "\"EVENT\"", "<aws.events.event.json>")
  }

  # EventBridge's own retry policy (24 hours, 185 attempts) applies. An event it could
  # not deliver at all is still reported by the deadline check, which reads every run.
}

resource "aws_lambda_permission" "failure_events" {
  for_each = local.failure_event_monitors

  statement_id  = "FailureEvents-${substr(sha1(each.key), 0, 16)}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.failure[each.key].arn
}
