# The monitor's audit of itself: a schedule of its own invokes the function, which reads
# the registry (registry.tf), the schedules, the checks' records and the failure queues,
# and reports every monitor that went quiet (lambda_src/sfn_deadline_monitor/audit.py).
resource "aws_scheduler_schedule_group" "audit" {
  count = var.audit.enabled ? 1 : 0

  name = "${var.name}-audit"
  tags = var.tags
}

module "audit_schedule" {
  source = "./modules/schedules"

  group_name  = one(aws_scheduler_schedule_group.audit[*].name)
  kms_key_arn = var.schedule_kms_key_arn
  target      = local.schedule_target
  schedules = var.audit.enabled ? {
    audit = {
      description         = "Audit of the ${var.name} deadline monitors: reports a monitor that stopped checking"
      enabled             = true
      schedule_expression = var.audit.schedule_expression
      timezone            = "UTC"
      input = replace(replace(jsonencode({
        version                = 1
        check                  = "audit"
        scheduled_time         = "<aws.scheduler.scheduled-time>"
        scheduler_execution_id = "<aws.scheduler.execution-id>"
        attempt_number         = "<aws.scheduler.attempt-number>"
      }), "\\u003c", "<"), "\\u003e", ">")
    }
  } : {}
}
