variable "region" {
  description = "AWS region of the monitor, and of the member account's state machine (it must be the same)."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name prefix for the monitor's resources and the member account's role."
  type        = string
  default     = "cross-account"
}

variable "member_account_deploy_role_arn" {
  description = "The role your pipeline deploys into the member account with; Terraform assumes it to create the member role there."
  type        = string
}

variable "member_state_machine_arn" {
  description = "ARN of the member account's state machine to watch, in the monitor's region."
  type        = string
}
