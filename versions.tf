terraform {
  # 1.9: validation rules that refer to other variables (the topic inputs).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}
