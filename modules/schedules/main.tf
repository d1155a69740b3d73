# One kind of the monitor's schedules (deadline checks, start checks, ...): every schedule
# invokes the check function at its time, exactly then, with its own input.
resource "aws_scheduler_schedule" "this" {
  #checkov:skip=CKV_AWS_297:The input holds no secret (a monitor name and a state machine ARN); the root module's schedule_kms_key_arn sets a customer managed key where policy demands one.
  for_each = var.schedules

  name        = each.key
  group_name  = var.group_name
  description = each.value.description
  state       = each.value.enabled ? "ENABLED" : "DISABLED"

  kms_key_arn                  = var.kms_key_arn
  schedule_expression          = each.value.schedule_expression
  schedule_expression_timezone = each.value.timezone
  start_date                   = each.value.start_date
  end_date                     = each.value.end_date

  # A deadline is a moment, not a range: the check must fire exactly on time.
  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = var.target.function_arn
    role_arn = var.target.role_arn
    input    = each.value.input

    retry_policy {
      maximum_event_age_in_seconds = var.target.retry_policy.maximum_event_age_in_seconds
      maximum_retry_attempts       = var.target.retry_policy.maximum_retry_attempts
    }

    dead_letter_config {
      arn = var.target.dead_letter_arn
    }
  }
}
