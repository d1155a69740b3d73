# The object inputs, typed by modules/inputs, which also finds every attribute their types
# do not know (Terraform would drop it without a word). The rules each must follow are in
# validation.tf.
module "inputs" {
  source = "./modules/inputs"

  monitors              = var.monitors
  calendars             = var.calendars
  maintenance_windows   = var.maintenance_windows
  read_scope            = var.read_scope
  service_quotas        = var.service_quotas
  audit                 = var.audit
  schedule_retry_policy = var.schedule_retry_policy
  discovery             = var.discovery
  as_written = {
    monitors              = var.monitors, read_scope = var.read_scope, service_quotas = var.service_quotas, audit = var.audit,
    schedule_retry_policy = var.schedule_retry_policy, calendars = var.calendars, maintenance_windows = var.maintenance_windows,
    discovery             = var.discovery
  }
}

locals {
  monitors              = module.inputs.monitors
  calendars             = module.inputs.calendars
  maintenance_windows   = module.inputs.maintenance_windows
  read_scope            = module.inputs.read_scope
  service_quotas        = module.inputs.service_quotas
  audit                 = module.inputs.audit
  schedule_retry_policy = module.inputs.schedule_retry_policy
  discovery             = module.inputs.discovery
}
