"""What on call receives: the report, its text, chat and json renderings, the advice, and
its delivery (dedupe, publish, record)."""
