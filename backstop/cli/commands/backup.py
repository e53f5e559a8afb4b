"""`backstop backup`: refresh, export, and write a backup folder with its manifest."""

from __future__ import annotations

from typing import Annotated

import typer

from backstop.cli.commands.common import emit, failures
from backstop.operations.backup import backup
from backstop.operations.console import out
from backstop.runbook.backups.manifest import BackupClass
from backstop.runbook.session import StackSession


def command(
    stack: Annotated[str, typer.Option(help="Stack to back up")],
    label: Annotated[str, typer.Option(help='e.g. "Pre-deployment backup - v1.0.5 - 2025-01-09"')],
    backup_class: Annotated[BackupClass, typer.Option("--class", help="Retention class")] = "manual",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Refresh the stack, export it and write a backup with its manifest; prints the backup id.

    With BACKSTOP_STORE_URL set, the backup folder is also put in the backup store, encrypted with age to
    the stack's dbBackupKey."""
    with failures(as_json):
        with out.status(f"backing up {stack} (refresh, then export)…"):
            taken = backup(StackSession(stack), label, backup_class, offsite=True)
        manifest, folder = taken.manifest, taken.folder
        emit(
            as_json,
            {"ok": True, "backup": manifest.model_dump(mode="json", by_alias=True), "folder": str(folder)},
            lambda: out.print(
                f"{manifest.id}\n[dim]{folder}: "
                f"{sum(manifest.resource_counts.values())} resources, class {manifest.backup_class}[/dim]"
            ),
        )
