"""The hourly self-audit: schedules disabled or deleted by hand, monitors gone quiet,
state machines gone; its rules, its message and its run."""
