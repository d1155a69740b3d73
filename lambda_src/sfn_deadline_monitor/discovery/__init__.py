"""Monitors declared by tags on the state machines themselves (docs/discovery.md): read
(tags), reconciled with what exists (plan), applied by the audit (run), and found again
for a failed run's instant alert (failures)."""
