variable "group_name" {
  description = "Schedule group that holds these schedules."
  type        = string
}

variable "schedules" {
  description = "The schedules, keyed by name: when each fires, and the check's input (JSON, with the Scheduler's context attributes to substitute)."
  type = map(object({
    description         = string
    enabled             = bool
    schedule_expression = string
    timezone            = string
    start_date          = optional(string)
    end_date            = optional(string)
    input               = string
  }))
}

variable "target" {
  description = "What every schedule invokes, as whom, and where undeliverable checks go."
  type = object({
    function_arn    = string
    role_arn        = string
    dead_letter_arn = string
    retry_policy = object({
      maximum_event_age_in_seconds = number
      maximum_retry_attempts       = number
    })
  })
}

variable "kms_key_arn" {
  description = "Customer managed key that encrypts the schedules' input, or null."
  type        = string
  default     = null
}
