terraform {
  # The same floor as the root module: validation rules that refer to other inputs (1.9).
  # Contributors' `terraform test` files use mock providers (1.7).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 7.0"
    }
  }
}
