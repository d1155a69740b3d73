variable "region" {
  description = "AWS region of the state machine, the topic and the event bus."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name prefix for the monitor's resources and the routes'."
  type        = string
  default     = "nightly-batch"
}

variable "state_machine_arn" {
  description = "ARN of the nightly state machine to watch."
  type        = string
}

variable "sns_topic_arn" {
  description = "ARN of the existing topic that on-call is subscribed to (e-mail, chat)."
  type        = string
}

variable "pagerduty_routing_key" {
  description = "Integration key of a PagerDuty service's Events API v2 integration (32 characters). Kept in the EventBridge connection's secret (AWS Secrets Manager) and in the Terraform state; never printed by plan. Null: no PagerDuty route."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.pagerduty_routing_key == null || can(regex("^[0-9A-Za-z]{32}$", var.pagerduty_routing_key))
    error_message = "pagerduty_routing_key must be a PagerDuty Events API v2 integration key: 32 letters and digits."
  }
}

variable "opsgenie_api_key" {
  description = "Key of an Opsgenie API integration that may create and close alerts. Kept in the EventBridge connection's secret (AWS Secrets Manager) and in the Terraform state; never printed by plan. Null: no Opsgenie route."
  type        = string
  default     = null
  sensitive   = true
}

variable "opsgenie_api_url" {
  description = "Opsgenie's API: https://api.opsgenie.com, or https://api.eu.opsgenie.com for an account in the EU instance."
  type        = string
  default     = "https://api.opsgenie.com"

  validation {
    condition     = contains(["https://api.opsgenie.com", "https://api.eu.opsgenie.com"], var.opsgenie_api_url)
    error_message = "opsgenie_api_url must be https://api.opsgenie.com or https://api.eu.opsgenie.com."
  }
}
