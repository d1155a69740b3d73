# The role the monitor's check function assumes to read executions in this (member)
# account. It can read the listed state machines' executions (and, with discovery, those of
# the state machines tagged for it), and list the account's state machines for the audit;
# nothing else.
#
# As in the root module, the grants that grow with the state machines go into managed
# policies of 20 state machines each, under IAM's 6,144 characters whatever the names;
# a role holds 10 managed policies by default, so up to 200 state machines. More need
# state_machine_name_prefixes, granted in the inline policy.
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  # The root module's pattern (data/state-machine-arn.regex), read from the same file.
  state_machine_arn_regex   = trimspace(file("${path.module}/../../data/state-machine-arn.regex"))
  state_machines_per_policy = 20

  # arn:<partition>:iam::<account>:role/<path/>name
  monitor_partition  = split(":", var.monitor_role_arn)[1]
  monitor_account_id = split(":", var.monitor_role_arn)[4]

  # IAM authorizes calls on a version or alias through the state machine's own ARN, and
  # execution ARNs carry the state machine's name without the qualifier.
  state_machine_arns = [for arn in var.state_machine_arns : join(":", slice(split(":", arn), 0, 7))]
  policy_state_machines = { for index in range(ceil(length(local.state_machine_arns) / local.state_machines_per_policy)) : format("%02d", index) => distinct(slice(
    local.state_machine_arns,
    index * local.state_machines_per_policy,
    min(length(local.state_machine_arns), (index + 1) * local.state_machines_per_policy),
  )) }
  read_policies = { for id, arns in local.policy_state_machines : id => jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "ReadMonitoredStateMachines", Effect = "Allow", Action = "states:ListExecutions", Resource = arns },
      { Sid = "ReadMonitoredExecutions", Effect = "Allow", Action = "states:DescribeExecution", Resource = [for arn in arns : "${replace(arn, ":stateMachine:", ":execution:")}:*"] },
    ]
  }) }
  # This account's and region's Step Functions resources.
  account_arn_prefix = "arn:${local.monitor_partition}:states:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}"
  scoped_state_machine_arns = [
    for prefix in var.state_machine_name_prefixes : "${local.account_arn_prefix}:stateMachine:${prefix}*"
  ]
  # A discovered state machine carries <prefix>deadline, whatever its value.
  discovery_tag_condition = { Null = { for prefix in compact([var.discovery_tag_prefix]) : "aws:ResourceTag/${prefix}deadline" => "false" } }
}

resource "aws_iam_role" "this" {
  name                 = var.name
  description          = "Lets the Step Functions deadline monitor (${var.monitor_role_arn}) read the executions of this account's monitored state machines."
  path                 = var.iam_role_path
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags

  # The monitoring account, narrowed to the monitor's role by its ARN. Naming the role
  # itself as principal would break when it is re-created (IAM stores a role principal by
  # its unique ID) and would fail while the role does not exist yet, so this role can be
  # applied before, after or together with the monitor.
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow", Action = "sts:AssumeRole"
      Principal = { AWS = "arn:${local.monitor_partition}:iam::${local.monitor_account_id}:root" }
      Condition = { ArnEquals = { "aws:PrincipalArn" = var.monitor_role_arn } }
    }]
  })

  lifecycle {
    # A role grants access to its own account's state machines only (Step Functions has
    # no resource policies): one member role per account.
    precondition {
      condition     = alltrue([for arn in local.state_machine_arns : split(":", arn)[4] == data.aws_caller_identity.current.account_id])
      error_message = "state_machine_arns must be in this role's account (${data.aws_caller_identity.current.account_id}); deploy one member role per account. Not in it: ${join(", ", [for arn in local.state_machine_arns : arn if split(":", arn)[4] != data.aws_caller_identity.current.account_id])}."
    }
    precondition {
      condition     = length(local.read_policies) <= var.iam_managed_policies_per_role
      error_message = "Reading ${length(local.state_machine_arns)} state machines by their exact ARNs takes ${length(local.read_policies)} managed policies (20 each), and an IAM role holds ${var.iam_managed_policies_per_role} (quota 'Managed policies per role'). List name prefixes in state_machine_name_prefixes instead, or, once AWS has raised the quota for this account, set iam_managed_policies_per_role."
    }
  }
}

resource "aws_iam_policy" "read" {
  for_each = local.read_policies

  name        = "${var.name}-${each.key}"
  path        = var.iam_role_path
  description = "Lets the Step Functions deadline monitor read the executions of 20 of this account's state machines."
  policy      = each.value
  tags        = var.tags

  lifecycle {
    precondition {
      condition     = length(each.value) <= 6144
      error_message = "Read policy ${each.key} would be ${length(each.value)} characters, over IAM's limit of 6,144 for a managed policy."
    }
  }
}

resource "aws_iam_role_policy_attachment" "read" {
  for_each = aws_iam_policy.read

  role       = aws_iam_role.this.name
  policy_arn = each.value.arn
}

# With name prefixes: every state machine of this account and region they cover.
resource "aws_iam_role_policy" "scoped" {
  count = length(var.state_machine_name_prefixes) > 0 ? 1 : 0

  name = "sfn-deadline-read"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "ReadStateMachinesInScope", Effect = "Allow", Action = "states:ListExecutions", Resource = local.scoped_state_machine_arns },
      { Sid = "ReadExecutionsInScope", Effect = "Allow", Action = "states:DescribeExecution", Resource = [for arn in local.scoped_state_machine_arns : "${replace(arn, ":stateMachine:", ":execution:")}:*"] },
    ]
  })
}

# Discovery by tag: the monitor's audit finds this account's state machines tagged
# <prefix>deadline and reads their executions, without a grant per state machine. As the
# root module grants its own function (its iam.tf says where each rule is documented):
# GetResources takes no resource, and both the statemachine and the execution resource
# types take aws:ResourceTag/${TagKey} (docs.aws.amazon.com/service-authorization/latest/
# reference/list_stepfunctions.html).
resource "aws_iam_role_policy" "discovery" {
  count = var.discovery_tag_prefix != null ? 1 : 0

  name = "sfn-deadline-discover"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "DiscoverTaggedStateMachines", Effect = "Allow", Action = "tag:GetResources", Resource = "*" },
      { Sid = "ReadTaggedStateMachines", Effect = "Allow", Action = "states:ListExecutions", Resource = "${local.account_arn_prefix}:stateMachine:*", Condition = local.discovery_tag_condition },
      { Sid = "ReadTaggedExecutions", Effect = "Allow", Action = "states:DescribeExecution", Resource = "${local.account_arn_prefix}:execution:*:*", Condition = local.discovery_tag_condition },
    ]
  })
}

# The monitor's audit checks that each monitored state machine exists and is STANDARD: it
# lists this account's state machines (names and types; no definition, no execution).
# ListStateMachines has no resource type, so "*": "you must specify all resources ("*")"
# (docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html).
resource "aws_iam_role_policy" "list" {
  name = "sfn-deadline-list"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "ListStateMachines", Effect = "Allow", Action = "states:ListStateMachines", Resource = "*" }]
  })
}
