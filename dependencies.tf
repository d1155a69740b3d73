# Dependencies between monitors (upstream): which monitors a monitor's job waits for, which
# wait for it, and what its checks' inputs carry of them (docs/beyond-the-deadline.md#dependencies).
locals {
  # Each monitor's upstream monitors that exist, itself left out: the others are reported
  # (validation.tf), not followed.
  upstream_edges = { for key, m in local.monitors : key => distinct([for name in m.upstream : name if name != key && can(local.monitors[name])]) }

  # The monitors each one reaches upstream, by doubling: after step n, those within 2^n
  # edges. Ten steps follow a chain of 1,024 monitors; a monitor that reaches itself is
  # in a cycle.
  upstream_reach_1  = { for key, r in local.upstream_edges : key => distinct(concat(r, flatten([for u in r : local.upstream_edges[u]]))) }
  upstream_reach_2  = { for key, r in local.upstream_reach_1 : key => distinct(concat(r, flatten([for u in r : local.upstream_reach_1[u]]))) }
  upstream_reach_3  = { for key, r in local.upstream_reach_2 : key => distinct(concat(r, flatten([for u in r : local.upstream_reach_2[u]]))) }
  upstream_reach_4  = { for key, r in local.upstream_reach_3 : key => distinct(concat(r, flatten([for u in r : local.upstream_reach_3[u]]))) }
  upstream_reach_5  = { for key, r in local.upstream_reach_4 : key => distinct(concat(r, flatten([for u in r : local.upstream_reach_4[u]]))) }
  upstream_reach_6  = { for key, r in local.upstream_reach_5 : key => distinct(concat(r, flatten([for u in r : local.upstream_reach_5[u]]))) }
  upstream_reach_7  = { for key, r in local.upstream_reach_6 : key => distinct(concat(r, flatten([for u in r : local.upstream_reach_6[u]]))) }
  upstream_reach_8  = { for key, r in local.upstream_reach_7 : key => distinct(concat(r, flatten([for u in r : local.upstream_reach_7[u]]))) }
  upstream_reach_9  = { for key, r in local.upstream_reach_8 : key => distinct(concat(r, flatten([for u in r : local.upstream_reach_8[u]]))) }
  upstream_reach_10 = { for key, r in local.upstream_reach_9 : key => distinct(concat(r, flatten([for u in r : local.upstream_reach_9[u]]))) }

  # The monitors that name each one upstream: its alerts list them. Grouped from the edges
  # (`...`), not by asking every monitor of every other: that was a million steps of plan
  # at 1,000 monitors.
  downstream_edges = { for edge in flatten([for other, edges in local.upstream_edges : [for key in edges : { key = key, other = other }]]) : edge.key => edge.other... }
  downstream_of    = { for key in keys(local.monitors) : key => sort(try(local.downstream_edges[key], [])) }

  dependency_problems = { for key, m in local.monitors : key => concat(
    [for name in m.upstream : "upstream ${name} is not a monitor of this module: name one of its monitors' keys" if name != key && !can(local.monitors[name])],
    contains(m.upstream, key) ? ["upstream names the monitor itself: a job cannot wait for itself"] : [],
    contains(local.upstream_reach_10[key], key) ? ["upstream makes a cycle (${key} waits, through its upstream monitors, for itself): remove one of the edges"] : [],
    !m.upstream_suppresses || length(m.upstream) > 0 ? [] : ["upstream_suppresses needs upstream: name the monitors whose problems explain this one's"],
  ) }

  # What each monitor's check inputs carry of its dependencies (check/dependencies.py):
  # only the monitors that have some.
  dependency_inputs = { for key, m in local.monitors : key => merge(
    length(local.upstream_edges[key]) == 0 ? {} : { upstream = local.upstream_edges[key] },
    m.upstream_suppresses ? { upstream_suppresses = true } : {},
    length(local.downstream_of[key]) == 0 ? {} : { downstream = local.downstream_of[key] },
  ) }
}
