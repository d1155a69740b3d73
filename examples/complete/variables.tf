variable "region" {
  description = "AWS region of the state machines and the monitor."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name prefix for the monitor's resources."
  type        = string
  default     = "data-platform"
}

variable "nightly_etl_state_machine_arn" {
  description = "The nightly ETL state machine."
  type        = string
}

variable "billing_state_machine_arn" {
  description = "The billing state machine's prod alias (or any version or alias ARN)."
  type        = string
}

variable "hourly_export_state_machine_arn" {
  description = "The hourly export state machine."
  type        = string
}

variable "legacy_report_state_machine_arn" {
  description = "The legacy report state machine, monitored but paused."
  type        = string
}

variable "alert_email" {
  description = "Address that receives the alerts (confirm the subscription mail)."
  type        = string
}

variable "pager_endpoint" {
  description = "HTTPS endpoint that pages on call (a PagerDuty or Opsgenie SNS integration URL), subscribed to critical alerts only; the e-mail then gets the rest. Null: every alert by e-mail."
  type        = string
  default     = null
  sensitive   = true
}
