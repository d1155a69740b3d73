# Every monitor as the module reads it: ARNs and schedule expressions parsed once, and
# every rule a monitor must follow written once, with its fix, in monitor_problems. The
# emulator enforces none of AWS's own rules here (moto accepts cron(0 25 * * ? *) and
# Europe/Tokio), so the module does; README's "Input validation" lists the messages.
locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  # `id` is the region's name on provider 5.x and 6.x alike (`name` is deprecated in 6.0).
  region = data.aws_region.current.id

  # The same pattern as the function's check/contract.py; tests keep the two equal.
  state_machine_arn_regex = trimspace(file("${path.module}/patterns/state-machine-arn.regex"))
  role_arn_regex          = "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@/-]{1,512}$"

  # Each monitor's state machine, parsed (partition, region, account, name, qualifier);
  # null when the ARN is not one. A version or alias is authorized, and its executions
  # named, through its state machine's own ARN.
  state_machines = { for key, m in local.monitors : key => try(regex(local.state_machine_arn_regex, m.state_machine_arn), null) }
  base_state_machine_arns = { for key, m in local.monitors : key => try(
    "arn:${local.state_machines[key].partition}:states:${local.state_machines[key].region}:${local.state_machines[key].account}:stateMachine:${local.state_machines[key].name}",
    m.state_machine_arn,
  ) }
  execution_arn_patterns = { for key, arn in local.base_state_machine_arns : key => "${replace(arn, ":stateMachine:", ":execution:")}:*" }

  start_checks   = { for key, m in local.monitors : key => m if m.start_check != null }
  at_risk_checks = { for key, m in local.monitors : key => m if m.at_risk_check != null }
  # A start check looks back as far as its monitor unless it says otherwise.
  start_check_lookbacks = { for key, m in local.start_checks : key => coalesce(m.start_check.lookback_minutes, m.lookback_minutes) }

  # Every schedule expression a monitor sets, with the look-back that goes with it.
  schedule_expressions = merge(
    { for key, m in local.monitors : "${key} deadline" => {
      monitor = key, field = "schedule_expression", text = m.schedule_expression, lookback = m.lookback_minutes
    } },
    { for key, m in local.start_checks : "${key} start" => {
      monitor  = key, field = "start_check.schedule_expression", text = m.start_check.schedule_expression,
      lookback = local.start_check_lookbacks[key]
    } },
    { for key, m in local.at_risk_checks : "${key} at_risk" => {
      monitor = key, field = "at_risk_check.schedule_expression", text = m.at_risk_check.schedule_expression, lookback = m.lookback_minutes
    } },
  )

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
  # A list of `*`, `a` or `a-b` items, each with an optional /step (day-of-week takes no step).
  cron_field_regexes = { for field, number in local.cron_numbers : field => format(
    "(?i)^%s$",
    field == "day-of-month" ? "(\\?|L|${number}W|${format("(\\*|%[1]s(-%[1]s)?)(/0*[1-9][0-9]*)?(,(\\*|%[1]s(-%[1]s)?)(/0*[1-9][0-9]*)?)*", number)})" :
    field == "day-of-week" ? "(\\?|L|${number}L|${number}#[1-5]|${format("(\\*|%[1]s(-%[1]s)?)(,(\\*|%[1]s(-%[1]s)?))*", number)})" :
    format("(\\*|%[1]s(-%[1]s)?)(/0*[1-9][0-9]*)?(,(\\*|%[1]s(-%[1]s)?)(/0*[1-9][0-9]*)?)*", number)
  ) }
  minutes_per_rate_unit = { minute = 1, hour = 60, day = 1440 }
  longest_rate_days     = 36500 # as the function's check/schedule_expression.py, which says why

  parsed_expressions = { for id, e in local.schedule_expressions : id => {
    cron = try(zipmap(local.cron_fields, regex("^cron\\((\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (\\S+)\\)$", e.text)), null)
    rate = try(regex("^rate\\(0*(?P<value>[1-9][0-9]*) (?P<unit>minute|hour|day)s?\\)$", e.text), null)
    at   = try(regex("^at\\(([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})\\)$", e.text)[0], null)
  } }

  expression_problems = { for id, e in local.schedule_expressions : id => [for problems in [join("; ", (
    # (?i) would read "sun" spelt with U+017F (long s) as SUN, which the Scheduler refuses.
    !can(regex("^[\\x20-\\x7E]*$", e.text)) ? ["an expression holds ASCII characters only"]
    : local.parsed_expressions[id].cron != null ? concat(
      [for field in local.cron_fields : "${field} must be ${local.cron_accepted[field]}, got ${local.parsed_expressions[id].cron[field]}"
      if !can(regex(local.cron_field_regexes[field], local.parsed_expressions[id].cron[field]))],
      (local.parsed_expressions[id].cron["day-of-month"] == "?") != (local.parsed_expressions[id].cron["day-of-week"] == "?") ? [] : [
        "exactly one of day-of-month and day-of-week must be '?' (for example cron(0 2 * * ? *) or cron(0 2 ? * MON-FRI *))"
      ],
    )
    : local.parsed_expressions[id].rate != null ? (
      local.parsed_expressions[id].rate.value * local.minutes_per_rate_unit[local.parsed_expressions[id].rate.unit] > local.longest_rate_days * 1440 ? [
        "the interval must be at most ${local.longest_rate_days} days"
      ] :
      e.lookback <= local.parsed_expressions[id].rate.value * local.minutes_per_rate_unit[local.parsed_expressions[id].rate.unit] ? [] : [
        "its look-back of ${e.lookback} minutes is longer than the interval between runs (${local.parsed_expressions[id].rate.value * local.minutes_per_rate_unit[local.parsed_expressions[id].rate.unit]} minutes), so one run would count for two deadlines: make the look-back at most the interval"
      ]
    )
    : local.parsed_expressions[id].at != null ? (
      !can(formatdate("YYYY", "${local.parsed_expressions[id].at}Z")) ? ["${local.parsed_expressions[id].at} is not a date and time"] :
      tonumber(substr(local.parsed_expressions[id].at, 0, 4)) > 2199 ? ["the year must be 1970-2199, the Scheduler's years"] :
      # The local time is past in the monitor's zone whatever its daylight saving time.
      timecmp("${local.parsed_expressions[id].at}Z", timeadd(plantimestamp(), "${lookup(local.timezone_smallest_utc_offset_minutes, local.monitors[e.monitor].timezone, -720)}m")) > 0 ? [] : [
        "at() lies in the past in ${local.monitors[e.monitor].timezone}: a one-time schedule in the past never fires"
      ]
    )
    : startswith(e.text, "cron(") ? ["a cron expression has 6 fields separated by single spaces: minutes hours day-of-month month day-of-week year"]
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
  early_check_order_problems = { for id, lead in local.early_check_leads : id => (
    lead == null || (try(lead >= 1, false) && try(lead < local.monitors[local.schedule_expressions[id].monitor].lookback_minutes, false)) ? [] : [
      "${split(".", local.schedule_expressions[id].field)[0]} fires at ${format("%02d:%02d", floor(local.fixed_times[id].minute_of_day / 60), local.fixed_times[id].minute_of_day % 60)}, outside the deadline's look-back window (the ${local.monitors[local.schedule_expressions[id].monitor].lookback_minutes} minutes before ${format("%02d:%02d", floor(local.fixed_times["${local.schedule_expressions[id].monitor} deadline"].minute_of_day / 60), local.fixed_times["${local.schedule_expressions[id].monitor} deadline"].minute_of_day % 60)}): make it fire after the window opens and before the deadline"
    ]
  ) }

  utc_time_regex = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"

  # What is wrong with each monitor's configuration; none of these depends on a value
  # known only after apply, so they are all checked at plan.
  configuration_problems = { for key, m in local.monitors : key => concat(
    module.inputs.unknown_attributes.monitors[key],
    can(regex("^[0-9A-Za-z_.-]{1,64}$", key)) ? [] : ["the key must be 1 to 64 letters, digits, '.', '-' or '_' (it names the monitor's schedules)"],
    contains(keys(local.timezone_smallest_utc_offset_minutes), m.timezone) ? [] : ["timezone ${m.timezone} is not an IANA time zone name (tzdata ${local.tzdata_version}) such as UTC, Asia/Tokyo or America/Argentina/Buenos_Aires"],
    contains(["text", "json", "chat"], m.message_format) ? [] : ["message_format must be \"text\", \"json\" or \"chat\""],
    # CreateSchedule takes a Description of at most 512 characters
    # (docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html).
    m.description == null || try(length(m.description) <= 512, false) ? [] : ["description is ${length(m.description)} characters; the Scheduler takes at most 512: shorten it"],
    m.lookback_minutes >= 1 && m.lookback_minutes <= 44640 && floor(m.lookback_minutes) == m.lookback_minutes ? [] : ["lookback_minutes must be a whole number of minutes from 1 to 44640 (31 days)"],
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
    flatten([for kind in ["deadline", "start", "at_risk"] : lookup(local.expression_problems, "${key} ${kind}", [])]),
    flatten([for kind in ["start", "at_risk"] : lookup(local.early_check_order_problems, "${key} ${kind}", [])]),
    m.at_risk_check == null || local.parsed_expressions["${key} deadline"].rate == null ? [] : ["at_risk_check needs a cron() or at() deadline: a rate's fire times depend on when its schedule was created, which the check cannot know"],
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
}
