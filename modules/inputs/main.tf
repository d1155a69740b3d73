locals {
  variables = {
    read_scope = var.read_scope, service_quotas = var.service_quotas, audit = var.audit, schedule_retry_policy = var.schedule_retry_policy
    calendars  = var.calendars, maintenance_windows = var.maintenance_windows, discovery = var.discovery
  }

  # Each object the caller wrote, beside the same object typed: the typed one holds every
  # attribute its type knows (unset ones as null), so what the written one holds beyond it
  # is unknown. `monitor` is null for the other variables; `path` prefixes nested names.
  objects = concat(
    [for name, typed in local.variables : {
      variable = name, monitor = null, path = "", written = try(keys(var.as_written[name]), []), known = try(keys(typed), [])
    }],
    [for key, m in var.monitors : {
      variable = "monitors", monitor = key, path = "", written = keys(var.as_written.monitors[key]), known = keys(m)
    }],
    [for pair in setproduct(sort(keys(var.monitors)), ["start_check", "at_risk_check", "min_duration"]) : {
      variable = "monitors", monitor = pair[0], path = "${pair[1]}.",
      written  = try(keys(var.as_written.monitors[pair[0]][pair[1]]), []), known = try(keys(var.monitors[pair[0]][pair[1]]), [])
    }],
    # Each calendar's attributes, named with the calendar: calendars' own keys are its names.
    [for name, c in var.calendars : {
      variable = "calendars", monitor = null, path = "${name}.", written = try(keys(var.as_written.calendars[name]), []), known = try(keys(c), [])
    }],
    # Each maintenance window's attributes, named with the window (its place in the list
    # when it has no name), the module's as calendars' and each monitor's own.
    [for i, w in var.maintenance_windows : {
      variable = "maintenance_windows", monitor = null, path = "${coalesce(w.name, tostring(i))}.",
      written  = try(keys(var.as_written.maintenance_windows[i]), []), known = keys(w)
    }],
    flatten([for key, m in var.monitors : [for i, w in m.maintenance_windows : {
      variable = "monitors", monitor = key, path = "maintenance_windows[${coalesce(w.name, tostring(i))}].",
      written  = try(keys(var.as_written.monitors[key].maintenance_windows[i]), []), known = keys(w)
    }]]),
  )
  unknown = flatten([for o in local.objects : [
    for attribute in sort(setsubtract(o.written, o.known)) : merge(o, { attribute = attribute, known = sort(o.known) })
  ]])

  # The closest known name by Dice's coefficient over the names' character pairs (Terraform
  # has no edit distance): schedule_expresion and schedule_expression share 17 of 18 pairs.
  names = distinct(flatten([for u in local.unknown : concat([u.attribute], u.known)]))
  pairs = { for name in local.names : name => toset([for i in range(max(length(name) - 1, 0)) : lower(substr(name, i, 2))]) }
  likeness = [for u in local.unknown : { for name in u.known : name => (
    2 * length(setintersection(local.pairs[u.attribute], local.pairs[name])) / max(length(local.pairs[u.attribute]) + length(local.pairs[name]), 1)
  ) }]
  # Half alike or more is a likely typo; otherwise the message lists every known name.
  closest = [for i, u in local.unknown : [
    for name in u.known : name if local.likeness[i][name] == max(values(local.likeness[i])...) && local.likeness[i][name] >= 0.5
  ]]
  problems = [for i, u in local.unknown : merge(u, {
    text = "unknown attribute ${u.path}${u.attribute}: ${length(local.closest[i]) > 0 ? "did you mean ${u.path}${local.closest[i][0]}?" : "known are ${join(", ", [for name in u.known : "${u.path}${name}"])}"} (Terraform would drop it without a word)"
  })]
}
