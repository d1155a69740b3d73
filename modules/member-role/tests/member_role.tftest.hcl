# Assertions on the member role, and every validation rule rejecting bad input
# (expect_failures), with a mocked AWS provider: no account needed.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "222233334444"
    }
  }
  mock_data "aws_region" {
    defaults = {
      id   = "eu-west-1"
      name = "eu-west-1"
    }
  }
  mock_resource "aws_iam_policy" {
    defaults = {
      arn = "arn:aws:iam::222233334444:policy/mocked"
    }
  }
}

variables {
  name             = "ops-sfn-deadline-read"
  monitor_role_arn = "arn:aws:iam::111122223333:role/monitoring/ops-sfn-deadline-check"
  state_machine_arns = [
    "arn:aws:states:eu-west-1:222233334444:stateMachine:etl",
    "arn:aws:states:eu-west-1:222233334444:stateMachine:billing:prod",
    "arn:aws:states:eu-west-1:222233334444:stateMachine:billing:3",
  ]
}

run "trusts_only_the_monitor_role" {
  command = plan

  assert {
    condition = jsondecode(aws_iam_role.this.assume_role_policy) == {
      Version = "2012-10-17"
      Statement = [{
        Effect    = "Allow"
        Action    = "sts:AssumeRole"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Condition = { ArnEquals = { "aws:PrincipalArn" = "arn:aws:iam::111122223333:role/monitoring/ops-sfn-deadline-check" } }
      }]
    }
    error_message = "The trust is a plain Allow of sts:AssumeRole to the monitoring account (a role principal would break when the role is re-created), only for the monitor's role, by its ARN with path."
  }
}

run "trust_follows_the_partition" {
  command = plan

  variables {
    monitor_role_arn   = "arn:aws-cn:iam::111122223333:role/ops-sfn-deadline-check"
    state_machine_arns = ["arn:aws-cn:states:cn-north-1:222233334444:stateMachine:etl"]
  }

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal.AWS == "arn:aws-cn:iam::111122223333:root"
    error_message = "The principal is in the monitor role's partition."
  }
}

run "reads_the_state_machines_and_nothing_else" {
  command = plan

  assert {
    condition = jsondecode(aws_iam_policy.read["00"].policy).Statement == [
      {
        Sid      = "ReadMonitoredStateMachines", Effect = "Allow", Action = "states:ListExecutions"
        Resource = ["arn:aws:states:eu-west-1:222233334444:stateMachine:etl", "arn:aws:states:eu-west-1:222233334444:stateMachine:billing"]
      },
      {
        Sid      = "ReadMonitoredExecutions", Effect = "Allow", Action = "states:DescribeExecution"
        Resource = ["arn:aws:states:eu-west-1:222233334444:execution:etl:*", "arn:aws:states:eu-west-1:222233334444:execution:billing:*"]
      },
    ]
    error_message = "The role may list the state machines' executions and describe them, nothing else; a version or alias is granted through its state machine."
  }

  assert {
    condition     = keys(aws_iam_role_policy_attachment.read) == ["00"] && length(aws_iam_role_policy.scoped) == 0
    error_message = "Three state machines take one managed policy, attached to the role, and no inline policy."
  }
}

run "twenty_state_machines_a_policy" {
  command = plan

  variables {
    state_machine_arns = [for n in range(45) : format("arn:aws:states:eu-west-1:222233334444:stateMachine:job-%02d", n)]
  }

  assert {
    condition     = keys(aws_iam_policy.read) == ["00", "01", "02"] && aws_iam_policy.read["02"].name == "ops-sfn-deadline-read-02"
    error_message = "Exact grants go 20 state machines to a managed policy."
  }
}

run "name_prefixes_for_many_state_machines" {
  command = plan

  variables {
    state_machine_arns          = []
    state_machine_name_prefixes = ["etl-"]
  }

  assert {
    condition     = length(aws_iam_policy.read) == 0 && jsondecode(aws_iam_role_policy.scoped[0].policy).Statement[*].Resource == [["arn:aws:states:eu-west-1:222233334444:stateMachine:etl-*"], ["arn:aws:states:eu-west-1:222233334444:execution:etl-*:*"]]
    error_message = "Name prefixes grant this account's and region's matching state machines in one inline policy."
  }
}

run "role_settings" {
  command = plan

  variables {
    iam_role_path            = "/monitoring/"
    permissions_boundary_arn = "arn:aws:iam::222233334444:policy/boundary"
    tags                     = { Team = "data-platform" }
  }

  assert {
    condition     = aws_iam_role.this.name == "ops-sfn-deadline-read" && aws_iam_role.this.path == "/monitoring/" && aws_iam_policy.read["00"].path == "/monitoring/"
    error_message = "The role and its policies take the given name and path."
  }

  assert {
    condition     = aws_iam_role.this.permissions_boundary == "arn:aws:iam::222233334444:policy/boundary"
    error_message = "The role takes the given permissions boundary."
  }

  assert {
    condition     = aws_iam_role.this.tags == tomap({ Team = "data-platform" })
    error_message = "The role takes the given tags."
  }
}

run "defaults" {
  command = plan

  assert {
    condition     = aws_iam_role.this.path == "/" && aws_iam_role.this.permissions_boundary == null
    error_message = "By default the role has path / and no boundary."
  }

  assert {
    condition     = length(aws_iam_role_policy.discovery) == 0
    error_message = "Without discovery_tag_prefix the role may not discover anything."
  }
}

run "discovery_reads_tagged_state_machines" {
  command = plan

  variables {
    discovery_tag_prefix = "deadline-monitor:"
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.discovery[0].policy).Statement == [
      { Sid = "DiscoverTaggedStateMachines", Effect = "Allow", Action = "tag:GetResources", Resource = "*" },
      {
        Sid       = "ReadTaggedStateMachines", Effect = "Allow", Action = "states:ListExecutions", Resource = "arn:aws:states:eu-west-1:222233334444:stateMachine:*"
        Condition = { Null = { "aws:ResourceTag/deadline-monitor:deadline" = "false" } }
      },
      {
        Sid       = "ReadTaggedExecutions", Effect = "Allow", Action = "states:DescribeExecution", Resource = "arn:aws:states:eu-west-1:222233334444:execution:*:*"
        Condition = { Null = { "aws:ResourceTag/deadline-monitor:deadline" = "false" } }
      },
    ]
    error_message = "With discovery the role may find tagged resources and read the executions of this account's and region's state machines tagged <prefix>deadline, nothing more."
  }

  assert {
    condition     = keys(aws_iam_policy.read) == ["00"] && length(aws_iam_role_policy.scoped) == 0
    error_message = "Discovery adds to the exact grants; it replaces none of them."
  }
}

run "discovery_alone" {
  command = plan

  variables {
    state_machine_arns   = []
    discovery_tag_prefix = "équipe données/"
  }

  assert {
    condition     = length(aws_iam_policy.read) == 0 && jsondecode(aws_iam_role_policy.discovery[0].policy).Statement[2].Condition.Null == { "aws:ResourceTag/équipe données/deadline" = "false" }
    error_message = "A role for discovered state machines alone needs no ARN or name prefix; any prefix a Step Functions tag may hold works."
  }
}

run "state_machine_in_another_account" {
  command = plan
  variables {
    state_machine_arns = ["arn:aws:states:eu-west-1:999988887777:stateMachine:etl"]
  }
  expect_failures = [aws_iam_role.this]
}

run "more_state_machines_than_managed_policies_allow" {
  command = plan
  variables {
    state_machine_arns = [for n in range(201) : format("arn:aws:states:eu-west-1:222233334444:stateMachine:job-%03d", n)]
  }
  expect_failures = [aws_iam_role.this]
}

run "name_too_long" {
  command = plan
  variables { name = "a-role-name-that-is-far-too-long-for-iam-which-caps-names-at-64-chars" }
  expect_failures = [var.name]
}

run "name_with_a_space" {
  command = plan
  variables { name = "sfn deadline read" }
  expect_failures = [var.name]
}

run "monitor_role_arn_of_a_user" {
  command = plan
  variables { monitor_role_arn = "arn:aws:iam::111122223333:user/ops" }
  expect_failures = [var.monitor_role_arn]
}

run "monitor_role_arn_without_account" {
  command = plan
  variables { monitor_role_arn = "arn:aws:iam:::role/ops-sfn-deadline-check" }
  expect_failures = [var.monitor_role_arn]
}

run "monitor_role_arn_of_a_session" {
  command = plan
  variables { monitor_role_arn = "arn:aws:sts::111122223333:assumed-role/ops-sfn-deadline-check/session" }
  expect_failures = [var.monitor_role_arn]
}

run "no_state_machines" {
  command = plan
  variables { state_machine_arns = [] }
  expect_failures = [var.state_machine_name_prefixes]
}

run "execution_arn_is_not_a_state_machine" {
  command = plan
  variables { state_machine_arns = ["arn:aws:states:eu-west-1:222233334444:execution:etl:run-1"] }
  expect_failures = [var.state_machine_arns]
}

run "name_prefix_with_a_colon" {
  command = plan
  variables { state_machine_name_prefixes = ["etl:prod"] }
  expect_failures = [var.state_machine_name_prefixes]
}

run "quota_beyond_the_maximum" {
  command = plan
  variables { iam_managed_policies_per_role = 30 }
  expect_failures = [var.iam_managed_policies_per_role]
}

run "iam_role_path_without_trailing_slash" {
  command = plan
  variables { iam_role_path = "/monitoring" }
  expect_failures = [var.iam_role_path]
}

run "iam_role_path_with_a_space" {
  command = plan
  variables { iam_role_path = "/team monitoring/" }
  expect_failures = [var.iam_role_path]
}

run "permissions_boundary_is_not_a_policy" {
  command = plan
  variables { permissions_boundary_arn = "arn:aws:iam::222233334444:role/boundary" }
  expect_failures = [var.permissions_boundary_arn]
}

run "discovery_tag_prefix_reserved" {
  command = plan
  variables { discovery_tag_prefix = "AWS:deadline-monitor:" }
  expect_failures = [var.discovery_tag_prefix]
}

run "discovery_tag_prefix_with_a_hash" {
  command = plan
  variables { discovery_tag_prefix = "deadline#" }
  expect_failures = [var.discovery_tag_prefix]
}
