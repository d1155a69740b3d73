# Every rule an input must follow, written once with its fix, and checked at plan on the
# schedule group (schedules.tf's preconditions). The emulator enforces none of AWS's own
# rules here (moto accepts cron(0 25 * * ? *) and Europe/Tokio), so the module does;
# docs/inputs.md lists every message (generated from tests/validation.tftest.hcl).
locals {
  # The IANA time zone names a monitor may use, each with the smallest UTC offset the zone
  # takes over the years data/timezones.json says (written by dev/timezones.py from tzdata).
  timezones                            = jsondecode(file("${path.module}/data/timezones.json"))
  tzdata_version                       = local.timezones.tzdata_version
  timezone_smallest_utc_offset_minutes = local.timezones.smallest_utc_offset_minutes
  # A monitor's and a maintenance window's (maintenance.tf), with the name as %s.
  timezone_problem = "timezone %s is not an IANA time zone name (tzdata ${local.tzdata_version}) such as UTC, Asia/Tokyo or America/Argentina/Buenos_Aires"

  # EventBridge Scheduler's expressions (docs.aws.amazon.com/scheduler/latest/UserGuide/
  # schedule-types.html), checked as the function's check/schedule_expression.py parses them.
  cron_fields = ["minutes", "hours", "day-of-month", "month", "day-of-week", "year"]
  cron_numbers = {
    minutes        = "0*([0-9]|[1-5][0-9])"
    hours          = "0*([0-9]|1[0-9]|2[0-3])"
    "day-of-month" = "0*([1-9]|[12][0-9]|3[01])"
    month          = "(0*([1-9]|1[0-2])|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)"
    "day-of-week"  = "(0*[1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)"
    year           = "0*(19[7-9][0-9]|2[01][0-9][0-9])"
  }
  cron_accepted = {
    minutes        = "0-59 with , - * /"
    hours          = "0-23 with , - * /"
    "day-of-month" = "1-31 with , - * / ?, or L or nW alone"
    month          = "1-12 or JAN-DEC with , - * /"
    "day-of-week"  = "1-7 or SUN-SAT with , - * ?, or L, dL or d#n (n 1-5) alone"
    year           = "1970-2199 with , - * /"
  }
  # A field is a list of items separated by commas: `*`, `a` or `a-b`, each a number of the
  # field (%[1]s below), with an optional /step; day-of-month and day-of-week also take
  # the special values the Scheduler allows alone, and day-of-week no step.
  cron_item         = "(\\*|%[1]s(-%[1]s)?)"
  cron_step         = "(/0*[1-9][0-9]*)?"
  cron_stepped_list = "${local.cron_item}${local.cron_step}(,${local.cron_item}${local.cron_step})*"
  cron_plain_list   = "${local.cron_item}(,${local.cron_item})*"
  cron_field_patterns = { for field, number in local.cron_numbers : field => (
    field == "day-of-month" ? "\\?|L|${number}W|${format(local.cron_stepped_list, number)}" :
    field == "day-of-week" ? "\\?|L|${number}L|${number}#[1-5]|${format(local.cron_plain_list, number)}" :
    format(local.cron_stepped_list, number)
  ) }
  cron_field_regexes    = { for field, pattern in local.cron_field_patterns : field => "(?i)^(${pattern})$" }
  minutes_per_rate_unit = { minute = 1, hour = 60, day = 1440 }
  longest_rate_days     = 36500 # as the function's check/schedule_expression.py, which says why

  # Every cron() expression the module reads, the schedules' and the maintenance windows'
  # (maintenance.tf), parsed and checked once by its text; null and no problem for text
  # that is not one.
  cron_texts   = distinct(concat([for e in values(local.schedule_expressions) : e.text], local.window_schedules))
  parsed_crons = { for text in local.cron_texts : text => try(zipmap(local.cron_fields, regex("^cron\\((\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (\\S+)\\)$", text)), null) }
  cron_problems = { for text, cron in local.parsed_crons : text => (
    # (?i) would read "sun" spelt with U+017F (long s) as SUN, which the Scheduler refuses.
    !can(regex("^[\\x20-\\x7E]*$", text)) ? ["an expression holds ASCII characters only"]
    : cron != null ? concat(
      [for field in local.cron_fields : "${field} must be ${local.cron_accepted[field]}, got ${cron[field]}"
      if !can(regex(local.cron_field_regexes[field], cron[field]))],
      (cron["day-of-month"] == "?") != (cron["day-of-week"] == "?") ? [] : [
        "exactly one of day-of-month and day-of-week must be '?' (for example cron(0 2 * * ? *) or cron(0 2 ? * MON-FRI *))"
      ],
    )
    : startswith(text, "cron(") ? ["a cron expression has 6 fields separated by single spaces: minutes hours day-of-month month day-of-week year"]
    : []
  ) }

  parsed_expressions = { for id, e in local.schedule_expressions : id => {
    cron = local.parsed_crons[e.text]
    rate = try(regex("^rate\\(0*(?P<value>[1-9][0-9]*) (?P<unit>minute|hour|day)s?\\)$", e.text), null)
    at   = try(regex("^at\\(([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})\\)$", e.text)[0], null)
  } }

  # A rate's interval in minutes; null for an expression that is not a rate.
  rate_minutes = { for id, p in local.parsed_expressions : id => try(p.rate.value * local.minutes_per_rate_unit[p.rate.unit], null) }

  expression_problems = { for id, e in local.schedule_expressions : id => [for problems in [join("; ", (
    length(local.cron_problems[e.text]) > 0 || local.parsed_expressions[id].cron != null ? local.cron_problems[e.text]
    : local.parsed_expressions[id].rate != null ? (
      local.rate_minutes[id] > local.longest_rate_days * 1440 ? [
        "the interval must be at most ${local.longest_rate_days} days"
      ] :
      e.lookback <= local.rate_minutes[id] ? [] : [
        "its look-back of ${e.lookback} minutes is longer than the interval between runs (${local.rate_minutes[id]} minutes), so one run would count for two deadlines: make the look-back at most the interval"
      ]
    )
    : local.parsed_expressions[id].at != null ? (
      !can(formatdate("YYYY", "${local.parsed_expressions[id].at}Z")) ? ["${local.parsed_expressions[id].at} is not a date and time"] :
      tonumber(substr(local.parsed_expressions[id].at, 0, 4)) > 2199 ? ["the year must be 1970-2199, the Scheduler's years"] :
      # The local time is past in the monitor's zone whatever its daylight saving time.
      timecmp("${local.parsed_expressions[id].at}Z", timeadd(plantimestamp(), "${try(local.timezone_smallest_utc_offset_minutes[local.monitors[e.monitor].timezone], -720)}m")) > 0 ? [] : [
        "at() lies in the past in ${local.monitors[e.monitor].timezone}: a one-time schedule in the past never fires"
      ]
    )
    : startswith(e.text, "rate(") ? ["expected rate(<whole number above 0> minute|minutes|hour|hours|day|days)"]
    : startswith(e.text, "at(") ? ["expected at(yyyy-mm-ddThh:mm:ss), a local time in the monitor's time zone"]
    : ["expected cron(minutes hours day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss)"]
  ))] : "${e.field} ${e.text}: ${problems}" if problems != ""] }

  # An early check (start or at-risk) and its deadline at fixed times of the same days: the
  # early check must fire inside the deadline's look-back window, or it would judge
  # another run.
  fixed_times = { for id, p in local.parsed_expressions : id => try({
    minute_of_day = tonumber(p.cron.hours) * 60 + tonumber(p.cron.minutes)
    days          = join(" ", [p.cron["day-of-month"], p.cron.month, p.cron["day-of-week"], p.cron.year])
    daily         = contains(["*", "?"], p.cron["day-of-month"]) && contains(["*", "?"], p.cron["day-of-week"]) && p.cron.month == "*" && p.cron.year == "*"
  }, null) }
  # Minutes from each early check to its deadline, where both are fixed times of the same days.
  early_check_leads = { for id, e in local.schedule_expressions : id => try(
    local.fixed_times["${e.monitor} deadline"].days == local.fixed_times[id].days
    ? (local.fixed_times["${e.monitor} deadline"].daily ? (local.fixed_times["${e.monitor} deadline"].minute_of_day - local.fixed_times[id].minute_of_day + 1440) % 1440
    : local.fixed_times["${e.monitor} deadline"].minute_of_day - local.fixed_times[id].minute_of_day) : null,
    null,
  ) if !endswith(id, " deadline") }
  # Each fixed time as hh:mm, for the messages.
  clock_times = { for id, f in local.fixed_times : id => try(format("%02d:%02d", floor(f.minute_of_day / 60), f.minute_of_day % 60), null) }
  early_check_order_problems = { for id, lead in local.early_check_leads : id => [
    for e in [local.schedule_expressions[id]] : join("", [
      "${split(".", e.field)[0]} fires at ${local.clock_times[id]}, outside the deadline's look-back window ",
      "(the ${local.monitors[e.monitor].lookback_minutes} minutes before ${local.clock_times["${e.monitor} deadline"]}): ",
      "make it fire after the window opens and before the deadline",
    ])
    if !(lead == null || (try(lead >= 1, false) && try(lead < local.monitors[e.monitor].lookback_minutes, false)))
  ] }

  utc_time_regex = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"

  # The message formats a monitor, the audit and discovery's default may name.
  message_formats        = ["text", "json", "chat"]
  message_format_problem = "message_format must be \"text\", \"json\" or \"chat\""
  # A look-back of whole minutes up to 31 days: every monitor's, by its key, and the one
  # discovery gives a monitor whose tags set none.
  lookback_problem = "lookback_minutes must be a whole number of minutes from 1 to 44640 (31 days)"
  valid_lookbacks = { for id, minutes in merge(
    { for key, m in local.monitors : "monitors.${key}" => m.lookback_minutes },
    { discovery = local.discovery.lookback_minutes },
  ) : id => minutes >= 1 && minutes <= 44640 && floor(minutes) == minutes }

  # What is wrong with each monitor's configuration; none of these depends on a value
  # known only after apply, so they are all checked at plan.
  configuration_problems = { for key, m in local.monitors : key => concat(
    module.inputs.unknown_attributes.monitors[key],
    can(regex("^[0-9A-Za-z_.-]{1,64}$", key)) ? [] : ["the key must be 1 to 64 letters, digits, '.', '-' or '_' (it names the monitor's schedules)"],
    can(local.timezone_smallest_utc_offset_minutes[m.timezone]) ? [] : [format(local.timezone_problem, m.timezone)],
    contains(local.message_formats, m.message_format) ? [] : [local.message_format_problem],
    [for status, severity in m.severities : "severities: ${status} = \"${severity}\" must map one of FAILED, LATE, MISSING, ERROR, AT_RISK, TOO_FAST, RECOVERED or OK to \"critical\", \"error\", \"warning\" or \"info\""
    if !(contains(["FAILED", "LATE", "MISSING", "ERROR", "AT_RISK", "TOO_FAST", "RECOVERED", "OK"], status) && contains(["critical", "error", "warning", "info"], severity))],
    # CreateSchedule takes a Description of at most 512 characters
    # (docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html).
    m.description == null || try(length(m.description) <= 512, false) ? [] : ["description is ${length(m.description)} characters; the Scheduler takes at most 512: shorten it"],
    local.valid_lookbacks["monitors.${key}"] ? [] : [local.lookback_problem],
    try(m.start_check.lookback_minutes, null) == null || try(m.start_check.lookback_minutes >= 1 && m.start_check.lookback_minutes <= 44640 && floor(m.start_check.lookback_minutes) == m.start_check.lookback_minutes, false) ? [] : [
      "start_check.lookback_minutes must be a whole number of minutes from 1 to 44640, or unset to use the monitor's lookback_minutes"
    ],
    [for name, date in { start_date = m.start_date, end_date = m.end_date } : "${name} must be a UTC time such as 2030-01-01T00:00:00Z (AWS stores it in UTC; another offset would show as a change on every plan)"
    if date != null && !(can(regex(local.utc_time_regex, date)) && can(formatdate("YYYY", date)))],
    # The Scheduler refuses a start date more than 5 minutes in the past ("The StartDate you
    # specify cannot be earlier than 5 minutes ago"), on update as on create.
    try(timecmp(m.start_date, timeadd(plantimestamp(), "-5m")) >= 0, true) ? [] : ["start_date ${m.start_date} has passed, and the Scheduler refuses a start date more than 5 minutes in the past: remove it (the schedule then fires from now on)"],
    try(timecmp(m.end_date, plantimestamp()) > 0, true) ? [] : ["end_date ${m.end_date} has passed: the schedule would never fire again; remove the monitor or the end date"],
    try(timecmp(m.end_date, m.start_date) > 0, true) ? [] : ["end_date must be after start_date"],
    flatten([for kind in ["deadline", "start", "at_risk"] : try(local.expression_problems["${key} ${kind}"], [])]),
    flatten([for kind in ["start", "at_risk"] : try(local.early_check_order_problems["${key} ${kind}"], [])]),
    # One bound under which a successful run is TOO_FAST, as the function's check/contract.py reads it.
    m.min_duration == null || try((m.min_duration.fraction_of_median == null) != (m.min_duration.seconds == null), false) ? [] : [
      "min_duration must set exactly one of fraction_of_median (0.1: a run shorter than a tenth of the median of the recent successful runs is TOO_FAST) and seconds (a run shorter than that many seconds is)"
    ],
    try(m.min_duration.fraction_of_median, null) == null || try(m.min_duration.fraction_of_median > 0 && m.min_duration.fraction_of_median < 1, false) ? [] : [
      "min_duration.fraction_of_median must be a number between 0 and 1 (exclusive), such as 0.1 for a tenth of the median, got ${m.min_duration.fraction_of_median}"
    ],
    try(m.min_duration.seconds, null) == null || try(m.min_duration.seconds >= 1 && m.min_duration.seconds <= 31536000 && floor(m.min_duration.seconds) == m.min_duration.seconds, false) ? [] : [
      "min_duration.seconds must be a whole number of seconds from 1 to 31536000 (a year, the longest a Standard run lasts), got ${m.min_duration.seconds}"
    ],
    m.at_risk_check == null || local.parsed_expressions["${key} deadline"].rate == null ? [] : ["at_risk_check needs a cron() or at() deadline: a rate's fire times depend on when its schedule was created, which the check cannot know"],
    local.dependency_problems[key],
    local.monitor_calendar_problems[key],
    local.monitor_window_problems[key],
  ) }

  # What is wrong with each monitor's ARNs; checked at plan when the ARNs are known then
  # (a state machine or member role created in the same apply is checked at apply).
  arn_problems = { for key, m in local.monitors : key => concat(
    local.state_machines[key] != null ? [] : ["state_machine_arn ${m.state_machine_arn} must look like arn:<partition>:states:<region>:<account>:stateMachine:<name>, optionally followed by :<version> or :<alias>"],
    try(local.state_machines[key].region == local.region, true) ? [] : ["the state machine must be in this module's region (${local.region}): the function reads executions in its own region"],
    try(local.state_machines[key].account == local.account_id || m.role_arn != null, true) ? [] : ["a state machine in another account (${local.state_machines[key].account}) needs a role_arn in that account (modules/member-role)"],
    m.role_arn == null || can(regex(local.role_arn_regex, m.role_arn)) ? [] : ["role_arn must be an IAM role ARN such as arn:aws:iam::111122223333:role/sfn-deadline-read (see modules/member-role)"],
    m.role_arn == null || try(split(":", m.role_arn)[4] == local.state_machines[key].account, true) ? [] : ["role_arn must be a role in the account that owns the state machine (it reads the executions from inside that account)"],
    m.role_arn != null || local.read_scope == null || try(anytrue([for prefix in local.read_scope.state_machine_name_prefixes : startswith(local.state_machines[key].name, prefix)]), true) ? [] : [
      "the state machine's name does not start with any of read_scope.state_machine_name_prefixes, so the function could not read it: add a prefix"
    ],
  ) }

  invalid_configuration = { for key, problems in local.configuration_problems : key => problems if length(problems) > 0 }
  invalid_arns          = { for key, problems in local.arn_problems : key => problems if length(problems) > 0 }

  # The object inputs other than monitors, and each of the module's maintenance windows
  # (maintenance.tf: maintenance_windows[<name>]).
  input_problems = { for name, problems in merge({
    read_scope = local.read_scope == null || try(length(local.read_scope.state_machine_name_prefixes) > 0 && alltrue([for p in local.read_scope.state_machine_name_prefixes : can(regex("^[^\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/]{0,80}$", p))]), false) ? [] : [
      "state_machine_name_prefixes must list at least one prefix of up to 80 characters that a state machine name may hold (\"\" grants every state machine in this account and region)"
    ]
    service_quotas = concat(
      local.service_quotas.iam_managed_policies_per_role >= 1 && local.service_quotas.iam_managed_policies_per_role <= 25 ? [] : ["iam_managed_policies_per_role must be 1 to 25 (IAM's maximum for 'Managed policies per role')"],
      local.service_quotas.eventbridge_rules_per_bus >= 1 ? [] : ["eventbridge_rules_per_bus must be at least 1"],
      local.service_quotas.eventbridge_event_pattern_characters >= 2048 && local.service_quotas.eventbridge_event_pattern_characters <= 4096 ? [] : [
        "eventbridge_event_pattern_characters must be 2048 (the default) to 4096 (PutRule's own limit on EventPattern)"
      ],
    )
    audit = concat(
      contains(local.message_formats, local.audit.message_format) ? [] : [local.message_format_problem],
      can(regex("^rate\\(0*[1-9][0-9]* (minute|hour|day)s?\\)$", local.audit.schedule_expression)) ? [] : ["schedule_expression must be rate(<whole number> minutes|hours|days), such as rate(1 hour)"],
      local.audit.grace_minutes >= 5 && local.audit.grace_minutes <= 1440 && floor(local.audit.grace_minutes) == local.audit.grace_minutes ? [] : ["grace_minutes must be a whole number from 5 to 1440 (a day)"],
      !local.audit.enabled || var.create_state_table ? [] : ["the audit needs the state table, where the checks record themselves: set create_state_table = true, or audit = { enabled = false }"],
      local.audit.enabled || length(local.declared_windows) == 0 ? [] : ["maintenance windows need the audit, which sends what they held once they end: set audit = { enabled = true } (the default), or remove maintenance_windows"],
      !local.discovery.enabled || (local.audit.enabled && var.create_state_table) ? [] : ["discovery needs the audit, which runs it, and the state table, where it records the monitors it finds: set audit = { enabled = true } and create_state_table = true (the defaults), or discovery = { enabled = false }"],
    )
    calendars           = local.calendar_problems
    discovery           = local.discovery_problems
    maintenance_windows = [] # its unknown attributes; each window's problems under its own name
    schedule_retry_policy = concat(
      local.schedule_retry_policy.maximum_event_age_in_seconds >= 60 && local.schedule_retry_policy.maximum_event_age_in_seconds <= 86400 ? [] : ["maximum_event_age_in_seconds must be between 60 and 86400"],
      local.schedule_retry_policy.maximum_retry_attempts >= 0 && local.schedule_retry_policy.maximum_retry_attempts <= 185 ? [] : ["maximum_retry_attempts must be between 0 and 185"],
    )
  }, local.module_window_problems) : name => concat(try(module.inputs.unknown_attributes.variables[name], []), problems) if length(try(module.inputs.unknown_attributes.variables[name], [])) + length(problems) > 0 }
}

# Patterns that the variables' validation rules and their messages share.
locals {
  kms_key_arn_regex        = "^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
  standard_topic_arn_regex = "^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$"
  # A discovery tag prefix, as modules/member-role reads it too (discovery.tf says why).
  tag_prefix_regex = trimspace(file("${path.module}/data/tag-prefix.regex"))
}
