# Benchmark root: this module watching var.monitors state machines (they need not exist).
variable "monitors" {
  type = number
}

provider "aws" {
  region = "us-east-1"
}

data "aws_caller_identity" "current" {}

resource "aws_sns_topic" "alerts" {
  name = "bench-alerts"
}

module "monitor" {
  source = "../../.."

  name          = "bench"
  sns_topic_arn = aws_sns_topic.alerts.arn
  monitors = {
    for n in range(var.monitors) : format("job-%04d", n) => {
      state_machine_arn = format("arn:aws:states:us-east-1:%s:stateMachine:job-%04d", data.aws_caller_identity.current.account_id, n)
    }
  }
}
