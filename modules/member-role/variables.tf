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
  description = "State machines in this account whose executions the monitor may read, granted by their exact ARNs (20 a managed policy, 200 at most with IAM's default quota). A version or alias ARN works too: it is granted through its state machine."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.state_machine_arns : can(regex(trimspace(file("${path.module}/../../data/state-machine-arn.regex")), arn))])
    error_message = "state_machine_arns must hold ARNs like arn:<partition>:states:<region>:<account>:stateMachine:<name>, optionally followed by :<version> or :<alias>."
  }
}

variable "state_machine_name_prefixes" {
  description = "Instead of (or beside) exact ARNs, for many state machines: every state machine of this account and region whose name starts with one of these prefixes (\"\" for all of them)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.state_machine_name_prefixes : can(regex("^[^\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/]{0,80}$", p))])
    error_message = "state_machine_name_prefixes must hold prefixes of up to 80 characters that a state machine name may hold."
  }

  validation {
    condition     = length(var.state_machine_name_prefixes) > 0 || length(var.state_machine_arns) > 0 || var.discovery_tag_prefix != null
    error_message = "Name the state machines the monitor watches: state_machine_arns, state_machine_name_prefixes, or both, or let it discover them by tag (discovery_tag_prefix)."
  }
}

variable "discovery_tag_prefix" {
  description = "The monitor's discovery.tag_prefix, when it discovers this account's state machines by tag through this role (its discovery.member_role_arns lists the role): the role may then find this account's tagged state machines and read the executions of those tagged <prefix>deadline. Null: no discovery."
  type        = string
  default     = null

  # The root module's rule, from the same file.
  validation {
    condition     = var.discovery_tag_prefix == null || can(regex(trimspace(file("${path.module}/../../data/tag-prefix.regex")), var.discovery_tag_prefix)) && !startswith(lower(coalesce(var.discovery_tag_prefix, "-")), "aws:")
    error_message = "discovery_tag_prefix must be the monitor's discovery.tag_prefix: 1 to 120 Unicode letters, digits, white space or _ . : / = + - @, not beginning with aws: (reserved for AWS's tags), such as deadline-monitor:."
  }
}

variable "iam_managed_policies_per_role" {
  description = "This account's IAM quota 'Managed policies per role' (default 10): raise it only once AWS has raised the quota. Exact ARNs take one managed policy per 20 state machines."
  type        = number
  default     = 10

  validation {
    condition     = var.iam_managed_policies_per_role >= 1 && var.iam_managed_policies_per_role <= 25
    error_message = "iam_managed_policies_per_role must be 1 to 25 (IAM's maximum)."
  }
}

variable "iam_role_path" {
  description = "Path of the role."
  type        = string
  default     = "/"

  # The root module takes a monitor's role_arn with these characters only, as the role
  # ARNs the Scheduler and Lambda accept ([\w+=,.@/-]).
  validation {
    condition     = can(regex("^/([A-Za-z0-9_+=,.@-]+/)*$", var.iam_role_path)) && length(var.iam_role_path) <= 512
    error_message = "iam_role_path must start and end with '/' and hold only letters, digits and _+=,.@- between, such as / or /monitoring/; got \"${var.iam_role_path}\"."
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

variable "tags" {
  description = "Tags for the role."
  type        = map(string)
  default     = {}
}
