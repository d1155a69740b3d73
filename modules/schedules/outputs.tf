output "schedules" {
  description = "The schedules as created, keyed by name."
  value       = aws_scheduler_schedule.this
}
