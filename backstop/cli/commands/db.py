"""`backstop db backup|restore`: the Convex database, beside the configuration (backstop/runbook/db/)."""

from __future__ import annotations

from typing import Annotated

import typer

from backstop.cli.commands.common import Approval, ApprovedBy, emit, failures
from backstop.operations.console import err, out
from backstop.operations.database import database_backup, database_failures, database_restore
from backstop.operations.errors import DRIFT, OK
from backstop.runbook.backups.manifest import BackupClass
from backstop.runbook.db.convex_cli import Say

app = typer.Typer(help="Database (Convex) backups and restores.", no_args_is_help=True)


def progress() -> Say:
    """Progress goes to stderr, so `--json` keeps stdout to one document."""
    return lambda message: err.print(message, style="dim", markup=False)


@app.command("backup")
def backup_command(
    stack: Annotated[str, typer.Option(help="Stack whose database to back up")],
    label: Annotated[str, typer.Option(help='e.g. "Pre-deployment backup - v1.0.5 - 2025-01-09"')],
    backup_class: Annotated[BackupClass, typer.Option("--class", help="Retention class")] = "manual",
    include_file_storage: Annotated[
        bool, typer.Option("--include-file-storage", help="Also export the files in Convex file storage")
    ] = False,
    require_bucket: Annotated[
        bool,
        typer.Option(
            "--require-bucket", help="Refuse unless BACKSTOP_STORE_URL is an s3:// bucket (scheduled jobs)"
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Export the database with the Convex CLI, encrypt it with age into the backup store, catalogue it."""
    with failures(as_json), database_failures():
        manifest = database_backup(
            stack, label, backup_class, progress(), include_file_storage, require_bucket
        )
        emit(
            as_json,
            {"ok": True, "backup": manifest.model_dump(mode="json", by_alias=True)},
            lambda: out.print(
                f"{manifest.id}\n[dim]{len(manifest.resource_counts)} tables, "
                f"{sum(manifest.resource_counts.values())} documents, class {manifest.backup_class}, "
                f"{manifest.database.object if manifest.database else ''} in "
                f"{manifest.database.store if manifest.database else ''}[/dim]"
            ),
        )


@app.command("restore")
def restore_command(
    backup: Annotated[str, typer.Option("--backup", help="Database backup id (see `backstop backups`)")],
    to: Annotated[
        str | None, typer.Option("--to", help="Stack to restore into (default: the backup's own)")
    ] = None,
    table: Annotated[str | None, typer.Option("--table", help="Restore only this table")] = None,
    approved_by: ApprovedBy = None,
    approval: Approval = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Safety export, import with replace, verify counts and a sample. Exit 0 verified, 1 not."""
    with failures(as_json), database_failures():
        restored = database_restore(backup, to, table, approved_by, progress(), approval)
        report, paths = restored.report, restored.files

        def human() -> None:
            out.print(report.markdown(), markup=False)
            out.print(f"[dim]report: {paths[1]}[/dim]")

        emit(
            as_json,
            {
                "ok": report.verified,
                "report": report.model_dump(mode="json"),
                "files": [str(p) for p in paths],
            },
            human,
        )
    raise typer.Exit(OK if report.verified else DRIFT)
