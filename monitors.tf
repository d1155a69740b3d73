# Every monitor as the module reads it: its ARNs parsed once, its checks, and every schedule
# expression it sets. The rules each must follow are in validation.tf.
locals {
  # The same pattern as the function's check/contract.py; tests keep the two equal.
  state_machine_arn_regex = trimspace(file("${path.module}/data/state-machine-arn.regex"))
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
}
