"""Pruning backups: the runbook's retention table, applied to a stack's backups."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime

from backstop.runbook.backups.catalogue import ALL_KINDS, list_backups
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
    removed = []
    for decision in decisions:
        if not decision.keep:
            removed.append(decision.id)
            if not dry_run:
                manifest = backups[decision.id].manifest
                if manifest is not None:
                    delete_export(manifest)
                    delete_copy(manifest)
                shutil.rmtree(backups[decision.id].folder)
    return Pruned(decisions, removed)
