"""`backstop prune`: apply the runbook's retention table to a stack's backups."""

from __future__ import annotations

from typing import Annotated

import typer

from backstop.cli.commands.common import emit, failures
from backstop.operations.console import out
from backstop.operations.prune import prune_backups


def command(
    stack: Annotated[str, typer.Option(help="Stack whose backups to prune")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would be removed")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Remove backups older than their class allows: daily 30 d, manual 90 d, critical 1 y, release never.

    Configuration and database backups are decided apart (each keeps its newest complete backup); a
    removed database backup's export is deleted from its backup store first."""
    with failures(as_json):
        pruned = prune_backups(stack, dry_run)
        decisions, removed = pruned.decisions, pruned.removed

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
