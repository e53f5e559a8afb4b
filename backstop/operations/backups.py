"""Listing a stack's backups with age, class, label, size and status, each checked against its manifest."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from backstop.runbook.backups.catalogue import ALL_KINDS, list_backups
from backstop.runbook.db.exports import export_problem
from backstop.runbook.workspace import backups_dir


def backup_rows(stack: str) -> list[dict[str, Any]]:
    """Configuration and database backups, newest first; each database export is checked in its store."""
    now = datetime.now(UTC)
    rows = []
    for backup in reversed(list_backups(backups_dir(), stack, ALL_KINDS)):
        problem = backup.verify() or export_problem(backup)
        manifest = backup.manifest
        rows.append(
            {
                "id": backup.id,
                "kind": manifest.kind if manifest else None,
                "created_at": manifest.created_at.isoformat() if manifest else None,
                "age_hours": round((now - manifest.created_at).total_seconds() / 3600, 1)
                if manifest
                else None,
                "class": manifest.backup_class if manifest else None,
                "label": manifest.label if manifest else None,
                "size_bytes": backup.size,
                "status": "ok"
                if problem is None and manifest and manifest.status == "complete"
                else "broken",
                "problem": problem,
            }
        )
    return rows
