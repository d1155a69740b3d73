# Maintenance windows: while one is open a monitor's problems are held (recorded, sent once
# it has closed if they still hold), not sent. A window is recurring (it opens at each fire
# of a cron() expression in its time zone and lasts its duration) or one-off (from, until)
# (lambda_src/sfn_deadline_monitor/check/maintenance.py). The module's windows apply to
# every monitor, before its own. The rules are checked with the others (validation.tf), the
# input written by schedules.tf and events.tf.
locals {
  # As the function's MAX_WINDOW_MINUTES: a longer window would hold a weekly job's every
  # problem.
  longest_window_minutes    = 7 * 1440
  minutes_per_duration_unit = { m = 1, h = 60, d = 1440 }

  # How the messages name a window, by its name (%s).
  window_label = "maintenance_windows[%s]"

  # Every window where it is declared (monitor null: the module's), with the time zone its
  # schedule fires in when it names none: a monitor's own window the monitor's, a module's
  # UTC (a window of the whole platform is one absolute time). Labelled by its place in
  # its list when it has no name.
  declared_windows = [for d in concat(
    [for i, w in local.maintenance_windows : { monitor = null, index = i, window = w, timezone = "UTC" }],
    flatten([for key, m in local.monitors : [for i, w in m.maintenance_windows : { monitor = key, index = i, window = w, timezone = m.timezone }]]),
  ) : merge(d, { label = format(local.window_label, coalesce(d.window.name, tostring(d.index))) })]
  # Their schedules, checked by the cron grammar of validation.tf.
  window_schedules = distinct([for d in local.declared_windows : d.window.schedule if d.window.schedule != null])
  window_durations = [for d in local.declared_windows : try(regex("^([1-9][0-9]*)(m|h|d)$", d.window.duration), null)]
  window_minutes   = [for parts in local.window_durations : try(tonumber(parts[0]) * local.minutes_per_duration_unit[parts[1]], null)]

  # A window is exactly one of the two forms; what each sets of them.
  recurring_form = "schedule and duration (and timezone, if not the default) for a window at each fire of a cron() expression"
  one_off_form   = "from and until for one window"
  window_fields  = [for d in local.declared_windows : [for field in ["schedule", "duration", "timezone", "from", "until"] : field if d.window[field] != null]]
  window_forms = [for d in local.declared_windows : (
    d.window.schedule != null && d.window.duration != null && d.window.from == null && d.window.until == null ? "recurring" :
    d.window.from != null && d.window.until != null && d.window.schedule == null && d.window.duration == null && d.window.timezone == null ? "one-off" : null
  )]

  # What is wrong with each window, in the order of declared_windows.
  window_problems = [for i, d in local.declared_windows : concat(
    can(regex("^[0-9A-Za-z_.-]{1,64}$", d.window.name)) ? [] : ["a window's name must be 1 to 64 letters, digits, '.', '-' or '_'"],
    local.window_forms[i] != null ? [] : [
      "set ${local.recurring_form}, or ${local.one_off_form}; it sets ${length(local.window_fields[i]) > 0 ? join(", ", local.window_fields[i]) : "none of them"}"
    ],
    d.window.schedule == null ? [] : length(local.cron_problems[d.window.schedule]) > 0 ? [
      "schedule ${d.window.schedule}: ${join("; ", local.cron_problems[d.window.schedule])}"
      ] : local.parsed_crons[d.window.schedule] == null ? [
      "schedule ${d.window.schedule} is not a cron() expression: a window opens at each fire of a cron() expression, such as cron(0 1 ? * SUN *) (01:00 each Sunday); rate() and at() are refused"
    ] : [],
    d.window.duration == null ? [] : local.window_minutes[i] == null ? [
      "duration ${d.window.duration} must be a whole number of minutes, hours or days, such as 90m, 3h or 2d"
      ] : local.window_minutes[i] > local.longest_window_minutes ? [
      "duration ${d.window.duration} is longer than 7 days (${local.longest_window_minutes} minutes), the longest a recurring window may last: shorten it, or declare the long stop as a one-off window (from, until)"
    ] : [],
    d.window.timezone == null || can(local.timezone_smallest_utc_offset_minutes[d.window.timezone]) ? [] : [format(local.timezone_problem, d.window.timezone)],
    [for field in ["from", "until"] : "${field} ${d.window[field]} must be an RFC 3339 time with its offset, such as 2026-12-24T01:00:00+09:00"
    if d.window[field] != null && !can(formatdate("YYYY", d.window[field]))],
    try(timecmp(d.window.from, d.window.until) < 0, true) ? [] : ["from ${d.window.from} must be before until ${d.window.until}"],
  )]

  # Windows of one monitor with one name: the held alert names its window. The module's
  # among themselves are reported once, with the module's; a monitor's own that repeat a
  # name among all of its windows, with the monitor.
  duplicate_window_name = "%d windows %s are named %s: give each a name of its own (a held alert names its window)"
  module_window_names   = [for w in local.maintenance_windows : w.name if w.name != null]
  own_window_names      = { for key, m in local.monitors : key => [for w in m.maintenance_windows : w.name if w.name != null] }
  monitor_window_names  = { for key, names in local.own_window_names : key => concat(local.module_window_names, names) }

  # The module's windows' problems, by window (input_problems, validation.tf).
  module_window_problems = { for label, problems in { for entry in concat(
    [for i, d in local.declared_windows : { label = d.label, problems = local.window_problems[i] } if d.monitor == null],
    [for name in distinct(local.module_window_names) : {
      label    = format(local.window_label, name)
      problems = [format(local.duplicate_window_name, length([for n in local.module_window_names : n if n == name]), "of the module", name)]
    } if length([for n in local.module_window_names : n if n == name]) > 1],
  ) : entry.label => entry.problems... } : label => distinct(flatten(problems)) if length(flatten(problems)) > 0 }

  # Each monitor's own windows' problems, each led by its window (configuration_problems,
  # validation.tf).
  own_window_problems = { for i, d in local.declared_windows : d.monitor => [for problem in local.window_problems[i] : "${d.label}: ${problem}"]... if d.monitor != null }
  monitor_window_problems = { for key, m in local.monitors : key => concat(
    distinct(flatten(try(local.own_window_problems[key], []))),
    [for name in distinct(local.own_window_names[key]) : "${format(local.window_label, name)}: ${format(
      local.duplicate_window_name, length([for n in local.monitor_window_names[key] : n if n == name]),
      "of this monitor (the module's maintenance_windows and its own)", name,
    )}" if length([for n in local.monitor_window_names[key] : n if n == name]) > 1],
  ) }

  # Each window as the contract's maintenance_windows holds it (check/maintenance.py): its
  # name and either its schedule, time zone and duration in minutes or its from and until,
  # without a null. Filtered from one object, not chosen by a conditional, which would turn
  # duration_minutes into a string to unify the two forms.
  window_inputs = [for i, d in local.declared_windows : { for field, value in {
    name             = d.window.name
    schedule         = d.window.schedule
    timezone         = d.window.schedule == null ? null : coalesce(d.window.timezone, d.timezone)
    duration_minutes = d.window.schedule == null ? null : local.window_minutes[i]
    from             = d.window.from
    until            = d.window.until
  } : field => value if value != null }]
  module_window_inputs = [for i, d in local.declared_windows : local.window_inputs[i] if d.monitor == null]
  own_window_inputs    = { for i, d in local.declared_windows : d.monitor => local.window_inputs[i]... if d.monitor != null }

  # What each monitor's checks' input carries of its windows: the module's, then its own;
  # nothing without any, so that such a monitor's inputs stay as they were.
  maintenance_inputs = { for key, m in local.monitors : key => (
    length(local.maintenance_windows) + length(m.maintenance_windows) == 0 ? {} : {
      maintenance_windows = concat(local.module_window_inputs, try(local.own_window_inputs[key], []))
    }
  ) }
  # A failure rule's input template carries the module's windows once, beside its
  # monitors, and each monitor's entry only its own: the template holds 8,192 characters,
  # which a module window repeated for each of 20 monitors would soon fill.
  own_maintenance_inputs = { for key, m in local.monitors : key => (
    length(m.maintenance_windows) == 0 ? {} : { maintenance_windows = local.own_window_inputs[key] }
  ) }
  failure_template_windows = length(local.module_window_inputs) == 0 ? "" : format("\"maintenance_windows\":%s,", jsonencode(local.module_window_inputs))
}
