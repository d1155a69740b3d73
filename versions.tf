terraform {
  # 1.9: validation rules that refer to other inputs. Also needed: plantimestamp() and
  # check blocks (1.5), optional() object attributes (1.3); contributors' `terraform test`
  # files use mock providers (1.7). Tested with 1.11.
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.76: the default runtime, python3.13 (docs/provider-versions.md lists what each
      # input needs). Tested with 5.100; 6.x is written for but not tested here.
      version = ">= 5.76, < 7.0"
    }
  }
}
