output "role_arn" {
  description = "ARN of the role: set it as role_arn of the monitors that watch these state machines."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the role."
  value       = aws_iam_role.this.name
}
