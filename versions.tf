terraform {
  # 1.9: validation rules that refer to other inputs (the topic inputs). Also implied:
  # optional() object attributes with defaults (1.3). Contributors' `terraform test` files
  # use mock providers (1.7). Tested with 1.11.
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.27: aws_cloudwatch_event_rule's state. Tested with 5.100, the only release at
      # hand; earlier releases are untested.
      version = ">= 5.27"
    }
  }
}
