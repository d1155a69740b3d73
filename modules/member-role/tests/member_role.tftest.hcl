# Plan-time assertions on the member role, and every validation rule rejecting bad input
# (expect_failures), with a mocked AWS provider: no account needed. An unset statement
# effect is null under the mock and means Allow.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "222233334444"
    }
  }
  # Policy documents are JSON that IAM resources validate, so the mock must be JSON too.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
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
    condition     = length(data.aws_iam_policy_document.assume.statement) == 1 && data.aws_iam_policy_document.assume.statement[0].actions == toset(["sts:AssumeRole"])
    error_message = "The trust policy has one statement, which allows sts:AssumeRole only."
  }

  assert {
    condition = data.aws_iam_policy_document.assume.statement[0].principals == toset([{
      type        = "AWS"
      identifiers = toset(["arn:aws:iam::111122223333:root"])
    }])
    error_message = "The principal is the monitoring account, parsed from monitor_role_arn (a role principal would break when the role is re-created)."
  }

  assert {
    condition     = length(data.aws_iam_policy_document.assume.statement[0].condition) == 1 && alltrue([for c in data.aws_iam_policy_document.assume.statement[0].condition : c.test == "ArnEquals" && c.variable == "aws:PrincipalArn" && toset(c.values) == toset(["arn:aws:iam::111122223333:role/monitoring/ops-sfn-deadline-check"])])
    error_message = "Only the monitor's role, by its ARN with path, may assume the role."
  }

  assert {
    condition     = coalesce(data.aws_iam_policy_document.assume.statement[0].effect, "Allow") == "Allow" && try(length(data.aws_iam_policy_document.assume.statement[0].not_principals), 0) == 0 && try(length(data.aws_iam_policy_document.assume.statement[0].not_actions), 0) == 0
    error_message = "The trust is a plain Allow, without NotPrincipal or NotAction."
  }
}

run "trust_follows_the_partition" {
  command = plan

  variables {
    monitor_role_arn   = "arn:aws-cn:iam::111122223333:role/ops-sfn-deadline-check"
    state_machine_arns = ["arn:aws-cn:states:cn-north-1:222233334444:stateMachine:etl"]
  }

  assert {
    condition     = one(data.aws_iam_policy_document.assume.statement[0].principals).identifiers == toset(["arn:aws-cn:iam::111122223333:root"])
    error_message = "The principal is in the monitor role's partition."
  }
}

run "reads_the_state_machines_and_nothing_else" {
  command = plan

  assert {
    condition     = toset(data.aws_iam_policy_document.this.statement[*].sid) == toset(["ReadMonitoredStateMachines", "ReadMonitoredExecutions"])
    error_message = "The role's policy holds exactly two statements."
  }

  assert {
    condition     = toset(flatten([for s in data.aws_iam_policy_document.this.statement : tolist(s.actions)])) == toset(["states:ListExecutions", "states:DescribeStateMachine", "states:DescribeExecution"])
    error_message = "The role may call exactly ListExecutions, DescribeStateMachine and DescribeExecution."
  }

  assert {
    condition = one([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "ReadMonitoredStateMachines"]).actions == toset(["states:ListExecutions", "states:DescribeStateMachine"]) && toset(one([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "ReadMonitoredStateMachines"]).resources) == toset([
      "arn:aws:states:eu-west-1:222233334444:stateMachine:etl",
      "arn:aws:states:eu-west-1:222233334444:stateMachine:billing",
    ])
    error_message = "ListExecutions and DescribeStateMachine are granted on the state machines' own ARNs (a version or alias is authorized through its state machine)."
  }

  assert {
    condition = one([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "ReadMonitoredExecutions"]).actions == toset(["states:DescribeExecution"]) && toset(one([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "ReadMonitoredExecutions"]).resources) == toset([
      "arn:aws:states:eu-west-1:222233334444:execution:etl:*",
      "arn:aws:states:eu-west-1:222233334444:execution:billing:*",
    ])
    error_message = "DescribeExecution is granted on the state machines' executions only."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.this.statement : coalesce(s.effect, "Allow") == "Allow" && try(length(s.not_actions), 0) == 0 && try(length(s.not_resources), 0) == 0 && !contains(tolist(s.resources), "*")])
    error_message = "Every statement is a plain Allow on named resources: no NotAction, NotResource or \"*\"."
  }
}

run "role_settings" {
  command = plan

  variables {
    iam_role_path            = "/monitoring/"
    permissions_boundary_arn = "arn:aws:iam::222233334444:policy/boundary"
    max_session_duration     = 7200
    tags                     = { Team = "data-platform" }
  }

  assert {
    condition     = aws_iam_role.this.name == "ops-sfn-deadline-read" && aws_iam_role.this.path == "/monitoring/"
    error_message = "The role takes the given name and path."
  }

  assert {
    condition     = aws_iam_role.this.permissions_boundary == "arn:aws:iam::222233334444:policy/boundary" && aws_iam_role.this.max_session_duration == 7200
    error_message = "The role takes the given permissions boundary and session duration."
  }

  assert {
    condition     = aws_iam_role.this.tags == tomap({ Team = "data-platform" })
    error_message = "The role takes the given tags."
  }
}

run "defaults" {
  command = plan

  assert {
    condition     = aws_iam_role.this.path == "/" && aws_iam_role.this.permissions_boundary == null && aws_iam_role.this.max_session_duration == 3600
    error_message = "By default the role has path /, no boundary and one-hour sessions."
  }
}

run "state_machine_in_another_account" {
  command = plan
  variables {
    state_machine_arns = ["arn:aws:states:eu-west-1:999988887777:stateMachine:etl"]
  }
  expect_failures = [aws_iam_role_policy.this]
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
  expect_failures = [var.state_machine_arns]
}

run "execution_arn_is_not_a_state_machine" {
  command = plan
  variables { state_machine_arns = ["arn:aws:states:eu-west-1:222233334444:execution:etl:run-1"] }
  expect_failures = [var.state_machine_arns]
}

run "iam_role_path_without_trailing_slash" {
  command = plan
  variables { iam_role_path = "/monitoring" }
  expect_failures = [var.iam_role_path]
}

run "permissions_boundary_is_not_a_policy" {
  command = plan
  variables { permissions_boundary_arn = "arn:aws:iam::222233334444:role/boundary" }
  expect_failures = [var.permissions_boundary_arn]
}

run "max_session_duration_below_an_hour" {
  command = plan
  variables { max_session_duration = 1800 }
  expect_failures = [var.max_session_duration]
}

run "max_session_duration_above_twelve_hours" {
  command = plan
  variables { max_session_duration = 50000 }
  expect_failures = [var.max_session_duration]
}
