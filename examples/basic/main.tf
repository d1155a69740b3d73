provider "aws" {
  region = var.region
}

# The daily batch job: it starts at 00:00 and must have succeeded by 02:00 (Tokyo time).
# The module's defaults (a 02:00 deadline, a 3-hour look-back) fit that job as they are.
module "sfn_deadlines" {
  source = "../.."

  name          = var.name
  sns_topic_arn = var.sns_topic_arn

  monitors = {
    nightly-etl = {
      state_machine_arn = var.state_machine_arn
      timezone          = "Asia/Tokyo"
    }
  }

  tags = {
    Purpose = "sfn-deadline-monitor"
  }
}
