# Calendars: the days a monitor's job does not run (weekends, public holidays). A check whose
# deadline falls, by its date in the monitor's time zone, on a day the monitor's calendar
# excludes reports a window without a run as SKIPPED and sends nothing
# (lambda_src/sfn_deadline_monitor/check/calendar.py, docs/beyond-the-deadline.md#calendars).
# The rules are checked with the others (validation.tf), the input written by schedules.tf.
locals {
  # A calendar's weekdays in the order the input lists them; cron's day-of-week numbers
  # 1 to 7 are SUN to SAT.
  calendar_weekdays = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
  cron_weekdays     = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
  # EventBridge Scheduler takes a target input of at most 262,144 bytes (docs/aws-limits.md):
  # a calendar's dates are in every schedule input of its monitors, so they bound it.
  scheduler_input_bytes = 262144

  # What is wrong with each calendar, naming it (input_problems, validation.tf). A null in a
  # list is quoted as null.
  calendar_problems = flatten([for name, c in local.calendars : c == null ? ["${name}: a calendar is an object { exclude_dates = [...], exclude_weekdays = [...] }, not null"] : concat(
    can(regex("^[0-9A-Za-z_.-]{1,64}$", name)) ? [] : ["${name}: a calendar's name must be 1 to 64 letters, digits, '.', '-' or '_'"],
    [for date in c.exclude_dates : "${name}: exclude_dates ${jsonencode(date)} is not a date: write YYYY-MM-DD, such as 2026-12-31"
    if !(can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", date)) && can(formatdate("YYYY", "${date}T00:00:00Z")))],
    [for day in c.exclude_weekdays : "${name}: exclude_weekdays ${jsonencode(day)} is not a weekday: write MON, TUE, WED, THU, FRI, SAT or SUN"
    if !contains(local.calendar_weekdays, coalesce(day, "-"))],
  )])

  # Each monitor's calendar; null without one, or when it names none of calendars.
  monitor_calendars = { for key, m in local.monitors : key => try(local.calendars[m.calendar], null) }

  # The weekdays a monitor's deadline fires on, when its cron names them in day-of-week
  # (day-of-month '?'), as check/schedule_expression.py reads them: names or numbers
  # (1 = SUN), ranges that may wrap (FRI-MON), L (Saturday), dL and d#n (weekday d).
  # Absent for any other schedule (a day of the month, a rate, an at()). Each item loses
  # its #n or its L, leaving the weekday it names ("" for L alone: Saturday).
  deadline_weekday_items = { for key, m in local.monitors : key => [
    for item in split(",", upper(local.parsed_expressions["${key} deadline"].cron["day-of-week"])) : replace(replace(item, "/#[1-5]$/", ""), "/L$/", "")
  ] if try(local.parsed_expressions["${key} deadline"].cron["day-of-month"] == "?", false) }
  deadline_weekdays = { for key, items in local.deadline_weekday_items : key => try(distinct(flatten([for item in items : (
    item == "*" ? local.cron_weekdays : item == "" ? ["SAT"] : [
      for ends in [[for end in split("-", item) : contains(local.cron_weekdays, end) ? index(local.cron_weekdays, end) + 1 : tonumber(end)]] : [
        for i in range(((ends[length(ends) - 1] - ends[0]) % 7 + 7) % 7 + 1) : local.cron_weekdays[(ends[0] - 1 + i) % 7]
      ]
    ][0]
  )])), null) }

  # The one day a monitor's at() deadline fires on: its date and weekday.
  deadline_at_days = { for key, m in local.monitors : key => {
    date    = substr(local.parsed_expressions["${key} deadline"].at, 0, 10)
    weekday = upper(formatdate("EEE", "${local.parsed_expressions["${key} deadline"].at}Z"))
  } if can(formatdate("EEE", "${local.parsed_expressions["${key} deadline"].at}Z")) }

  # What is wrong with each monitor's calendar, for configuration_problems (validation.tf).
  monitor_calendar_problems = { for key, m in local.monitors : key => (
    m.calendar == null ? [] :
    !can(local.calendars[m.calendar]) ? [
      "calendar ${m.calendar} is not one of calendars (${length(local.calendars) > 0 ? join(", ", sort(keys(local.calendars))) : "none is declared"}): name one of them, or declare it in calendars = { ${m.calendar} = { exclude_dates = [...], exclude_weekdays = [...] } }"
    ] :
    local.monitor_calendars[key] == null ? [] : # a null calendar is reported with calendars
    try(length(setsubtract(local.calendar_weekdays, local.monitor_calendars[key].exclude_weekdays)) == 0, false) ? [
      "calendar ${m.calendar} excludes every day of the week, so every check would be skipped: remove a weekday from its exclude_weekdays"
    ] :
    try(length(setsubtract(local.deadline_weekdays[key], local.monitor_calendars[key].exclude_weekdays)) == 0, false) ? [
      "calendar ${m.calendar} excludes every day the deadline ${m.schedule_expression} fires on (${join(", ", local.deadline_weekdays[key])}), so every check would be skipped: remove one of them from its exclude_weekdays, or name another calendar"
    ] :
    try(contains(local.monitor_calendars[key].exclude_dates, local.deadline_at_days[key].date) || contains(local.monitor_calendars[key].exclude_weekdays, local.deadline_at_days[key].weekday), false) ? [
      "calendar ${m.calendar} excludes ${local.deadline_at_days[key].date}, the one day the deadline ${m.schedule_expression} fires on, so its check would be skipped: remove the day from the calendar, or name another one"
    ] : []
  ) }

  # Each calendar as the contract's `calendar` holds it, by name: dates sorted, weekdays MON
  # to SUN. compact() leaves out nulls (plan fails on them) without making a tuple of the
  # dates, which Terraform takes seconds to type again at 20,000 dates. Discovery's
  # monitors name them too (discovery.tf).
  calendar_contracts = { for name, c in local.calendars : name => {
    name             = name
    exclude_dates    = sort(toset(compact(c.exclude_dates)))
    exclude_weekdays = [for day in local.calendar_weekdays : day if contains(compact(c.exclude_weekdays), day)]
  } if c != null }

  # What each deadline, start and at-risk check's input carries of its monitor's calendar,
  # by schedule: only a monitor that names one. A start check also names the deadline's
  # schedule: it is judged by its deadline's date (one at 23:15 belongs to the next day's
  # 02:00), which a rate cannot tell.
  calendar_inputs = { for id, input in local.monitor_inputs : id => merge(
    local.monitor_calendars[input.monitor] == null ? {} : { calendar = local.calendar_contracts[local.monitors[input.monitor].calendar] },
    local.monitor_calendars[input.monitor] != null && endswith(id, " start") && local.parsed_expressions["${input.monitor} deadline"].rate == null ? {
      deadline_expression = local.monitors[input.monitor].schedule_expression
    } : {},
  ) }

  # The schedule inputs over the Scheduler's limit, with their size: a monitor's calendar
  # lists too many dates (schedules.tf's precondition).
  oversized_inputs = { for id, input in local.check_inputs : id => length(input) if length(input) > local.scheduler_input_bytes }
}
