"""Restore semantics: which backup, what to apply (the merge), and the report (who may approve is
backstop/runbook/approvals)."""
