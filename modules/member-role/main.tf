# The role the monitor's check function assumes to read executions in this (member)
# account. It can read the listed state machines' executions and nothing else.
data "aws_caller_identity" "current" {}

locals {
  # The root module's state_machine_arn rule: a state machine, or one of its versions or
  # aliases. The validation rule and its message share this copy; repeated inside the
  # message's interpolation, the regex is more than checkov's HCL parser can read.
  state_machine_arn_regex = "^arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[^\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/]{1,80}(:[A-Za-z0-9_.-]{1,80})?$"

  # arn:<partition>:iam::<account>:role/<path/>name
  monitor_partition  = split(":", var.monitor_role_arn)[1]
  monitor_account_id = split(":", var.monitor_role_arn)[4]

  # IAM authorizes calls on a version or alias through the state machine's own ARN, and
  # execution ARNs carry the state machine's name without the qualifier.
  state_machine_arns = toset([for arn in var.state_machine_arns : join(":", slice(split(":", arn), 0, 7))])
  execution_arns     = toset([for arn in local.state_machine_arns : "${replace(arn, ":stateMachine:", ":execution:")}:*"])
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    # The monitoring account, narrowed to the monitor's role by its ARN. Naming the role
    # itself as principal would break when it is re-created (IAM stores a role principal
    # by its unique ID) and would fail while the role does not exist yet, so this role
    # can be applied before, after or together with the monitor.
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.monitor_partition}:iam::${local.monitor_account_id}:root"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:PrincipalArn"
      values   = [var.monitor_role_arn]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = var.name
  description          = "Lets the Step Functions deadline monitor (${var.monitor_role_arn}) read the executions of this account's monitored state machines."
  path                 = var.iam_role_path
  permissions_boundary = var.permissions_boundary_arn
  max_session_duration = var.max_session_duration
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  tags                 = var.tags
}

# What the check calls: ListExecutions, DescribeStateMachine (to tell an EXPRESS state
# machine from one that did not run) and DescribeExecution (a failed run's error).
data "aws_iam_policy_document" "this" {
  statement {
    sid       = "ReadMonitoredStateMachines"
    actions   = ["states:ListExecutions", "states:DescribeStateMachine"]
    resources = local.state_machine_arns
  }

  statement {
    sid       = "ReadMonitoredExecutions"
    actions   = ["states:DescribeExecution"]
    resources = local.execution_arns
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "sfn-deadline-read"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json

  lifecycle {
    # A role grants access to its own account's state machines only (Step Functions has
    # no resource policies): one member role per account.
    precondition {
      condition     = alltrue([for arn in local.state_machine_arns : split(":", arn)[4] == data.aws_caller_identity.current.account_id])
      error_message = "state_machine_arns must be in this role's account (${data.aws_caller_identity.current.account_id}); deploy one member role per account. Not in it: ${join(", ", [for arn in local.state_machine_arns : arn if split(":", arn)[4] != data.aws_caller_identity.current.account_id])}."
    }
  }
}
