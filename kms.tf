# What each customer managed key needs in its key policy for everything the module sends
# through it: KMS checks the key policy as well as IAM, and the emulator checks neither,
# so a wrong key policy silently drops alarms or dead letters there. The kms_key_policies
# output hands these to the key's owner as policy documents (source_policy_documents of
# an aws_iam_policy_document merges them). They depend only on names known before apply,
# never on the keys or topics, so a key can be created with them in the same apply.
#
# The module's roles are named through the account's root principal with aws:PrincipalArn:
# a key policy may only name principals that already exist.
locals {
  kms_principals = {
    function  = "arn:${local.partition}:iam::${local.account_id}:role${var.iam_role_path}${var.name}-sfn-deadline-check"
    scheduler = local.arns.scheduler_role
  }
  account_root        = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
  alarm_topic_key_arn = var.alarm_sns_topic_arn == null ? var.sns_topic_kms_key_arn : var.alarm_sns_topic_kms_key_arn

  kms_key_policies = {
    # SNS encrypts with the publisher's permissions: the function, and CloudWatch for the
    # alarms (docs.aws.amazon.com/sns/latest/dg/sns-key-management.html; CloudWatch
    # cannot use the AWS managed alias/aws/sns). The key of the topic the alarms go to
    # (the alert topic, unless alarm_sns_topic_arn names another) needs alarm_topic too.
    alert_topic = [{
      Sid    = "SfnDeadlineFunctionPublishes", Effect = "Allow", Principal = local.account_root, Resource = "*"
      Action = local.key_actions.sns
      Condition = {
        ArnEquals    = { "aws:PrincipalArn" = local.kms_principals.function }
        StringEquals = { "kms:ViaService" = "sns.${local.region}.amazonaws.com" }
      }
    }]
    # Only this module's alarms, in this account, may use the key through CloudWatch
    # (confused-deputy protection: CloudWatch's requests carry aws:SourceArn, the alarm,
    # and aws:SourceAccount; EventBridge's, below, carry neither).
    alarm_topic = [{
      Sid    = "SfnDeadlineAlarmsPublish", Effect = "Allow", Principal = { Service = "cloudwatch.amazonaws.com" }, Resource = "*"
      Action = ["kms:GenerateDataKey*", "kms:Decrypt"]
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${local.alarm_name_prefix}*" }
      }
    }]
    # EventBridge puts undeliverable failure events in the queue as itself
    # (docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html); the Scheduler's
    # role and the function's role (its on-failure destination) send as themselves.
    failure_queues = [
      {
        Sid    = "SfnDeadlineEventBridgeDeadLetters", Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Resource = "*"
        Action = ["kms:GenerateDataKey", "kms:Decrypt"]
      },
      {
        Sid    = "SfnDeadlineRolesSendToQueues", Effect = "Allow", Principal = local.account_root, Resource = "*"
        Action = local.key_actions.sqs
        Condition = {
          ArnEquals    = { "aws:PrincipalArn" = values(local.kms_principals) }
          StringEquals = { "kms:ViaService" = "sqs.${local.region}.amazonaws.com" }
        }
      },
    ]
    # docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    logs = [{
      Sid       = "SfnDeadlineLogsEncrypt", Effect = "Allow", Principal = { Service = "logs.${local.region}.amazonaws.com" }, Resource = "*"
      Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      Condition = { ArnEquals = { "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/lambda/${local.function_name}" } }
    }]
    # DynamoDB decrypts the table key on the reader's behalf (docs.aws.amazon.com/kms/latest/
    # developerguide/services-dynamodb.html); whoever runs terraform apply needs what that
    # page lists for the principal who selects the key (kms:Encrypt, kms:Decrypt,
    # kms:ReEncrypt*, kms:GenerateDataKey*, kms:DescribeKey, kms:CreateGrant) to create it.
    state_table = [{
      Sid    = "SfnDeadlineFunctionUsesTable", Effect = "Allow", Principal = local.account_root, Resource = "*"
      Action = local.key_actions.dynamodb
      Condition = {
        ArnEquals    = { "aws:PrincipalArn" = local.kms_principals.function }
        StringEquals = { "kms:ViaService" = "dynamodb.${local.region}.amazonaws.com" }
      }
    }]
    # The Scheduler's role decrypts the input at each invocation; whoever runs terraform
    # apply needs kms:DescribeKey, kms:GenerateDataKey and kms:Decrypt to write it
    # (docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html), and so does
    # the function when discovery writes schedules (discovery.tf).
    schedules = concat(
      [{
        Sid       = "SfnDeadlineSchedulerReadsInput", Effect = "Allow", Principal = local.account_root, Resource = "*"
        Action    = "kms:Decrypt"
        Condition = { ArnEquals = { "aws:PrincipalArn" = local.kms_principals.scheduler } }
      }],
      [for statement in [{
        Sid       = "SfnDeadlineFunctionWritesDiscoveredSchedules", Effect = "Allow", Principal = local.account_root, Resource = "*"
        Action    = local.key_actions.scheduler
        Condition = { ArnEquals = { "aws:PrincipalArn" = local.kms_principals.function } }
      }] : statement if local.discovery.enabled],
    )
  }
}

# The alarms' topic must not use the AWS managed key of SNS (alias/aws/sns): CloudWatch
# may not use it, and every alarm notification would be dropped without a word. Its ARN
# comes from DescribeKey on the alias, which associates the alias with its key if it had
# none (docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html). A key created
# in the same configuration is customer managed: it is checked at apply, when known.
data "aws_kms_key" "sns_aws_managed" {
  count = var.create_alarms ? 1 : 0

  key_id = "alias/aws/sns"

  lifecycle {
    postcondition {
      condition     = local.alarm_topic_key_arn == null || self.arn != local.alarm_topic_key_arn
      error_message = "${var.name}: The alarms' topic is encrypted with ${coalesce(local.alarm_topic_key_arn, "-")}, the AWS managed key alias/aws/sns, which CloudWatch may not use: every alarm notification would be dropped. Use a customer managed key whose policy holds the kms_key_policies output's alarm_topic statements, or send the alarms to another topic (alarm_sns_topic_arn)."
    }
  }
}

# Nor may the failure queues use the AWS managed key of SQS (alias/aws/sqs) while failure
# rules exist: EventBridge puts the failure events it cannot deliver into them as itself,
# and "to allow these event sources to work with encrypted queues, you must create a
# customer managed KMS key and add permissions in the key policy for the service"; "you
# cannot modify the key policy of an AWS managed KMS key for Amazon SQS"
# (docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
# The Scheduler and the function send as their roles, which that key admits. Read whether
# or not a key is given: a key created in the same apply is not known at plan.
data "aws_kms_key" "sqs_aws_managed" {
  count = length(local.failure_event_monitors) > 0 ? 1 : 0

  key_id = "alias/aws/sqs"

  lifecycle {
    postcondition {
      condition     = var.dead_letter_queue_kms_key_arn == null || self.arn != var.dead_letter_queue_kms_key_arn
      error_message = "${var.name}: dead_letter_queue_kms_key_arn ${coalesce(var.dead_letter_queue_kms_key_arn, "-")} is the AWS managed key alias/aws/sqs, whose policy EventBridge may not use: failure events it could not deliver would be dropped. Use a customer managed key whose policy holds the kms_key_policies output's failure_queues statements, or null for SQS-managed encryption (SSE-SQS)."
    }
  }
}
