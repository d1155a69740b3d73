# Patterns shared by validation rules and their messages (written once: checkov's HCL
# parser cannot read them repeated inside a message's interpolation).
locals {
  state_machine_arn_regex   = "^arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[^\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/]{1,80}(:[A-Za-z0-9_.-]{1,80})?$"
  schedule_expression_regex = "^(cron\\(\\S+( \\S+){5}\\)|rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\)|at\\([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\))$"
}

variable "name" {
  description = "Name prefix for every resource the module creates (function, roles, schedule group, queue, topic)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,32}$", var.name))
    error_message = "name must be 1 to 32 letters, digits, hyphens or underscores (it prefixes IAM role names, which AWS caps at 64 characters); got \"${var.name}\"."
  }
}

variable "monitors" {
  description = <<-EOT
    State machines to watch, keyed by a stable monitor name (it names the schedule and appears in every alert).
    Each schedule fires at the deadline: the moment by which the run must have SUCCEEDED.
    - state_machine_arn: the state machine, or one of its versions or aliases.
    - schedule_expression: the deadline, as cron(...), rate(...) or at(...). Default: 02:00 every day.
    - timezone: IANA time zone of the schedule and of the times in alerts. Default: UTC.
    - lookback_minutes: how long before the deadline a run may start and still count for it. Default: 180.
    - enabled: false pauses the monitor without deleting it.
    - start_date / end_date: optional RFC 3339 times between which the schedule fires.
    - notify_on_success: also publish an OK notice when the run succeeded.
    - message_format: "text" for people and e-mail, "json" for machines, "chat" for AWS Chatbot (Slack, Microsoft Teams).
    - description: optional, shown on the schedule.
    - start_check: optional early missing-run check, a second schedule at the time by which a run must have started ({ schedule_expression, lookback_minutes = the monitor's }): MISSING long before the deadline.
    - instant_failure_alerts: an EventBridge rule sends FAILED at once when a run fails, times out or is aborted. Default: on. A state machine in another account is heard only if that account forwards its Step Functions events to this account's default event bus.
    - role_arn: a role in the account that owns the state machine, which the check assumes to read its executions (modules/member-role creates it). Null: the state machine is in this account.
  EOT
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
    start_check = optional(object({
      schedule_expression = string
      lookback_minutes    = optional(number)
    }))
    instant_failure_alerts = optional(bool, true)
  }))

  validation {
    condition     = length(var.monitors) > 0
    error_message = "monitors must name at least one state machine to watch."
  }

  validation {
    condition     = alltrue([for key in keys(var.monitors) : can(regex("^[0-9A-Za-z_.-]{1,64}$", key))])
    error_message = "monitors keys name the schedules and must be 1 to 64 letters, digits, '.', '-' or '_'; not accepted: ${join(", ", [for key in keys(var.monitors) : "\"${key}\"" if !can(regex("^[0-9A-Za-z_.-]{1,64}$", key))])}."
  }

  validation {
    condition = alltrue([for m in values(var.monitors) : can(regex(
      local.state_machine_arn_regex, m.state_machine_arn
    ))])
    error_message = "state_machine_arn must look like arn:<partition>:states:<region>:<account>:stateMachine:<name>, optionally followed by :<version> or :<alias>; not accepted for monitor(s): ${join(", ", [for k, m in var.monitors : k if !can(regex(local.state_machine_arn_regex, m.state_machine_arn))])}."
  }

  validation {
    condition = alltrue([for m in values(var.monitors) : can(regex(
      local.schedule_expression_regex, m.schedule_expression
    ))])
    error_message = "schedule_expression must be cron(<6 fields>) such as cron(0 2 * * ? *), rate(<n> minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss); not accepted for monitor(s): ${join(", ", [for k, m in var.monitors : k if !can(regex(local.schedule_expression_regex, m.schedule_expression))])}."
  }

  validation {
    condition     = alltrue([for m in values(var.monitors) : m.lookback_minutes > 0 && m.lookback_minutes <= 44640 && floor(m.lookback_minutes) == m.lookback_minutes])
    error_message = "lookback_minutes must be a whole number of minutes from 1 to 44640 (31 days); not accepted for monitor(s): ${join(", ", [for k, m in var.monitors : k if !(m.lookback_minutes > 0 && m.lookback_minutes <= 44640 && floor(m.lookback_minutes) == m.lookback_minutes)])}."
  }

  validation {
    condition     = alltrue([for m in values(var.monitors) : can(regex("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$", m.timezone))])
    error_message = "timezone must be an IANA time zone name such as UTC, Asia/Tokyo or America/Argentina/Buenos_Aires; not accepted for monitor(s): ${join(", ", [for k, m in var.monitors : k if !can(regex("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$", m.timezone))])}."
  }

  validation {
    condition     = alltrue([for m in values(var.monitors) : contains(["text", "json", "chat"], m.message_format)])
    error_message = "message_format must be \"text\", \"json\" or \"chat\"; not accepted for monitor(s): ${join(", ", [for k, m in var.monitors : k if !contains(["text", "json", "chat"], m.message_format)])}."
  }

  validation {
    condition     = alltrue(flatten([for m in values(var.monitors) : [for d in [m.start_date, m.end_date] : d == null || (can(formatdate("YYYY", d)) && can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$", d)))]]))
    error_message = "start_date and end_date must be UTC times such as 2026-01-01T00:00:00Z (AWS stores them in UTC; another offset would show as a change on every plan); not accepted for monitor(s): ${join(", ", [for k, m in var.monitors : k if !alltrue([for d in [m.start_date, m.end_date] : d == null || (can(formatdate("YYYY", d)) && can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$", d)))])])}."
  }

  validation {
    condition     = alltrue([for m in values(var.monitors) : m.start_check == null || can(regex(local.schedule_expression_regex, m.start_check.schedule_expression))])
    error_message = "start_check.schedule_expression must be cron(<6 fields>) such as cron(15 0 * * ? *), rate(...) or at(...): the time by which a run must have started; not accepted for monitor(s): ${join(", ", [for k, m in var.monitors : k if m.start_check != null && !can(regex(local.schedule_expression_regex, try(m.start_check.schedule_expression, "")))])}."
  }

  validation {
    condition     = alltrue([for m in values(var.monitors) : try(m.start_check.lookback_minutes, null) == null || try(m.start_check.lookback_minutes > 0 && m.start_check.lookback_minutes <= 44640 && floor(m.start_check.lookback_minutes) == m.start_check.lookback_minutes, false)])
    error_message = "start_check.lookback_minutes must be a whole number of minutes from 1 to 44640 (how long before the start check a run may have started), or unset to use the monitor's lookback_minutes; not accepted for monitor(s): ${join(", ", [for k, m in var.monitors : k if !(try(m.start_check.lookback_minutes, null) == null || try(m.start_check.lookback_minutes > 0 && m.start_check.lookback_minutes <= 44640 && floor(m.start_check.lookback_minutes) == m.start_check.lookback_minutes, false))])}."
  }

  validation {
    condition     = alltrue([for m in values(var.monitors) : m.role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$", m.role_arn))])
    error_message = "role_arn must be an IAM role ARN in the state machine's account, such as arn:aws:iam::111122223333:role/sfn-deadline-read (see modules/member-role); not accepted for monitor(s): ${join(", ", [for k, m in var.monitors : k if m.role_arn != null && !can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$", coalesce(m.role_arn, "-")))])}."
  }

  validation {
    condition     = alltrue([for m in values(var.monitors) : m.role_arn == null || try(split(":", m.role_arn)[4] == split(":", m.state_machine_arn)[4], false)])
    error_message = "role_arn must be a role in the account that owns the state machine (the role reads it from inside that account); not accepted for monitor(s): ${join(", ", [for k, m in var.monitors : k if m.role_arn != null && !try(split(":", m.role_arn)[4] == split(":", m.state_machine_arn)[4], false)])}."
  }
}

variable "create_sns_topic" {
  description = "Create the alert topic. Set this or sns_topic_arn, not both."
  type        = bool
  default     = false
}

variable "sns_topic_arn" {
  description = "An existing SNS topic to publish alerts to. Set this or create_sns_topic, not both."
  type        = string
  default     = null

  validation {
    condition     = (var.sns_topic_arn != null) != var.create_sns_topic
    error_message = "Set exactly one of sns_topic_arn (publish to your topic) or create_sns_topic = true (the module creates one)."
  }

  validation {
    condition     = var.sns_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.sns_topic_arn))
    error_message = "sns_topic_arn must be the ARN of a standard SNS topic such as arn:aws:sns:us-east-1:111122223333:ops-alerts (a FIFO topic cannot take the alerts: they carry no message group)."
  }
}

variable "sns_topic_kms_key_arn" {
  description = "KMS key of the alert topic: encrypts the topic the module creates, or is the key of your existing encrypted topic. The function is allowed to use it to publish."
  type        = string
  default     = null

  validation {
    condition     = var.sns_topic_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.sns_topic_kms_key_arn))
    error_message = "sns_topic_kms_key_arn must be a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/<id> (an alias ARN cannot be granted to the function)."
  }
}

variable "sns_email_subscriptions" {
  description = "E-mail addresses to subscribe to the topic the module creates (each must confirm by mail)."
  type        = set(string)
  default     = []

  validation {
    condition     = alltrue([for email in var.sns_email_subscriptions : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", email))])
    error_message = "sns_email_subscriptions must hold e-mail addresses such as ops@example.com."
  }

  validation {
    condition     = length(var.sns_email_subscriptions) == 0 || var.create_sns_topic
    error_message = "sns_email_subscriptions apply only to the topic the module creates (create_sns_topic = true); subscribe addresses to your own topic where you manage it."
  }
}

variable "lambda_runtime" {
  description = "Python runtime of the check function."
  type        = string
  default     = "python3.13"

  validation {
    condition     = contains(["python3.12", "python3.13", "python3.14"], var.lambda_runtime)
    error_message = "lambda_runtime must be python3.12, python3.13 or python3.14."
  }
}

variable "lambda_architecture" {
  description = "Instruction set of the check function: arm64 costs less for the same work."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be arm64 or x86_64."
  }
}

variable "lambda_memory_size" {
  description = "Memory of the check function in MB (CPU grows with it)."
  type        = number
  default     = 256

  validation {
    condition     = var.lambda_memory_size >= 128 && var.lambda_memory_size <= 10240
    error_message = "lambda_memory_size must be between 128 and 10240 MB."
  }
}

variable "lambda_timeout" {
  description = "Timeout of one check in seconds; room for throttling retries and paging through busy windows."
  type        = number
  default     = 120

  validation {
    condition     = var.lambda_timeout >= 10 && var.lambda_timeout <= 900
    error_message = "lambda_timeout must be between 10 and 900 seconds."
  }
}

variable "log_retention_in_days" {
  description = "How long the function's CloudWatch logs are kept (one short line per check: a year costs next to nothing)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be one CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key that encrypts the function's log group (its key policy must allow CloudWatch Logs). Null uses CloudWatch Logs' own encryption."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/<id>."
  }
}

variable "lambda_reserved_concurrent_executions" {
  description = "Concurrency reserved for the check function, so other functions cannot starve it (null: unreserved). A burst of checks beyond it is throttled and retried by Lambda."
  type        = number
  default     = null

  validation {
    condition     = var.lambda_reserved_concurrent_executions == null || try(var.lambda_reserved_concurrent_executions >= 1, false)
    error_message = "lambda_reserved_concurrent_executions must be null (unreserved) or at least 1 (0 would stop every check)."
  }
}

variable "lambda_async_retry_attempts" {
  description = "How often Lambda retries a check that failed (for example, an alert it could not publish) before it goes to the failure queue."
  type        = number
  default     = 2

  validation {
    condition     = contains([0, 1, 2], var.lambda_async_retry_attempts)
    error_message = "lambda_async_retry_attempts must be 0, 1 or 2 (Lambda's limits for asynchronous invocations)."
  }
}

variable "lambda_async_max_event_age_seconds" {
  description = "How long Lambda keeps retrying a failed check before it goes to the failure queue."
  type        = number
  default     = 21600

  validation {
    condition     = var.lambda_async_max_event_age_seconds >= 60 && var.lambda_async_max_event_age_seconds <= 21600
    error_message = "lambda_async_max_event_age_seconds must be between 60 and 21600 (6 hours)."
  }
}

variable "create_state_table" {
  description = "Create the DynamoDB table that remembers each monitor's last status: a check delivered twice alerts once, and OK after a problem sends a RECOVERED notice. Without it every check is reported as it is, and a retried check may alert again."
  type        = bool
  default     = true
}

variable "state_table_point_in_time_recovery" {
  description = "Turn on point-in-time recovery for the state table. Off by default: losing the table costs at most one repeated alert or one missed RECOVERED notice per monitor."
  type        = bool
  default     = false
}

variable "state_table_kms_key_arn" {
  description = "KMS key that encrypts the state table. Null uses DynamoDB's AWS owned key (the table is encrypted either way)."
  type        = string
  default     = null

  validation {
    condition     = var.state_table_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.state_table_kms_key_arn))
    error_message = "state_table_kms_key_arn must be a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/<id>."
  }
}

variable "create_alarms" {
  description = "Create CloudWatch alarms on the monitor itself (function errors and throttles, messages in either failure queue), sending to the alert topic on ALARM and OK."
  type        = bool
  default     = true
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the per-check metrics (one count per status, dimension Monitor)."
  type        = string
  default     = "SfnDeadlineMonitor"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be 1 to 255 letters, digits or . _ / # : - and must not start with AWS/ (reserved)."
  }
}

variable "schedule_retry_policy" {
  description = "How long and how often EventBridge Scheduler retries a check it could not deliver before it goes to the dead-letter queue."
  type = object({
    maximum_event_age_in_seconds = optional(number, 3600)
    maximum_retry_attempts       = optional(number, 10)
  })
  default = {}

  validation {
    condition     = var.schedule_retry_policy.maximum_event_age_in_seconds >= 60 && var.schedule_retry_policy.maximum_event_age_in_seconds <= 86400
    error_message = "schedule_retry_policy.maximum_event_age_in_seconds must be between 60 and 86400."
  }

  validation {
    condition     = var.schedule_retry_policy.maximum_retry_attempts >= 0 && var.schedule_retry_policy.maximum_retry_attempts <= 185
    error_message = "schedule_retry_policy.maximum_retry_attempts must be between 0 and 185."
  }
}

variable "schedule_kms_key_arn" {
  description = "KMS key that encrypts the schedules' input at rest. Null uses an AWS owned key."
  type        = string
  default     = null

  validation {
    condition     = var.schedule_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.schedule_kms_key_arn))
    error_message = "schedule_kms_key_arn must be a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/<id>."
  }
}

variable "dead_letter_queue_kms_key_arn" {
  description = "KMS key that encrypts both failure queues (checks the Scheduler could not deliver, checks that failed in the function). Null uses SQS-managed encryption (SSE-SQS)."
  type        = string
  default     = null

  validation {
    condition     = var.dead_letter_queue_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.dead_letter_queue_kms_key_arn))
    error_message = "dead_letter_queue_kms_key_arn must be a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/<id>."
  }
}

variable "iam_role_path" {
  description = "Path of the IAM roles the module creates."
  type        = string
  default     = "/"

  validation {
    condition     = can(regex("^/([\\x21-\\x7E]+/)?$", var.iam_role_path)) && length(var.iam_role_path) <= 512
    error_message = "iam_role_path must start and end with '/', such as / or /monitoring/."
  }
}

variable "iam_permissions_boundary_arn" {
  description = "Permissions boundary for the IAM roles the module creates, where your estate requires one."
  type        = string
  default     = null

  validation {
    condition     = var.iam_permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.iam_permissions_boundary_arn))
    error_message = "iam_permissions_boundary_arn must be an IAM policy ARN such as arn:aws:iam::111122223333:policy/boundary."
  }
}

variable "tags" {
  description = "Tags for every resource that takes them."
  type        = map(string)
  default     = {}
}
