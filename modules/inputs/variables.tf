# The root module's object inputs, typed here: the root takes them as `any` so that it can
# see, and refuse, attributes that a typed variable would drop without a word. Types and
# defaults are written here only; the root module's variables.tf describes them.

variable "monitors" {
  description = "The root module's monitors input."
  type = map(object({
    state_machine_arn   = string
    schedule_expression = optional(string, "cron(0 2 * * ? *)")
    timezone            = optional(string, "UTC")
    lookback_minutes    = optional(number, 180)
    enabled             = optional(bool, true)
    start_date          = optional(string)
    end_date            = optional(string)
    notify_on_success   = optional(bool, false)
    message_format      = optional(string, "text")
    description         = optional(string)
    role_arn            = optional(string)
    severities          = optional(map(string), {})
    start_check = optional(object({
      schedule_expression = string
      lookback_minutes    = optional(number)
    }))
    at_risk_check = optional(object({
      schedule_expression = string
    }))
    min_duration = optional(object({
      fraction_of_median = optional(number)
      seconds            = optional(number)
    }))
    instant_failure_alerts = optional(bool, true)
    calendar               = optional(string)
    upstream               = optional(list(string), [])
    upstream_suppresses    = optional(bool, false)
    maintenance_windows = optional(list(object({
      name     = string
      schedule = optional(string)
      duration = optional(string)
      timezone = optional(string)
      from     = optional(string)
      until    = optional(string)
    })), [])
  }))
  nullable = false
}

variable "calendars" {
  description = "The root module's calendars input."
  type = map(object({
    exclude_dates    = optional(list(string), [])
    exclude_weekdays = optional(list(string), [])
  }))
  default  = {}
  nullable = false
}

variable "maintenance_windows" {
  description = "The root module's maintenance_windows input."
  type = list(object({
    name     = string
    schedule = optional(string)
    duration = optional(string)
    timezone = optional(string)
    from     = optional(string)
    until    = optional(string)
  }))
  default  = []
  nullable = false
}

variable "read_scope" {
  description = "The root module's read_scope input."
  type = object({
    state_machine_name_prefixes = list(string)
  })
  default = null
}

variable "service_quotas" {
  description = "The root module's service_quotas input."
  type = object({
    iam_managed_policies_per_role        = optional(number, 10)
    eventbridge_rules_per_bus            = optional(number, 300)
    eventbridge_event_pattern_characters = optional(number, 2048)
  })
  default  = {}
  nullable = false
}

variable "audit" {
  description = "The root module's audit input."
  type = object({
    enabled             = optional(bool, true)
    schedule_expression = optional(string, "rate(1 hour)")
    grace_minutes       = optional(number, 60)
    message_format      = optional(string, "text")
  })
  default  = {}
  nullable = false
}

variable "schedule_retry_policy" {
  description = "The root module's schedule_retry_policy input."
  type = object({
    maximum_event_age_in_seconds = optional(number, 3600)
    maximum_retry_attempts       = optional(number, 10)
  })
  default  = {}
  nullable = false
}

variable "discovery" {
  description = "The root module's discovery input."
  type = object({
    enabled          = optional(bool, false)
    tag_prefix       = optional(string, "deadline-monitor:")
    member_role_arns = optional(list(string), [])
    lookback_minutes = optional(number, 180)
    message_format   = optional(string, "text")
  })
  default  = {}
  nullable = false
}

variable "as_written" {
  description = "The same inputs as the caller wrote them, untyped ({ monitors, calendars, maintenance_windows, read_scope, service_quotas, audit, schedule_retry_policy, discovery }): compared with the typed ones to find the attributes the types do not know."
  type        = any
}
