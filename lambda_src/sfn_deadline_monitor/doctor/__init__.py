"""The ``doctor`` command: what the emulator cannot enforce and AWS does not report, read
from the deployed resources and judged by pure checks and an IAM evaluator."""
