# The check function's role: read the monitored executions (or assume the member roles
# that may), publish to the one topic, keep its state, write its own log group, and for
# the audit list the schedules and state machines and count the failure queues' messages.
# Nothing else. The Scheduler's role: invoke the function, dead-letter what it cannot deliver.
#
# Policies are written with jsonencode, whose output has no white space, so their length
# is the size IAM counts against its limits (docs.aws.amazon.com/IAM/latest/UserGuide/
# reference_iam-quotas.html): 10,240 characters for a role's inline policies together,
# 6,144 for a managed policy, 10 managed policies per role by default. The grants that
# grow with the monitors go into managed policies of 20 monitors each, which stay under
# 6,144 characters whatever the state machines' names (80 characters at most).
locals {
  iam_inline_policy_characters  = 10240
  iam_managed_policy_characters = 6144
  monitors_per_read_policy      = 20

  # Monitors whose state machine the function reads with its own role.
  own_reads = { for key, m in local.monitors : key => m if m.role_arn == null }
  # Exact grants, 20 monitors a policy, keyed by position in the sorted monitor names.
  read_policy_monitors = local.read_scope != null ? {} : {
    for index, keys in chunklist(sort(keys(local.monitors)), local.monitors_per_read_policy) : format("%02d", index) => keys
  }
  # With a read scope, one grant per name prefix instead, in the inline policy.
  scoped_state_machine_arns = local.read_scope == null ? [] : [
    for prefix in local.read_scope.state_machine_name_prefixes : "arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:${prefix}*"
  ]

  read_policies = { for id, keys in local.read_policy_monitors : id => jsonencode({
    Version = "2012-10-17"
    Statement = [for statement in [
      { Sid = "ReadMonitoredStateMachines", Action = "states:ListExecutions", Resource = distinct([for key in keys : local.base_state_machine_arns[key] if local.monitors[key].role_arn == null]) },
      { Sid = "ReadMonitoredExecutions", Action = "states:DescribeExecution", Resource = distinct([for key in keys : local.execution_arn_patterns[key] if local.monitors[key].role_arn == null]) },
      { Sid = "AssumeMemberRoles", Action = "sts:AssumeRole", Resource = distinct([for key in keys : local.monitors[key].role_arn if local.monitors[key].role_arn != null]) },
    ] : merge({ Effect = "Allow" }, statement) if length(statement.Resource) > 0]
  }) }

  # What a role needs of a key to use it through each service: only the operations that
  # service calls on the role's behalf, and (below) only through that service
  # (kms:ViaService, which SNS, SQS and DynamoDB support: docs.aws.amazon.com/kms/latest/
  # developerguide/conditions-kms.html#conditions-kms-via-service). kms.tf's key policies
  # grant the function the same.
  # - SQS: "the producer must have the kms:GenerateDataKey and kms:Decrypt permissions for
  #   the KMS key" (docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/
  #   sqs-key-management.html); Lambda sends the on-failure records with the same role.
  # - SNS encrypts as SQS does, and AWS's own grants for services that publish to an
  #   encrypted topic name exactly "kms:GenerateDataKey", "kms:Decrypt" (docs.aws.amazon.com/
  #   sms-voice/latest/userguide/configuration-sets-sns-creating-role.html). SNS's page
  #   (sns/latest/dg/sns-key-management.html) writes kms:GenerateDataKey*, whose other
  #   operations SNS does not call.
  # - DynamoDB: "To decrypt the table key, DynamoDB sends a Decrypt request to AWS KMS
  #   [...] The user is the principal in your AWS account who is accessing the table"
  #   (docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html); the other
  #   operations it lists are asked of whoever creates the table, not of its readers.
  # - Scheduler: whoever creates or updates a schedule whose input a customer managed key
  #   encrypts needs kms:DescribeKey, kms:GenerateDataKey and kms:Decrypt on it
  #   (docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html), as kms.tf's
  #   key policy says of whoever applies; the page names no kms:ViaService, so none here.
  key_actions = {
    sns       = ["kms:GenerateDataKey", "kms:Decrypt"]
    sqs       = ["kms:GenerateDataKey", "kms:Decrypt"]
    dynamodb  = ["kms:Decrypt"]
    scheduler = ["kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt"]
  }

  # Keys the function uses, by a stable name for its policy statement: discovery writes
  # schedules with the schedules' key.
  lambda_key_uses = { for name, use in {
    AlertTopic          = { key = var.sns_topic_kms_key_arn, service = "sns" }
    FailureQueues       = { key = var.dead_letter_queue_kms_key_arn, service = "sqs" }
    StateTable          = { key = var.create_state_table ? var.state_table_kms_key_arn : null, service = "dynamodb" }
    DiscoveredSchedules = { key = local.discovery.enabled ? var.schedule_kms_key_arn : null, service = "scheduler" }
  } : name => merge(use, { actions = local.key_actions[use.service] }) if use.key != null }

  # Discovery (discovery.tf), in the audit's invocation: find the tagged state machines
  # (GetResources takes no resource: docs.aws.amazon.com/service-authorization/latest/
  # reference/list_resourcegroupstaggingapi.html); keep their schedules in discovery's
  # groups alone (resource type schedule, arn:...:schedule/<group>/<name>) with the
  # Scheduler's role, which CreateSchedule and UpdateSchedule pass: iam:PassRole with
  # iam:PassedToService scheduler.amazonaws.com (reference/list_scheduler.html); assume the
  # member roles that find and read them in other accounts.
  discovery_statements = [for statement in [
    { Sid = "DiscoverTaggedStateMachines", Effect = "Allow", Action = "tag:GetResources", Resource = ["*"] },
    {
      Sid      = "KeepDiscoveredSchedules", Effect = "Allow", Action = ["scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule"]
      Resource = [for group in local.scheduler_group_sets.discovered : "arn:${local.partition}:scheduler:${local.region}:${local.account_id}:schedule/${group}/*"]
    },
    {
      Sid       = "PassSchedulerRole", Effect = "Allow", Action = "iam:PassRole", Resource = local.arns.scheduler_role
      Condition = { StringEquals = { "iam:PassedToService" = "scheduler.amazonaws.com" } }
    },
    # Every state machine of this account and region tagged <prefix>deadline, and their
    # executions, without a statement per monitor: the statemachine and the execution
    # resource types both take aws:ResourceTag/${TagKey} (reference/list_stepfunctions.html;
    # its 2023 edition listed it for statemachine alone). Only state machines and
    # activities take tags (step-functions/latest/apireference/API_TagResource.html), so an
    # execution's must be its state machine's: not yet tried on a live account.
    { Sid = "ReadTaggedStateMachines", Effect = "Allow", Action = "states:ListExecutions", Resource = ["arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:*"], Condition = local.discovery_tag_condition },
    { Sid = "ReadTaggedExecutions", Effect = "Allow", Action = "states:DescribeExecution", Resource = ["arn:${local.partition}:states:${local.region}:${local.account_id}:execution:*:*"], Condition = local.discovery_tag_condition },
    { Sid = "AssumeDiscoveryRoles", Effect = "Allow", Action = "sts:AssumeRole", Resource = local.discovery_role_arns },
  ] : statement if local.discovery.enabled && length(statement.Resource) > 0]

  lambda_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{ Sid = "WriteOwnLogs", Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "${local.arns.log_group}:*" }],
      local.read_scope == null ? [] : [
        { Sid = "ReadStateMachinesInScope", Effect = "Allow", Action = "states:ListExecutions", Resource = local.scoped_state_machine_arns },
        { Sid = "ReadExecutionsInScope", Effect = "Allow", Action = "states:DescribeExecution", Resource = [for arn in local.scoped_state_machine_arns : "${replace(arn, ":stateMachine:", ":execution:")}:*"] },
      ],
      local.read_scope == null || length(local.own_reads) == length(local.monitors) ? [] : [
        { Sid = "AssumeMemberRoles", Effect = "Allow", Action = "sts:AssumeRole", Resource = distinct([for m in values(local.monitors) : m.role_arn if m.role_arn != null]) },
      ],
      var.create_state_table ? [
        { Sid = "RememberChecks", Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], Resource = local.arns.state_table },
      ] : [],
      # The audit lists the schedules (ListSchedules takes no resource: docs.aws.amazon.com/
      # service-authorization/latest/reference/list_amazoneventbridgescheduler.html) and
      # counts the messages in the failure queues.
      [for statement in [
        { Sid = "AuditSchedules", Effect = "Allow", Action = "scheduler:ListSchedules", Resource = ["*"] },
        { Sid = "AuditQueues", Effect = "Allow", Action = "sqs:GetQueueAttributes", Resource = [local.arns.undelivered, local.arns.check_failures] },
        # It lists the state machines (names and types), to find monitored ones that do not
        # exist or are EXPRESS. ListStateMachines is among the "API actions that do not act
        # on a specific resource" (docs.aws.amazon.com/step-functions/latest/dg/
        # concept-create-iam-advanced.html), and has no resource type: "you must specify all
        # resources ("*")" (docs.aws.amazon.com/service-authorization/latest/reference/
        # list_awsstepfunctions.html).
        { Sid = "AuditStateMachines", Effect = "Allow", Action = "states:ListStateMachines", Resource = ["*"] },
      ] : statement if local.audit.enabled],
      local.discovery_statements,
      [
        { Sid = "PublishAlerts", Effect = "Allow", Action = "sns:Publish", Resource = local.arns.alert_topic },
        { Sid = "KeepFailedChecks", Effect = "Allow", Action = "sqs:SendMessage", Resource = local.arns.check_failures },
      ],
      # PutEvents on the named bus only, and only events of the module's own source (the
      # event-bus resource type and the events:source key: docs.aws.amazon.com/
      # service-authorization/latest/reference/list_amazoneventbridge.html). events:source
      # holds a value per entry, so it takes a set operator, and Null false, as
      # ForAllValues alone holds for a request without it (IAM/latest/UserGuide/
      # reference_policies_condition-single-vs-multi-valued-context-keys.html). A bus
      # encrypted with a customer managed key needs nothing of the sender: its key policy
      # admits EventBridge itself (eventbridge/latest/userguide/eb-encryption-key-policy.html).
      local.event_bus_arn == null ? [] : [{
        Sid = "PutAlertEvents", Effect = "Allow", Action = "events:PutEvents", Resource = local.event_bus_arn
        Condition = {
          "ForAllValues:StringEquals" = { "events:source" = [local.alert_event_source] }
          Null                        = { "events:source" = "false" }
        }
      }],
      # Publishing to an encrypted topic, sending to an encrypted queue and reading an
      # encrypted state table each need the key, through that service; writing discovered
      # schedules needs the schedules' key (key_actions).
      [for name, use in local.lambda_key_uses : merge(
        { Sid = "UseKey${name}", Effect = "Allow", Action = use.actions, Resource = use.key },
        use.service == "scheduler" ? {} : { Condition = { StringEquals = { "kms:ViaService" = "${use.service}.${local.region}.amazonaws.com" } } },
      )],
    )
  })

  # The key of an encrypted dead-letter queue, through SQS as above; the key of the
  # schedules' input, which the role decrypts at each invocation: its "execution role
  # permissions policy" is kms:Decrypt on the key, and AWS's example of it carries no
  # condition (docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html).
  scheduler_key_uses = { for name, use in {
    DeadLetterQueue = { key = var.dead_letter_queue_kms_key_arn, service = "sqs", actions = local.key_actions.sqs }
    ScheduleInput   = { key = var.schedule_kms_key_arn, service = null, actions = ["kms:Decrypt"] }
  } : name => use if use.key != null }

  scheduler_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        { Sid = "InvokeCheck", Effect = "Allow", Action = "lambda:InvokeFunction", Resource = local.arns.function },
        { Sid = "DeadLetter", Effect = "Allow", Action = "sqs:SendMessage", Resource = local.arns.undelivered },
      ],
      [for name, use in local.scheduler_key_uses : merge(
        { Sid = "UseKey${name}", Effect = "Allow", Action = use.actions, Resource = use.key },
        use.service == null ? {} : { Condition = { StringEquals = { "kms:ViaService" = "${use.service}.${local.region}.amazonaws.com" } } },
      )],
    )
  })
}

resource "aws_iam_role" "lambda" {
  name                 = "${var.name}-sfn-deadline-check"
  path                 = var.iam_role_path
  permissions_boundary = var.iam_permissions_boundary_arn
  tags                 = var.tags
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })

}

resource "aws_iam_role_policy" "lambda" {
  name   = "sfn-deadline-check"
  role   = aws_iam_role.lambda.id
  policy = local.lambda_policy

  lifecycle {
    precondition {
      condition     = length(local.lambda_policy) <= local.iam_inline_policy_characters
      error_message = "${var.name}: The check function's inline policy would be ${length(local.lambda_policy)} characters, over IAM's limit of ${local.iam_inline_policy_characters} for a role's inline policies: list fewer read_scope prefixes or fewer member roles (monitors' role_arn, discovery.member_role_arns)."
    }
  }
}

resource "aws_iam_policy" "read" {
  for_each = local.read_policies

  name        = "${var.name}-sfn-deadline-read-${each.key}"
  path        = var.iam_role_path
  description = "Lets the ${var.name} deadline check read the executions of 20 of its monitors' state machines."
  policy      = each.value
  tags        = var.tags

  lifecycle {
    precondition {
      condition     = length(each.value) <= local.iam_managed_policy_characters
      error_message = "${var.name}: Read policy ${each.key} would be ${length(each.value)} characters, over IAM's limit of ${local.iam_managed_policy_characters} for a managed policy."
    }
  }
}

resource "aws_iam_role_policy_attachment" "read" {
  for_each = aws_iam_policy.read

  role       = aws_iam_role.lambda.name
  policy_arn = each.value.arn
}

resource "aws_iam_role" "scheduler" {
  name                 = local.names.scheduler_role
  path                 = var.iam_role_path
  permissions_boundary = var.iam_permissions_boundary_arn
  tags                 = var.tags
  # Only this module's schedule groups may use the role: "The value of aws:SourceArn must
  # be your EventBridge Scheduler schedule group ARN ... Do not scope the aws:SourceArn
  # statement to a specific schedule or a schedule name prefix"
  # (docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html).
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "scheduler.amazonaws.com" }
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnEquals    = { "aws:SourceArn" = [for group in local.scheduler_groups : "arn:${local.partition}:scheduler:${local.region}:${local.account_id}:schedule-group/${group}"] }
      }
    }]
  })
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "sfn-deadline-scheduler"
  role   = aws_iam_role.scheduler.id
  policy = local.scheduler_policy
}

# What each role may do, read from its policies above (never listed twice): the
# role_actions and permissions_boundary_policy outputs, for an estate whose boundary must
# allow them. Names only, no resource's attribute, so a boundary built from them can be
# attached to the roles in the same apply.
locals {
  role_actions = {
    check_function = sort(distinct(flatten([
      for policy in concat([local.lambda_policy], values(local.read_policies)) : [for statement in jsondecode(policy).Statement : statement.Action]
    ])))
    scheduler = sort(distinct(flatten([for statement in jsondecode(local.scheduler_policy).Statement : statement.Action])))
  }
}
