"""`backstop prune`: apply the runbook's retention table to a stack's backups."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from typing import Annotated

import typer

from backstop.backups.catalogue import ALL_KINDS, list_backups
from backstop.backups.retention import decide
from backstop.commands.common import emit, failures, out
from backstop.db.exports import delete_export
from backstop.workspace import backups_dir


def command(
    stack: Annotated[str, typer.Option(help="Stack whose backups to prune")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would be removed")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Remove backups older than their class allows: daily 30 d, manual 90 d, critical 1 y, release never.

    Configuration and database backups are decided apart (each keeps its newest complete backup); a
    removed database backup's export is deleted from its backup store first."""
    with failures(as_json):
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
                    shutil.rmtree(backups[decision.id].folder)

        def human() -> None:
            for d in decisions:
                verb = "keep  " if d.keep else ("would remove" if dry_run else "removed")
                out.print(f"{verb} {d.id}  [dim]{d.reason}[/dim]")
            kept = len(decisions) - len(removed)
            out.print(f"{len(removed)} {'to remove' if dry_run else 'removed'}, {kept} kept")

        emit(
            as_json,
            {
                "ok": True,
                "stack": stack,
                "dry_run": dry_run,
                "removed": removed,
                "decisions": [d.__dict__ for d in decisions],
            },
            human,
        )
