"""Restore semantics: which backup, what to apply (the merge), who may approve, and the report."""
