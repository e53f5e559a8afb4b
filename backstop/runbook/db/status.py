"""Database backup health for `backstop status`: the newest database backup against the RPO, and every
export a manifest names checked in its backup store."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from backstop.runbook.backups.catalogue import DATABASE, list_backups
from backstop.runbook.db import settings
from backstop.runbook.db.exports import export_problem


def database_status(backups_dir: Path, stack: str, now: datetime, rpo: timedelta) -> dict[str, Any]:
    """The RPO applies once the stack's config names a Convex deployment."""
    declared = settings.declared(stack)
    backups = [
        b
        for b in list_backups(backups_dir, stack, DATABASE)
        if b.manifest and b.manifest.status == "complete"
    ]
    problems = [f"{b.id}: {problem}" for b in backups if (problem := export_problem(b))]
    newest = max((b.manifest.created_at for b in backups if b.manifest), default=None)
    age = (now - newest).total_seconds() if newest else None
    return {
        "declared": declared,
        "last_backup_at": newest.isoformat() if newest else None,
        "last_backup_age_seconds": age,
        "rpo_breached": declared and (age is None or age > rpo.total_seconds()),
        "backups": len(backups),
        "exports_checked": len(backups),
        "export_problems": problems,
    }
