# ruff: noqa: E501 -- MESSAGES is a table of whole messages, clearer unbroken.
"""Every run of tests/validation.tftest.hcl, checked as `terraform test` checks it (what
fails is what its expect_failures names, and nothing else), and each rule's message
pinned, which expect_failures cannot do.

Every run of that file becomes a call of the module in one generated root module, planned
once with a mocked provider (one plan, not one per rule: each plan costs about a second).
The failures are read from `terraform test -json` and matched to their module call, and
each must say what MESSAGES expects for its run; a run without an expected message fails
the test, so a new rule cannot go unchecked. The same messages, rendered, are
docs/inputs.md's validation section (dev/validation_doc.py). `make test` runs the file's
runs here only, not again with `terraform test` (the Makefile's tf-test).
"""

from __future__ import annotations

from typing import Any

import pytest

from dev.generated import between
from dev.tfdocs import INPUTS_DOC
from dev.validation_doc import BEGIN, END, render
from testkit.mocked_plan import (
    CASES,
    blocks,
    expected_failures,
    failed_object,
    validation_diagnostics,
    validation_failures,
)

# The plans of the 169 cases: 2 min 20 s of CPU time (make quick leaves it to make test).
pytestmark = pytest.mark.terraform

# The run's name, then text its error message must contain (the monitor's name, the rule,
# and what to do).
MESSAGES = {
    "name_too_long": "name must be 1 to 32 letters",
    "no_monitors": "monitors must name at least one state machine",
    "both_topic_inputs": "Set exactly one of sns_topic_arn",
    "neither_topic_input": "Set exactly one of sns_topic_arn",
    "topic_arn_of_another_service": "sns_topic_arn must be the ARN of a standard SNS topic",
    "fifo_topic": "sns_topic_arn must be the ARN of a standard SNS topic",
    "topic_key_an_alias": "an alias ARN cannot be granted to the function, and the AWS managed",
    "alarm_topic_of_another_service": "alarm_sns_topic_arn must be the ARN of a standard SNS topic",
    "alarm_topic_key_without_the_topic": "alarm_sns_topic_kms_key_arn is the key of alarm_sns_topic_arn",
    "alarm_topic_key_an_alias": "CloudWatch cannot use the AWS managed alias/aws/sns",
    "email_not_an_address": "sns_email_subscriptions must hold e-mail addresses",
    "email_for_a_brought_topic": "sns_email_subscriptions apply only to the topic the module creates",
    "email_filter_policy_not_an_object": "sns_email_filter_policy must be a JSON object",
    "event_bus_name_not_a_name": "event_bus_name must be an EventBridge bus's name",
    "event_bus_name_reserved": "event_bus_name must be an EventBridge bus's name",
    "event_bus_in_another_account": "must be a bus in this module's account and region (000000000000, us-east-1). Name a bus here and forward its alert events with a rule",
    "event_bus_in_another_region": "must be a bus in this module's account and region (000000000000, us-east-1)",
    "runtime_unsupported": "lambda_runtime must be python3.12, python3.13 or python3.14",
    "architecture_unknown": "lambda_architecture must be arm64 or x86_64",
    "memory_too_small": "lambda_memory_size must be between 128 and 10240 MB",
    "timeout_too_long": "lambda_timeout must be between 10 and 900 seconds",
    "retention_not_offered_by_cloudwatch": "log_retention_in_days must be one CloudWatch Logs accepts",
    "history_retention_negative": "history_retention_days must be a whole number of days",
    "history_retention_fractional": "history_retention_days must be a whole number of days",
    "log_key_not_kms": "log_kms_key_arn must be a KMS key ARN",
    "event_age_too_long": "- schedule_retry_policy: maximum_event_age_in_seconds must be between 60 and 86400",
    "retry_attempts_too_many": "- schedule_retry_policy: maximum_retry_attempts must be between 0 and 185",
    "schedule_key_not_kms": "schedule_kms_key_arn must be a KMS key ARN",
    "dead_letter_key_not_kms": "dead_letter_queue_kms_key_arn must be a KMS key ARN",
    "state_table_key_not_kms": "state_table_kms_key_arn must be a KMS key ARN",
    "role_path_without_slashes": "iam_role_path must start and end with '/'",
    "role_path_with_a_character_the_scheduler_refuses": (
        "hold only letters, digits and _+=,.@- between"
    ),
    "boundary_not_a_policy": "iam_permissions_boundary_arn must be an IAM policy ARN",
    "reserved_concurrency_zero": "lambda_reserved_concurrent_executions must be null (unreserved)",
    "async_retries_beyond_lambda_limit": "lambda_async_retry_attempts must be 0, 1 or 2",
    "async_event_age_too_long": "lambda_async_max_event_age_seconds must be between 60 and 21600",
    "metrics_namespace_reserved": "must not start with AWS/",
    "read_scope_without_prefixes": "- read_scope: state_machine_name_prefixes must list at least one",
    "read_scope_prefix_with_a_colon": "- read_scope: state_machine_name_prefixes must list at least one",
    "quota_of_managed_policies_beyond_the_maximum": "- service_quotas: iam_managed_policies_per_role must be 1 to 25",
    "quota_of_rules_zero": "eventbridge_rules_per_bus must be at least 1",
    "quota_of_pattern_size_beyond_put_rule": "eventbridge_event_pattern_characters must be 2048",
    "monitor_key_not_a_schedule_name": "- nightly etl!: the key must be 1 to 64 letters",
    "state_machine_arn_of_another_service": "- etl: state_machine_arn arn:aws:lambda:us-east-1:000000000000:function:etl must look like",
    "execution_arn_is_not_a_state_machine": "- etl: state_machine_arn arn:aws:states:us-east-1:000000000000:execution:etl:run-1 must look like",
    "state_machine_in_another_region": "- etl: the state machine must be in this module's region (us-east-1)",
    "state_machine_in_another_account_without_a_role": "- etl: a state machine in another account (111122223333) needs a role_arn",
    "role_arn_not_a_role": "- etl: role_arn must be an IAM role ARN",
    "role_arn_in_another_account_than_the_state_machine": "- etl: role_arn must be a role in the account that owns the state machine",
    "schedule_expression_without_wrapper": "- etl: schedule_expression 0 2 * * ? *: expected cron(minutes hours",
    "cron_with_five_fields": "- etl: schedule_expression cron(0 2 * * ?): a cron expression has 6 fields",
    "cron_hour_25": "- etl: schedule_expression cron(0 25 * * ? *): hours must be 0-23",
    "cron_minute_60": "- etl: schedule_expression cron(60 2 * * ? *): minutes must be 0-59",
    "cron_both_day_fields_set": "- etl: schedule_expression cron(0 2 * * * *): exactly one of day-of-month and day-of-week must be '?'",
    "cron_day_of_month_and_weekday": "- etl: schedule_expression cron(0 2 1 * MON *): exactly one of day-of-month and day-of-week",
    "cron_both_day_fields_question_marks": "- etl: schedule_expression cron(0 2 ? * ? *): exactly one of day-of-month",
    "cron_of_letters": "- etl: schedule_expression cron(a b c d e f): minutes must be 0-59 with , - * /, got a; hours must be",
    "cron_weekday_8": "- etl: schedule_expression cron(0 2 ? * 8 *): day-of-week must be 1-7 or SUN-SAT",
    "cron_sixth_weekday_of_month": "- etl: schedule_expression cron(0 2 ? * 2#6 *): day-of-week must be",
    "cron_year_before_1970": "- etl: schedule_expression cron(0 2 * * ? 1969): year must be 1970-2199",
    "rate_of_zero": "- etl: schedule_expression rate(0 minutes): expected rate(<whole number above 0>",
    "rate_in_weeks": "- etl: schedule_expression rate(1 week): expected rate(",
    "lookback_longer_than_the_rate": "- etl: schedule_expression rate(1 hour): its look-back of 90 minutes is longer than the interval between runs (60 minutes)",
    "at_in_the_past": "- etl: schedule_expression at(2020-01-01T00:00:00): at() lies in the past in Asia/Tokyo",
    "at_on_a_day_that_does_not_exist": "- etl: schedule_expression at(2035-02-30T00:00:00): 2035-02-30T00:00:00 is not a date",
    "description_longer_than_the_scheduler_takes": (
        "- etl: description is 513 characters; the Scheduler takes at most 512"
    ),
    "lookback_zero": "- etl: lookback_minutes must be a whole number of minutes from 1 to 44640",
    "lookback_fraction": "- etl: lookback_minutes must be a whole number",
    "lookback_beyond_a_month": "- etl: lookback_minutes must be a whole number",
    "timezone_misspelt": "- etl: timezone Europe/Tokio is not an IANA time zone name",
    "timezone_abbreviation": "- etl: timezone JST is not an IANA time zone name",
    "message_format_unknown": '- etl: message_format must be "text", "json" or "chat"',
    "severities_of_an_unknown_status": '- etl: severities: TIMED_OUT = "critical" must map one of FAILED, LATE, MISSING, ERROR, AT_RISK, TOO_FAST, RECOVERED or OK to "critical", "error", "warning" or "info"',
    "severities_of_an_unknown_severity": '- etl: severities: AT_RISK = "high" must map one of FAILED',
    "start_date_not_rfc3339": "- etl: start_date must be a UTC time such as 2030-01-01T00:00:00Z",
    "end_date_with_an_offset": "- etl: end_date must be a UTC time",
    "start_date_in_the_past": "- etl: start_date 2020-01-01T00:00:00Z has passed, and the Scheduler refuses",
    "end_date_in_the_past": "- etl: end_date 2020-01-01T00:00:00Z has passed",
    "end_date_before_start_date": "- etl: end_date must be after start_date",
    "start_check_expression_without_wrapper": "- etl: start_check.schedule_expression 15 0 * * ? *: expected cron(",
    "start_check_lookback_zero": "- etl: start_check.lookback_minutes must be a whole number",
    "at_risk_check_expression_without_wrapper": "- etl: at_risk_check.schedule_expression 30 1 * * ? *: expected cron(",
    "at_risk_check_before_the_window_opens": "- etl: at_risk_check fires at 01:00, outside the deadline's look-back window (the 180 minutes before 06:00)",
    "at_risk_check_with_a_rate_deadline": "- etl: at_risk_check needs a cron() or at() deadline",
    "upstream_not_a_monitor": "- billing: upstream nightly-etl is not a monitor of this module: name one of its monitors' keys",
    "upstream_itself": "- etl: upstream names the monitor itself: a job cannot wait for itself",
    "upstream_cycle": "- billing: upstream makes a cycle (billing waits, through its upstream monitors, for itself)",
    "upstream_suppresses_without_upstream": "- etl: upstream_suppresses needs upstream",
    "min_duration_with_both_bounds": "- etl: min_duration must set exactly one of fraction_of_median (0.1: a run shorter than a tenth of the median of the recent successful runs is TOO_FAST) and seconds",
    "min_duration_with_neither_bound": "- etl: min_duration must set exactly one of fraction_of_median",
    "min_duration_fraction_of_the_whole_median": "- etl: min_duration.fraction_of_median must be a number between 0 and 1 (exclusive), such as 0.1 for a tenth of the median, got 1",
    "min_duration_fraction_zero": "- etl: min_duration.fraction_of_median must be a number between 0 and 1 (exclusive), such as 0.1 for a tenth of the median, got 0",
    "min_duration_seconds_zero": "- etl: min_duration.seconds must be a whole number of seconds from 1 to 31536000 (a year, the longest a Standard run lasts), got 0",
    "min_duration_seconds_not_whole": "- etl: min_duration.seconds must be a whole number of seconds from 1 to 31536000 (a year, the longest a Standard run lasts), got 1.5",
    "min_duration_seconds_beyond_a_year": "- etl: min_duration.seconds must be a whole number of seconds from 1 to 31536000 (a year, the longest a Standard run lasts), got 31536001",
    "calendar_unknown": "- etl: calendar jp-busines is not one of calendars (jp-business): name one of them, or declare it in calendars = { jp-busines = {",
    "calendar_not_declared": "- etl: calendar jp-business is not one of calendars (none is declared)",
    "calendar_name_not_a_name": "- calendars: jp business: a calendar's name must be 1 to 64 letters, digits, '.', '-' or '_'",
    "calendar_date_malformed": '- calendars: jp-business: exclude_dates "2026/12/25" is not a date: write YYYY-MM-DD, such as 2026-12-31',
    "calendar_date_impossible": '- calendars: jp-business: exclude_dates "2026-02-30" is not a date',
    "calendar_weekday_unknown": '- calendars: jp-business: exclude_weekdays "Sunday" is not a weekday: write MON, TUE, WED, THU, FRI, SAT or SUN; jp-business: exclude_weekdays null is not a weekday',
    "calendar_attribute_misspelt": "- calendars: unknown attribute jp-business.exclude_date: did you mean jp-business.exclude_dates? (Terraform would drop it without a word)",
    "calendar_excludes_every_weekday": "- etl: calendar never excludes every day of the week, so every check would be skipped: remove a weekday from its exclude_weekdays",
    "calendar_excludes_every_weekday_of_the_deadline": "- etl: calendar weekends excludes every day the deadline cron(0 2 ? * MON-FRI *) fires on (MON, TUE, WED, THU, FRI), so every check would be skipped: remove one of them from its exclude_weekdays, or name another calendar",
    "calendar_excludes_a_range_that_wraps": "- etl: calendar long-weekend excludes every day the deadline cron(0 9 ? * 6-2 *) fires on (FRI, SAT, SUN, MON)",
    "calendar_excludes_the_last_friday": "- etl: calendar no-fridays excludes every day the deadline cron(0 9 ? * 6L *) fires on (FRI)",
    "calendar_excludes_the_day_of_an_at": "- etl: calendar holidays excludes 2035-06-01, the one day the deadline at(2035-06-01T09:00:00) fires on, so its check would be skipped: remove the day from the calendar, or name another one",
    "calendar_too_large_for_the_schedulers_input": "Schedule inputs over EventBridge Scheduler's 262144 bytes (its limit on a target's input): - etl deadline: 273477 bytes, with the 21000 dates of calendar every-day-since-1970 A calendar's dates are in every schedule input of the monitors that name it: keep fewer of them",
    "maintenance_window_name_not_a_name": "- etl: maintenance_windows[db maintenance]: a window's name must be 1 to 64 letters, digits, '.', '-' or '_'",
    "maintenance_window_named_as_one_of_the_modules": "- etl: maintenance_windows[weekly-db]: 2 windows of this monitor (the module's maintenance_windows and its own) are named weekly-db: give each a name of its own (a held alert names its window)",
    "module_maintenance_windows_of_one_name": "- maintenance_windows[weekly-db]: 2 windows of the module are named weekly-db: give each a name of its own",
    "maintenance_window_of_both_forms": "- etl: maintenance_windows[release]: set schedule and duration (and timezone, if not the default) for a window at each fire of a cron() expression, or from and until for one window; it sets schedule, duration, from, until",
    "maintenance_window_of_neither_form": "- etl: maintenance_windows[release]: set schedule and duration (and timezone, if not the default) for a window at each fire of a cron() expression, or from and until for one window; it sets none of them",
    "maintenance_window_schedule_without_duration": "- etl: maintenance_windows[weekly-db]: set schedule and duration (and timezone, if not the default) for a window at each fire of a cron() expression, or from and until for one window; it sets schedule, timezone",
    "maintenance_window_from_without_until": "- etl: maintenance_windows[release]: set schedule and duration (and timezone, if not the default) for a window at each fire of a cron() expression, or from and until for one window; it sets from",
    "maintenance_window_on_a_rate": "- etl: maintenance_windows[weekly-db]: schedule rate(7 days) is not a cron() expression: a window opens at each fire of a cron() expression, such as cron(0 1 ? * SUN *) (01:00 each Sunday); rate() and at() are refused",
    "maintenance_window_at_one_time": "- etl: maintenance_windows[release]: schedule at(2035-12-24T01:00:00) is not a cron() expression: a window opens at each fire of a cron() expression",
    "maintenance_window_cron_hour_25": "- etl: maintenance_windows[weekly-db]: schedule cron(0 25 ? * SUN *): hours must be 0-23 with , - * /, got 25",
    "maintenance_window_duration_in_weeks": "- etl: maintenance_windows[weekly-db]: duration 1w must be a whole number of minutes, hours or days, such as 90m, 3h or 2d",
    "maintenance_window_duration_of_a_fraction": "- etl: maintenance_windows[weekly-db]: duration 1.5h must be a whole number of minutes, hours or days",
    "module_maintenance_window_longer_than_a_week": "- maintenance_windows[migration]: duration 10081m is longer than 7 days (10080 minutes), the longest a recurring window may last: shorten it, or declare the long stop as a one-off window (from, until)",
    "maintenance_window_timezone_misspelt": "- etl: maintenance_windows[weekly-db]: timezone Europe/Tokio is not an IANA time zone name",
    "maintenance_window_from_without_offset": "- etl: maintenance_windows[release]: from 2026-12-24T01:00:00 must be an RFC 3339 time with its offset, such as 2026-12-24T01:00:00+09:00",
    "maintenance_window_from_not_before_until": "- etl: maintenance_windows[release]: from 2026-12-24T05:00:00+09:00 must be before until 2026-12-23T20:00:00Z",
    "maintenance_windows_too_long_for_a_failure_rule": "Failure rule 00's input template would be 9062 characters, over EventBridge's limit of 8192: its 20 monitors' names, ARNs, role ARNs, severities and own maintenance windows, and the module's maintenance_windows, are long. Set monitors_per_failure_rule lower.",
    "maintenance_window_attribute_misspelt": "- etl: unknown attribute maintenance_windows[weekly-db].time_zone: did you mean maintenance_windows[weekly-db].timezone? (Terraform would drop it without a word)",
    "module_maintenance_window_attribute_misspelt": "- maintenance_windows: unknown attribute weekly-db.duraton: did you mean weekly-db.duration?",
    "audit_in_weeks": "- audit: schedule_expression must be rate(<whole number> minutes|hours|days)",
    "audit_grace_too_short": "- audit: grace_minutes must be a whole number from 5 to 1440",
    "audit_format_unknown": "- audit: message_format must be",
    "audit_without_the_state_table": "- audit: the audit needs the state table",
    "maintenance_windows_without_the_audit": "- audit: maintenance windows need the audit",
    "discovery_without_the_audit": "- audit: discovery needs the audit, which runs it, and the state table, where it records the monitors it finds: set audit = { enabled = true } and create_state_table = true (the defaults), or discovery = { enabled = false }",
    "discovery_without_the_state_table": "- audit: discovery needs the audit, which runs it, and the state table",
    "discovery_tag_prefix_too_long_for_a_tag_key": '- discovery: tag_prefix "acme-corporation:data-platform-engineering:warehouse-loading-and-reporting-jobs:production:eu-central-1:deadline-monitor:" must be 1 to 120 Unicode letters, digits, white space or _ . : / = + - @ (what a Step Functions tag may hold; a tag key is at most 128 characters, and the keys read add up to 8 to the prefix), such as the default deadline-monitor:',
    "discovery_tag_prefix_empty": '- discovery: tag_prefix "" must be 1 to 120 Unicode letters',
    "discovery_tag_prefix_with_a_character_step_functions_refuses": '- discovery: tag_prefix "deadline#" must be 1 to 120 Unicode letters',
    "discovery_tag_prefix_reserved_for_aws": '- discovery: tag_prefix "AWS:deadline-monitor:" must not begin with aws:, which AWS reserves for its own tags: choose another, such as the default deadline-monitor:',
    "discovery_member_role_of_a_user": "- discovery: member_role_arns: arn:aws:iam::111122223333:user/ops must be an IAM role ARN such as arn:aws:iam::111122223333:role/sfn-deadline-read (modules/member-role's role_arn output)",
    "discovery_member_role_listed_twice": "- discovery: member_role_arns lists arn:aws:iam::111122223333:role/sfn-deadline-read 2 times: list each role once",
    "discovery_member_role_in_this_account": "- discovery: member_role_arns: arn:aws:iam::000000000000:role/sfn-deadline-read is a role of this account (000000000000), whose state machines the function reads with its own role: list roles in other accounts only",
    "discovery_lookback_zero": "- discovery: lookback_minutes must be a whole number of minutes from 1 to 44640 (31 days)",
    "discovery_format_unknown": '- discovery: message_format must be "text", "json" or "chat"',
    "discovery_attribute_misspelt": "- discovery: unknown attribute tag_prefx: did you mean tag_prefix? (Terraform would drop it without a word)",
    "monitor_attribute_misspelt": "- etl: unknown attribute schedule_expresion: did you mean schedule_expression? (Terraform would drop it without a word)",
    "monitor_attribute_unlike_any": "- etl: unknown attribute owner: known are at_risk_check, calendar, description, enabled,",
    "start_check_attribute_misspelt": "- etl: unknown attribute start_check.lookback_minute: did you mean start_check.lookback_minutes?",
    "at_risk_check_attribute_misspelt": "- etl: unknown attribute at_risk_check.schedule_expresion: did you mean at_risk_check.schedule_expression?",
    "min_duration_attribute_misspelt": "- etl: unknown attribute min_duration.fraction_of_medain: did you mean min_duration.fraction_of_median?",
    "audit_attribute_misspelt": "- audit: unknown attribute grace_minute: did you mean grace_minutes?",
    "retry_policy_attribute_misspelt": "- schedule_retry_policy: unknown attribute maximum_retry_attempt: did you mean maximum_retry_attempts?",
    "quota_attribute_misspelt": "- service_quotas: unknown attribute eventbridge_rules_per_event_bus: did you mean eventbridge_rules_per_bus?",
    "read_scope_attribute_misspelt": "- read_scope: unknown attribute state_machine_name_prefix: did you mean state_machine_name_prefixes?",
    "failure_queue_key_the_aws_managed_one": "is the AWS managed key alias/aws/sqs, whose policy EventBridge may not use",
    "at_after_the_schedulers_years": "- etl: schedule_expression at(2200-01-01T02:00:00): the year must be 1970-2199",
    "rate_beyond_a_century": "- etl: schedule_expression rate(99999999999 days): the interval must be at most 36500 days",
    "cron_name_not_ascii": "- etl: schedule_expression cron(0 2 ? * \u017fun *): an expression holds ASCII characters only",
    "start_check_after_the_deadline": "- etl: start_check fires at 02:15, outside the deadline's look-back window (the 180 minutes before 02:00)",
    "start_check_before_the_window_opens": "- etl: start_check fires at 00:15, outside the deadline's look-back window (the 60 minutes before 02:00)",
    "name_outside_the_read_scope": "- etl: the state machine's name does not start with any of read_scope.state_machine_name_prefixes",
    "topic_in_another_region": "The alert topic arn:aws:sns:eu-west-1:000000000000:alerts must be in this module's region (us-east-1)",
    "more_monitors_than_managed_policies_allow": "takes 11 managed policies (20 monitors each), and an IAM role holds 10 (quota 'Managed policies per role'). Set read_scope",
    "pattern_longer_than_the_quota": "Failure rule 00's event pattern would be 2795 characters, over EventBridge's 2048 (quota 'Event pattern size'): its 20 state machines have long names. Set monitors_per_failure_rule lower",
    "monitors_per_failure_rule_zero": "monitors_per_failure_rule must be a whole number from 1 to 100",
}


@pytest.fixture(scope="module")
def diagnostics() -> dict[str, list[dict[str, Any]]]:
    """The errors of every run, by run (one plan per stage, shared by every test of this
    file)."""
    return validation_diagnostics()


@pytest.fixture(scope="module")
def failures(diagnostics: dict[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    """The error messages of every run, by run."""
    return validation_failures(diagnostics)


def test_each_run_fails_on_what_its_expect_failures_names(
    diagnostics: dict[str, list[dict[str, Any]]],
) -> None:
    """What `terraform test` asserts of each run: the objects its expect_failures names
    fail, and nothing else does (a run without expect_failures plans without an error)."""
    expected = {
        name: set(expected_failures(body)) for name, body in blocks(CASES.read_text(), "run")
    }
    failed = {run: {failed_object(d) for d in found} for run, found in diagnostics.items()}
    assert failed == expected


def test_every_rule_has_its_message_pinned() -> None:
    failing = [name for name, body in blocks(CASES.read_text(), "run") if "expect_failures" in body]
    assert sorted(failing) == sorted(MESSAGES)


@pytest.mark.parametrize("run", sorted(MESSAGES))
def test_the_rule_says_what_is_wrong_and_what_to_do(
    run: str, failures: dict[str, list[str]]
) -> None:
    messages = failures[run]
    assert messages, f"{run} did not fail the plan"
    assert any(MESSAGES[run] in " ".join(m.split()) for m in messages), messages


def test_what_the_scheduler_accepts_plans_without_a_word(failures: dict[str, list[str]]) -> None:
    assert failures["what_the_scheduler_accepts_is_accepted"] == []
    assert failures.get("(unattributed)", []) == []


def test_the_docs_list_the_messages_terraform_really_gives(failures: dict[str, list[str]]) -> None:
    """docs/inputs.md's validation section is this plan's messages, rendered."""
    current, fresh = between(INPUTS_DOC, BEGIN, END, render(failures))
    assert current == fresh, "docs/inputs.md lists other messages: run `make docs`"
