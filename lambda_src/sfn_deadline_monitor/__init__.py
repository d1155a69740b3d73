"""Deadline check for scheduled AWS Step Functions state machines.

EventBridge Scheduler invokes :func:`sfn_deadline_monitor.handler.lambda_handler` at a
monitor's deadline; the check judges every execution that started in the look-back window
and publishes an alert to SNS when the run failed, is late or never started.
"""
