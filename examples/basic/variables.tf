variable "region" {
  description = "AWS region of the state machine and the topic."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name prefix for the monitor's resources."
  type        = string
  default     = "nightly-batch"
}

variable "state_machine_arn" {
  description = "ARN of the nightly state machine to watch."
  type        = string
}

variable "sns_topic_arn" {
  description = "ARN of the existing topic that on-call is subscribed to."
  type        = string
}
