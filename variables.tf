# ----------------------------------------------------------------------------------------
# What the module watches
# ----------------------------------------------------------------------------------------

variable "name" {
  description = "Name prefix for every resource the module creates (function, roles, schedule groups, queues, topic, rules, policies)."
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
    - start_date / end_date: optional UTC times (2030-01-01T00:00:00Z) between which the schedule fires.
    - notify_on_success: also publish an OK notice when the run succeeded.
    - message_format: "text" for people and e-mail, "json" for machines, "chat" for AWS Chatbot (Slack, Microsoft Teams).
    - description: optional, shown on the schedule.
    - start_check: optional early missing-run check, a second schedule at the time by which a run must have started ({ schedule_expression, lookback_minutes = the monitor's }): MISSING long before the deadline.
    - at_risk_check: optional early warning, a schedule inside the deadline's window ({ schedule_expression }): AT_RISK when, judged by the job's own recent successful runs, a run still going will finish after the deadline, or no run has started although the usual start time has passed. Needs 5 successful runs of history; sent once per deadline.
    - min_duration: optional, too fast is also wrong ({ fraction_of_median = 0.1 } or { seconds = 60 }, exactly one): the deadline check reports TOO_FAST when the run that succeeded took less than that fraction of the median duration of the job's recent successful runs (up to 20; no judgement with fewer than 5), or less than that many seconds. A run that short often did nothing (an empty input, a skipped branch).
    - instant_failure_alerts: an EventBridge rule sends FAILED at once when a run fails, times out or is aborted. Default: on. A state machine in another account is heard only if that account forwards its Step Functions events to this account's default event bus.
    - calendar: the name of one of calendars: the days this job does not run. On such a day (the deadline's date in the monitor's time zone) a window without a run is SKIPPED, not MISSING, and sends nothing; a run that did run is judged as always. Null: every day counts.
    - upstream: monitors of this module whose jobs this one's job waits for, e.g. ["nightly-etl"]. When this monitor has a problem and an upstream's latest verdict, about a deadline since this monitor's previous one, is itself FAILED, LATE, MISSING, AT_RISK or TOO_FAST, the alert says so first ("caused by upstream nightly-etl: MISSING at 02:00") and carries the message attribute `upstream`; the upstream's own alerts name the monitors downstream of it. Plan fails for an unknown monitor or a cycle.
    - upstream_suppresses: with upstream, a MISSING, LATE, AT_RISK or TOO_FAST explained by a failing upstream is recorded but not sent. Never suppressed: the upstream's own alert, a FAILED run of this job, an ERROR, a RECOVERED. Default: false.
    - role_arn: a role in the account that owns the state machine, which the check assumes to read its executions (modules/member-role creates it). Null: the state machine is in this account.
    - severities: the monitor's own severity for a status, e.g. { AT_RISK = "critical" }: "critical", "error", "warning" or "info". Default: FAILED, LATE, MISSING and ERROR critical, TOO_FAST error, AT_RISK warning, RECOVERED and OK info. Every alert carries its severity (a message attribute subscription filter policies select on) and, for a problem and its RECOVERED, the key of the incident they belong to.
    - maintenance_windows: the monitor's own maintenance windows, after the module's and as its maintenance_windows describes them: recurring { name, schedule, duration, timezone } or one-off { name, from, until }, but a recurring window's timezone defaults to the monitor's. While one is open the monitor's problems are held: recorded, and sent once it has closed if they still hold. Default: none.
    An attribute not listed here fails plan, naming the monitor and the closest known name (did you mean schedule_expression?).
    Two monitors written under the same key are one: Terraform keeps the last of equal keys in a map, also without a word. Plan creates one deadline schedule per monitor, and the monitor_settings output names every monitor the module got: count either against what you wrote.
  EOT
  # Typed in modules/inputs, which finds the attributes the type does not know: a typed
  # variable here would drop them without a word.
  type = any

  # Every other rule on monitors is in monitors.tf (configuration_problems), on the typed
  # monitors: a validation block may not use a value computed from its own variable.
  validation {
    condition     = length(var.monitors) > 0
    error_message = "monitors must name at least one state machine to watch."
  }
}

variable "calendars" {
  description = <<-EOT
    Named calendars of the days jobs do not run, which monitors name (a monitor's calendar), e.g. { jp-business = { exclude_dates = ["2026-12-31"], exclude_weekdays = ["SAT", "SUN"] } }. Default: none.
    - exclude_dates: dates YYYY-MM-DD, each in the time zone of the monitor that names the calendar: a deadline is excluded by its local date (a job due at 02:00 on 2026-12-25 by "2026-12-25"). A public-holiday list kept in a file: jsondecode(file("holidays-jp.json")).
    - exclude_weekdays: MON, TUE, WED, THU, FRI, SAT or SUN.
    On an excluded day a deadline or start check that finds no run records SKIPPED and sends nothing (a run that did run and failed is still reported), and an at-risk check does not warn that no run has started. Plan fails, naming the calendar or the monitor, for a malformed date, weekday or calendar name (1 to 64 letters, digits, '.', '-' or '_'), a monitor naming a calendar not declared here, or a calendar that excludes every day a monitor's deadline fires on. Every date is in each of its monitors' schedule inputs (at most 262,144 bytes each, about 20,000 dates).
  EOT
  type        = any # typed in modules/inputs, as monitors
  default     = {}
}

variable "maintenance_windows" {
  description = <<-EOT
    Maintenance windows of every monitor: while one is open, a monitor's problems are held (recorded, not sent) and sent once it has closed if they still hold; OK and RECOVERED are never held. Default: none. For example [{ name = "weekly-db", schedule = "cron(0 1 ? * SUN *)", duration = "3h" }]. A monitor's own maintenance_windows come after these. Each window is one of:
    - recurring: schedule, a cron() expression as EventBridge Scheduler reads it (rate() and at() are refused), at each fire of which the window opens; duration, how long it stays open, "90m", "3h" or "2d", at most 7 days; timezone, the IANA time zone of schedule. Default timezone: UTC for these windows, one absolute time for the whole platform; a monitor's own window defaults to the monitor's timezone.
    - one-off: from and until, RFC 3339 times with their offset such as "2026-12-24T01:00:00+09:00", from before until.
    - name: 1 to 64 letters, digits, '.', '-' or '_', each name once among a monitor's windows (these and its own): the held alert names its window.
    The audit sends what a window held once it has closed (up to an hour later by default): windows need the audit (on by default). Plan fails, naming the window (and the monitor for its own), for any of these rules or an unknown attribute. Every window of a monitor is in each of its schedules' input; these are once in each failure rule's input template, a monitor's own in its entry there (8,192 characters at most for monitors_per_failure_rule monitors: with many windows, set that lower).
  EOT
  type        = any # typed in modules/inputs, as monitors
  default     = []
}

variable "read_scope" {
  description = <<-EOT
    What the check function may read in this account. Null (the default, least privilege): exactly the monitored state machines, granted in managed policies of 20 monitors each; a role holds 10 managed policies by default, so up to 200 monitors.
    For larger estates, { state_machine_name_prefixes = ["etl-", "billing-"] } grants every state machine of this account and region whose name starts with one of the prefixes ("" for all of them), in the function's inline policy; every monitored state machine's name must match one.
  EOT
  type        = any # typed in modules/inputs, as monitors
  default     = null
}

variable "service_quotas" {
  description = "Your account's values of the adjustable AWS quotas the module plans against; raise one only once AWS has raised it for the account. Plan fails, naming the quota, when the module would need more. iam_managed_policies_per_role: IAM 'Managed policies per role' (default 10); eventbridge_rules_per_bus: EventBridge 'Rules per event bus' (300; 100 in some Regions), shared with every other rule on the default bus; eventbridge_event_pattern_characters: EventBridge 'Event pattern size' (2048, at most 4096), which each failure rule's list of 20 state machines must fit."
  type        = any # typed in modules/inputs, as monitors
  default     = {}
}

variable "monitors_per_failure_rule" {
  description = "How many monitors share one EventBridge rule for instant failure alerts (default 20: 1,000 monitors take 50 of the bus's 300 rules). A rule's event pattern lists its monitors' state machines and must fit EventBridge's pattern size quota (service_quotas): at 20 a rule, names up to about 40 characters fit 2,048. With longer names set fewer here (more rules), or raise the quota."
  type        = number
  default     = 20

  validation {
    condition     = var.monitors_per_failure_rule >= 1 && var.monitors_per_failure_rule <= 100 && floor(var.monitors_per_failure_rule) == var.monitors_per_failure_rule
    error_message = "monitors_per_failure_rule must be a whole number from 1 to 100."
  }
}

variable "audit" {
  description = <<-EOT
    The monitor's audit of itself, on a schedule of its own: it reports (status ERROR, check "audit") a monitor whose schedule is missing, disabled or no longer targets the function, whose last completed check is older than its last expected fire time plus grace_minutes, whose state machine does not exist or is not STANDARD, and failure queues that hold messages; each problem once, then RECOVERED when it is gone. Needs the state table.
    - enabled: default true.
    - schedule_expression: rate(...) of the audit, default rate(1 hour).
    - grace_minutes: how long after a fire time its check may still be under way (Scheduler and Lambda retries) before the monitor counts as quiet. Default 60.
    - message_format: "text", "json" or "chat", as a monitor's. Default "text".
  EOT
  type        = any # typed in modules/inputs, as monitors
  default     = {}
}

# ----------------------------------------------------------------------------------------
# Onboarding by tag
# ----------------------------------------------------------------------------------------

variable "discovery" {
  description = <<-EOT
    Monitors onboarded by tag (docs/discovery.md): a team tags its own state machine, e.g. deadline-monitor:deadline = "02:00 MON-FRI", and the hourly audit finds it, in this account and through member_role_arns in others, and creates, updates or deletes its schedules in schedule groups of their own (the discovered_schedule_groups output), which Terraform creates but does not manage the schedules of. A monitor declared in monitors wins over a tag for the same state machine. Off by default; needs the audit, which runs it, and the state table, where it records what it found.
    - enabled: default false.
    - tag_prefix: the prefix of the tag keys read, 1 to 120 characters a Step Functions tag may hold, not aws:. Default "deadline-monitor:".
    - member_role_arns: roles in other accounts (modules/member-role with discovery_tag_prefix) through which the audit finds and reads their tagged state machines. Default none.
    - lookback_minutes: a discovered monitor's look-back when its tags set none. Default 180.
    - message_format: a discovered monitor's message format when its tags set none, "text", "json" or "chat". Default "text".
  EOT
  type        = any # typed in modules/inputs, as monitors
  default     = {}
}

# ----------------------------------------------------------------------------------------
# Where alerts go
# ----------------------------------------------------------------------------------------

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
    condition     = var.sns_topic_arn == null || can(regex(local.standard_topic_arn_regex, var.sns_topic_arn))
    error_message = "sns_topic_arn must be the ARN of a standard SNS topic such as arn:aws:sns:us-east-1:111122223333:ops-alerts (a FIFO topic cannot take the alerts: they carry no message group)."
  }
}

variable "sns_topic_kms_key_arn" {
  description = "KMS key of the alert topic: encrypts the topic the module creates, or is the key of your existing encrypted topic. The function may use it to publish. The key's policy must allow what the kms_key_policies output's alert_topic document lists (the function), and its alarm_topic document too when the alarms go to this topic; an AWS managed key (alias/aws/sns) can never carry alarms and is refused then."
  type        = string
  default     = null

  validation {
    condition     = var.sns_topic_kms_key_arn == null || can(regex(local.kms_key_arn_regex, var.sns_topic_kms_key_arn))
    error_message = "sns_topic_kms_key_arn must be a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/<id>: an alias ARN cannot be granted to the function, and the AWS managed alias/aws/sns cannot carry the alarms (CloudWatch may not use it)."
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

variable "sns_email_filter_policy" {
  description = "SNS filter policy (JSON) of the e-mail subscriptions the module creates, on the alerts' message attributes (status, monitor, severity): e.g. jsonencode({ severity = [{ \"anything-but\" = \"critical\" }] }) when critical alerts page through a subscription of your own. Null: every alert."
  type        = string
  default     = null

  validation {
    condition     = var.sns_email_filter_policy == null || can(keys(jsondecode(var.sns_email_filter_policy)))
    error_message = "sns_email_filter_policy must be a JSON object such as jsonencode({ severity = [\"critical\"] })."
  }
}

variable "event_bus_name" {
  description = "Also put every alert on this EventBridge event bus, as an event of source sfn-deadline-monitor (docs/alerts.md#events), for rules to route to an incident tool, a queue or another bus: the name or ARN of a bus in this account and region (\"default\" is the default bus). The event goes before the SNS message; a refused one fails the check for Lambda to retry, as a failed publish does. Null: SNS only. To reach another account or region, forward the events with a rule on this bus (docs/alerts.md#events)."
  type        = string
  default     = null

  # A custom bus's name: 1 to 256 of [.-_A-Za-z0-9], not beginning with "aws." (reserved
  # for partner buses), docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html.
  validation {
    condition     = var.event_bus_name == null || can(regex("^(arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/)?[.\\-_A-Za-z0-9]{1,256}$", var.event_bus_name)) && !startswith(try(reverse(split("/", var.event_bus_name))[0], ""), "aws.")
    error_message = "event_bus_name must be an EventBridge bus's name (1 to 256 letters, digits, '.', '-' or '_', not beginning with 'aws.'), such as \"default\" or \"incidents\", or its ARN such as arn:aws:events:us-east-1:111122223333:event-bus/incidents."
  }
}

variable "alarm_sns_topic_arn" {
  description = "Topic for the alarms on the monitor itself (function errors and throttles, failure queues, undeliverable checks and events). Null: the alert topic. A topic of its own, with its own key, keeps the alarms audible when the alert topic or its key is what broke."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_sns_topic_arn == null || can(regex(local.standard_topic_arn_regex, var.alarm_sns_topic_arn))
    error_message = "alarm_sns_topic_arn must be the ARN of a standard SNS topic such as arn:aws:sns:us-east-1:111122223333:ops-alarms."
  }
}

variable "alarm_sns_topic_kms_key_arn" {
  description = "KMS key of alarm_sns_topic_arn, if that topic is encrypted: its policy must allow what the kms_key_policies output's alarm_topic document lists (CloudWatch). An AWS managed key (alias/aws/sns) can never carry alarms and is refused."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_sns_topic_kms_key_arn == null || can(regex(local.kms_key_arn_regex, var.alarm_sns_topic_kms_key_arn))
    error_message = "alarm_sns_topic_kms_key_arn must be a customer managed KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/<id> (CloudWatch cannot use the AWS managed alias/aws/sns)."
  }

  validation {
    condition     = var.alarm_sns_topic_kms_key_arn == null || var.alarm_sns_topic_arn != null
    error_message = "alarm_sns_topic_kms_key_arn is the key of alarm_sns_topic_arn: set the topic too, or set sns_topic_kms_key_arn for the alert topic."
  }
}

# ----------------------------------------------------------------------------------------
# The check function
# ----------------------------------------------------------------------------------------

variable "lambda_runtime" {
  description = "Python runtime of the check function. python3.14 needs AWS provider 6.21 or later (docs/provider-versions.md); the default needs 5.76."
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
  description = "KMS key that encrypts the function's log group; its policy must allow what the kms_key_policies output's logs document lists (CloudWatch Logs). Null uses CloudWatch Logs' own encryption."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null || can(regex(local.kms_key_arn_regex, var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/<id>."
  }
}

variable "lambda_reserved_concurrent_executions" {
  description = "Concurrency reserved for the check function, so other functions cannot starve it (null: unreserved). A burst of checks beyond it is throttled and retried by Lambda. Lambda refuses a reservation that leaves the account less than 100 unreserved, and new accounts start with a low concurrency limit: check yours (aws lambda get-account-settings) before setting this."
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

# ----------------------------------------------------------------------------------------
# The state table
# ----------------------------------------------------------------------------------------

variable "create_state_table" {
  description = "Create the DynamoDB table that remembers each monitor's last status: a check delivered twice alerts once, and OK after a problem sends a RECOVERED notice. Without it every check is reported as it is, and a retried check may alert again."
  type        = bool
  default     = true
}

variable "state_table_point_in_time_recovery" {
  description = "Turn on point-in-time recovery for the state table. Off by default: losing the table costs at most one repeated alert or one missed RECOVERED notice per monitor, and the deadline history (history_retention_days)."
  type        = bool
  default     = false
}

variable "history_retention_days" {
  description = "How long the state table keeps each deadline's outcome (met, late, missing, failed, too fast; the run's start, end and margin): the record the report command and its attainment figures read. DynamoDB's TTL deletes older ones. 0 keeps none (report then has nothing to show). About 1 KB per deadline, index included: docs/costs.md#the-deadline-history."
  type        = number
  default     = 400

  validation {
    condition     = var.history_retention_days >= 0 && floor(var.history_retention_days) == var.history_retention_days
    error_message = "history_retention_days must be a whole number of days, 0 or more (0 keeps no history)."
  }
}

variable "state_table_kms_key_arn" {
  description = "KMS key that encrypts the state table; its policy must allow what the kms_key_policies output's state_table document lists (the function through DynamoDB; whoever runs terraform apply needs the same to create the table). Null uses DynamoDB's AWS owned key (the table is encrypted either way)."
  type        = string
  default     = null

  validation {
    condition     = var.state_table_kms_key_arn == null || can(regex(local.kms_key_arn_regex, var.state_table_kms_key_arn))
    error_message = "state_table_kms_key_arn must be a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/<id>."
  }
}

# ----------------------------------------------------------------------------------------
# Alarms, metrics and the dashboard
# ----------------------------------------------------------------------------------------

variable "create_alarms" {
  description = "Create CloudWatch alarms on the monitor itself (function errors and throttles, messages in either failure queue, checks and events that could not even reach a failure queue), sending to alarm_sns_topic_arn (or the alert topic) on ALARM and OK."
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

variable "create_dashboard" {
  description = "Create a CloudWatch dashboard: for each status, and for alerts sent, the monitors with the most checks of it over time; and the monitor itself (failed and throttled checks, the failure queues, checks the Scheduler lost)."
  type        = bool
  default     = true
}

# ----------------------------------------------------------------------------------------
# The schedules and what they cannot deliver
# ----------------------------------------------------------------------------------------

variable "schedule_retry_policy" {
  description = "How long and how often EventBridge Scheduler retries a check it could not deliver before it goes to the dead-letter queue: { maximum_event_age_in_seconds = 60 to 86400 (default 3600), maximum_retry_attempts = 0 to 185 (default 10) }."
  type        = any # typed in modules/inputs, as monitors
  default     = {}
}

variable "schedule_kms_key_arn" {
  description = "KMS key that encrypts the schedules' input at rest; its policy must allow what the kms_key_policies output's schedules document lists (the Scheduler's role). Null uses an AWS owned key."
  type        = string
  default     = null

  validation {
    condition     = var.schedule_kms_key_arn == null || can(regex(local.kms_key_arn_regex, var.schedule_kms_key_arn))
    error_message = "schedule_kms_key_arn must be a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/<id>."
  }
}

variable "dead_letter_queue_kms_key_arn" {
  description = "KMS key that encrypts both failure queues (checks the Scheduler or EventBridge could not deliver, checks that failed in the function); its policy must allow what the kms_key_policies output's failure_queues document lists (EventBridge for undeliverable failure events, the function and the Scheduler's role). Null uses SQS-managed encryption (SSE-SQS)."
  type        = string
  default     = null

  validation {
    condition     = var.dead_letter_queue_kms_key_arn == null || can(regex(local.kms_key_arn_regex, var.dead_letter_queue_kms_key_arn))
    error_message = "dead_letter_queue_kms_key_arn must be a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/<id>."
  }
}

# ----------------------------------------------------------------------------------------
# IAM and tags
# ----------------------------------------------------------------------------------------

variable "iam_role_path" {
  description = "Path of the IAM roles the module creates."
  type        = string
  default     = "/"

  # A role's ARN, path included, must match [\w+=,.@/-]+ where the Scheduler and Lambda
  # take it (docs.aws.amazon.com/scheduler/latest/APIReference/API_Target.html, RoleArn;
  # docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html, Role): IAM itself would
  # accept any printable character, and the schedules would then be refused at apply.
  validation {
    condition     = can(regex("^/([A-Za-z0-9_+=,.@-]+/)*$", var.iam_role_path)) && length(var.iam_role_path) <= 512
    error_message = "iam_role_path must start and end with '/' and hold only letters, digits and _+=,.@- between (the Scheduler and Lambda refuse a role ARN with other characters), such as / or /monitoring/; got \"${var.iam_role_path}\"."
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
