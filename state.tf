# What the monitor remembers between checks: each monitor's last status (for RECOVERED
# notices) and the checks already handled (so that a check delivered twice alerts once).
# Item layout: lambda_src/sfn_deadline_monitor/state/store.py.
resource "aws_dynamodb_table" "state" {
  #checkov:skip=CKV_AWS_119:Encrypted at rest with DynamoDB's AWS owned key unless state_table_kms_key_arn names a customer-managed key.
  #checkov:skip=CKV_AWS_28:Point-in-time recovery is optional (state_table_point_in_time_recovery): the table holds a status per monitor that the next check rebuilds.
  count = var.create_state_table ? 1 : 0

  name         = local.names.state_table
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  # The deadline history (state/outcomes.py): a sparse index, on the outcome items alone,
  # that reads a monitor's outcomes between two deadlines with one Query.
  attribute {
    name = "outcome_of"
    type = "S"
  }

  attribute {
    name = "deadline_at"
    type = "N"
  }

  global_secondary_index {
    name            = "outcomes"
    hash_key        = "outcome_of"
    range_key       = "deadline_at"
    projection_type = "ALL"
  }

  # Handled-check items expire after 35 days, outcome items after history_retention_days;
  # monitor items carry no expiry.
  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = var.state_table_point_in_time_recovery
  }

  dynamic "server_side_encryption" {
    for_each = var.state_table_kms_key_arn == null ? [] : [var.state_table_kms_key_arn]
    content {
      enabled     = true
      kms_key_arn = server_side_encryption.value
    }
  }

  tags = var.tags
}
