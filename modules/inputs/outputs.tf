output "monitors" {
  description = "The monitors, typed, defaults filled in."
  value       = var.monitors
}

output "calendars" {
  description = "calendars, typed, defaults filled in."
  value       = var.calendars
}

output "maintenance_windows" {
  description = "maintenance_windows, typed, defaults filled in."
  value       = var.maintenance_windows
}

output "read_scope" {
  description = "read_scope, typed (null by default)."
  value       = var.read_scope
}

output "service_quotas" {
  description = "service_quotas, typed, defaults filled in."
  value       = var.service_quotas
}

output "audit" {
  description = "audit, typed, defaults filled in."
  value       = var.audit
}

output "schedule_retry_policy" {
  description = "schedule_retry_policy, typed, defaults filled in."
  value       = var.schedule_retry_policy
}

output "discovery" {
  description = "discovery, typed, defaults filled in."
  value       = var.discovery
}

output "unknown_attributes" {
  description = "What the caller wrote that the types do not know, each with the closest known name: by monitor key (its own attributes and start_check's, at_risk_check's, min_duration's and each maintenance window's), and by the other variables' names (calendars: each calendar's attributes; maintenance_windows: each window's)."
  value = {
    monitors  = { for key in keys(var.monitors) : key => [for p in local.problems : p.text if p.monitor == key] }
    variables = { for name in keys(local.variables) : name => [for p in local.problems : p.text if p.variable == name] }
  }
}
