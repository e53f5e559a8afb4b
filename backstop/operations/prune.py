"""Pruning backups: the runbook's retention table, applied to a stack's backups. A prune that deleted
backups (or failed part-way) appends an audit record: the ids it removed and how many of each kind."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime

from backstop.operations import audit
from backstop.runbook.backups.catalogue import ALL_KINDS, Backup, list_backups
from backstop.runbook.backups.retention import Decision, decide
from backstop.runbook.backups.store_copy import delete_copy
from backstop.runbook.db.exports import delete_export
from backstop.runbook.workspace import backups_dir


@dataclass(frozen=True)
class Pruned:
    decisions: list[Decision]
    removed: list[str]
    """Ids removed, or that would be (`dry_run`)."""


def prune_backups(stack: str, dry_run: bool) -> Pruned:
    """Configuration and database backups are decided apart (each keeps its newest complete backup); a
    removed database backup's export, or configuration backup's store copy, is deleted from its backup
    store first."""
    found = list_backups(backups_dir(), stack, ALL_KINDS)
    backups = {b.id: b for b in found if b.manifest is not None}
    now = datetime.now(UTC)
    decisions = [
        decision
        for kind in ALL_KINDS
        for decision in decide([b.manifest for b in found if b.manifest and b.manifest.kind == kind], now)
    ]
    removed = [decision.id for decision in decisions if not decision.keep]
    if dry_run:
        return Pruned(decisions, removed)
    deleted: list[Backup] = []
    try:
        for backup_id in removed:
            _delete(backups[backup_id])
            deleted.append(backups[backup_id])
    except Exception as exc:
        audit.failed("prune", stack, exc, changes=_counts(deleted), details=_ids(deleted))
        raise
    if deleted:
        audit.done("prune", stack, "ok", changes=_counts(deleted), details=_ids(deleted))
    return Pruned(decisions, removed)


def _delete(backup: Backup) -> None:
    if backup.manifest is not None:
        delete_export(backup.manifest)
        delete_copy(backup.manifest)
    shutil.rmtree(backup.folder)


def _counts(deleted: list[Backup]) -> dict[str, int]:
    """Backups deleted, by kind (`configuration`, `database`)."""
    counts: dict[str, int] = {}
    for backup in deleted:
        kind = backup.manifest.kind if backup.manifest else "configuration"
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def _ids(deleted: list[Backup]) -> dict[str, list[str]]:
    return {"removed": [backup.id for backup in deleted]}
