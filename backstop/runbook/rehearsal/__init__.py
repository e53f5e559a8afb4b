"""Rehearsals: a stack's own configuration, from its backup, drilled in a private sandbox."""
