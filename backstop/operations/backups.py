"""Listing a stack's backups with age, class, label, size and status, each checked against its manifest
(and a configuration backup's store copy, or a database backup's export, in the backup store)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from backstop.runbook.backups.catalogue import ALL_KINDS, list_backups
from backstop.runbook.backups.store_copy import copy_problem
from backstop.runbook.db.exports import export_problem
from backstop.runbook.workspace import backups_dir


def backup_rows(stack: str) -> list[dict[str, Any]]:
    """Configuration and database backups, newest first; each database export and each configuration
    backup's store copy is checked in its store."""
    now = datetime.now(UTC)
    rows = []
    for backup in reversed(list_backups(backups_dir(), stack, ALL_KINDS)):
        manifest = backup.manifest
        copy = manifest.store_copy if manifest else None
        copy_broken = copy_problem(manifest)
        git_problem = backup.verify()
        if git_problem and copy and not copy_broken:
            git_problem += f" (its store copy is whole: `backstop restore --backup {backup.id}` uses it)"
        problem = (
            git_problem or export_problem(backup) or (f"store copy: {copy_broken}" if copy_broken else None)
        )
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
                "store_copy": None
                if copy is None
                else {
                    "store": copy.store,
                    "object": copy.object,
                    "status": "broken" if copy_broken else "ok",
                },
            }
        )
    return rows
