# Resources renamed or moved since 0.1.0: an upgrade keeps them (make upgrade-check).
moved {
  from = aws_sqs_queue.scheduler_dead_letter
  to   = aws_sqs_queue.undelivered
}

moved {
  from = aws_sqs_queue_policy.dead_letter
  to   = aws_sqs_queue_policy.undelivered
}

moved {
  from = aws_cloudwatch_metric_alarm.monitor
  to   = aws_cloudwatch_metric_alarm.health
}

moved {
  from = aws_scheduler_schedule.deadline
  to   = module.schedules["deadline"].aws_scheduler_schedule.this
}

moved {
  from = aws_scheduler_schedule.start
  to   = module.schedules["start"].aws_scheduler_schedule.this
}
