variable "name" {
  description = "Name of the role the monitor assumes in this account."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.name))
    error_message = "name must be an IAM role name: 1 to 64 letters, digits or + = , . @ _ -; got \"${var.name}\"."
  }
}

variable "monitor_role_arn" {
  description = "ARN of the monitor's check function role in the monitoring account: the root module's lambda_role_arn output. Only this role may assume the role created here."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/([\\x21-\\x7E]+/)?[A-Za-z0-9+=,.@_-]{1,64}$", var.monitor_role_arn))
    error_message = "monitor_role_arn must be an IAM role ARN such as arn:aws:iam::111122223333:role/ops-sfn-deadline-check (with the role's path, if it has one), the monitor's lambda_role_arn output; got \"${var.monitor_role_arn}\"."
  }
}

variable "state_machine_arns" {
  description = "State machines in this account whose executions the monitor may read. A version or alias ARN works too: it is granted through its state machine."
  type        = set(string)

  validation {
    condition     = length(var.state_machine_arns) > 0
    error_message = "state_machine_arns must name at least one state machine the monitor watches."
  }

  validation {
    condition     = alltrue([for arn in var.state_machine_arns : can(regex(local.state_machine_arn_regex, arn))])
    error_message = "state_machine_arns must hold ARNs like arn:<partition>:states:<region>:<account>:stateMachine:<name>, optionally followed by :<version> or :<alias>; not accepted: ${join(", ", [for arn in var.state_machine_arns : "\"${arn}\"" if !can(regex(local.state_machine_arn_regex, arn))])}."
  }
}

variable "iam_role_path" {
  description = "Path of the role."
  type        = string
  default     = "/"

  validation {
    condition     = can(regex("^/([\\x21-\\x7E]+/)?$", var.iam_role_path)) && length(var.iam_role_path) <= 512
    error_message = "iam_role_path must start and end with '/', such as / or /monitoring/."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary for the role, where the account requires one."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN such as arn:aws:iam::111122223333:policy/boundary."
  }
}

variable "max_session_duration" {
  description = "Longest session of the role, in seconds. The check assumes it from its own role's session (role chaining), which AWS caps at one hour whatever this says."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200 && floor(var.max_session_duration) == var.max_session_duration
    error_message = "max_session_duration must be a whole number of seconds from 3600 (1 hour) to 43200 (12 hours)."
  }
}

variable "tags" {
  description = "Tags for the role."
  type        = map(string)
  default     = {}
}
