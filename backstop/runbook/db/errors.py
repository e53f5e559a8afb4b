"""Errors of database backups that are the user's to fix (exit 2), as opposed to a failing CLI or store."""

from __future__ import annotations


class DbInputError(Exception):
    """A backup that doesn't exist or is damaged, a table it doesn't hold, a refused approval."""
