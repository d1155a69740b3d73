# The registry: what the module deployed, written to the state table for the audit and
# the status and doctor commands (lambda_src/sfn_deadline_monitor/state/registry.py), so that
# they judge what AWS holds against what Terraform meant. The `registry` item holds the
# module's resources and the number of monitor chunks; each `registry#NN` item holds up
# to 100 monitors: about 610 bytes each with the longest names and ARNs and a deadline
# schedule (tests/scale.tftest.hcl holds 100 of them under a quarter of DynamoDB's 400 KB
# item limit), about 100 more for each start or at-risk schedule
# (docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html).
locals {
  monitors_per_registry_item = 100
  dynamodb_item_bytes        = 400 * 1024

  registry_monitors = { for key, m in local.monitors : key => {
    state_machine_arn = m.state_machine_arn
    role_arn          = m.role_arn
    timezone          = m.timezone
    lookback_minutes  = m.lookback_minutes
    enabled           = m.enabled
    # Each kind's schedule is named after the monitor, in that kind's group (the audit's
    # is the module's, not a monitor's).
    schedules = { for kind, schedules in local.schedules : kind => {
      expression = schedules[key].schedule_expression, start_date = schedules[key].start_date, end_date = schedules[key].end_date
    } if kind != "audit" && can(schedules[key]) }
    failure_rule = try("${local.failure_rule_prefix}${local.failure_rule_by_monitor[key]}", null)
  } }
  registry_chunks = {
    for index, keys in chunklist(sort(keys(local.monitors)), local.monitors_per_registry_item) : format("%02d", index) => keys
  }

  # Discovery's settings only while it is on: the item of a module without it stays as
  # it was.
  manifest = merge({
    name            = var.name
    region          = local.region
    function_arn    = aws_lambda_function.this.arn
    alert_topic_arn = local.topic_arn
    alarm_topic_arn = local.alarm_topic
    event_bus_arn   = local.event_bus_arn
    schedule_groups = { for kind, group in local.schedule_groups : kind => group if group != null }
    audit           = local.audit.enabled ? { schedule = "audit", grace_minutes = local.audit.grace_minutes, message_format = local.audit.message_format } : null
    queues = {
      undelivered    = aws_sqs_queue.undelivered.url
      check_failures = aws_sqs_queue.check_failures.url
    }
    failure_rules = local.failure_rule_names
    alarms        = [for key in keys(local.health_alarms) : "${local.alarm_name_prefix}${key}"]
    kms_keys = { for use, key in {
      alert_topic    = var.sns_topic_kms_key_arn
      alarm_topic    = local.alarm_topic_key_arn
      failure_queues = var.dead_letter_queue_kms_key_arn
      logs           = var.log_kms_key_arn
      state_table    = var.state_table_kms_key_arn
      schedules      = var.schedule_kms_key_arn
    } : use => key if key != null }
    key_policies = local.kms_key_policies
    # What each role's permissions boundary must allow: doctor evaluates every action.
    roles = {
      check_function = { arn = aws_iam_role.lambda.arn, actions = local.role_actions.check_function }
      scheduler      = { arn = aws_iam_role.scheduler.arn, actions = local.role_actions.scheduler }
    }
  }, { for key, settings in { discovery = local.discovery_manifest } : key => settings if local.discovery.enabled })
}

resource "aws_dynamodb_table_item" "manifest" {
  count = var.create_state_table ? 1 : 0

  table_name = aws_dynamodb_table.state[0].name
  hash_key   = aws_dynamodb_table.state[0].hash_key
  item = jsonencode({
    pk       = { S = "registry" }
    manifest = { S = jsonencode(local.manifest) }
    chunks   = { N = tostring(length(local.registry_chunks)) }
  })

  # With discovery the manifest holds every calendar's dates; checked once its ARNs are
  # known (characters: ASCII but for a tag prefix).
  lifecycle {
    precondition {
      condition     = length(jsonencode(local.manifest)) < local.dynamodb_item_bytes - 1024
      error_message = "${var.name}: The registry's manifest would be ${length(jsonencode(local.manifest))} characters, over DynamoDB's ${local.dynamodb_item_bytes} bytes an item: discovery carries the dates of every calendar (${sum(concat([0], [for c in values(local.calendar_contracts) : length(c.exclude_dates)]))} now); keep fewer of them (past dates are no longer needed)."
    }
  }
}

resource "aws_dynamodb_table_item" "registry" {
  for_each = var.create_state_table ? local.registry_chunks : {}

  table_name = aws_dynamodb_table.state[0].name
  hash_key   = aws_dynamodb_table.state[0].hash_key
  item = jsonencode({
    pk       = { S = "registry#${each.key}" }
    monitors = { S = jsonencode({ for key in each.value : key => local.registry_monitors[key] }) }
  })
}
