"""`backstop db backup|restore`: the Convex database, beside the configuration (backstop/db/)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from backstop.alerts import Alert
from backstop.backups import history
from backstop.backups.manifest import BackupClass
from backstop.commands.common import (
    DRIFT,
    INPUT_ERROR,
    OK,
    VENDOR_ERROR,
    Failure,
    emit,
    err,
    failures,
    notify,
    out,
)
from backstop.db.backup import back_up
from backstop.db.convex_cli import ConvexCliError, Say
from backstop.db.crypto import CryptoError
from backstop.db.errors import DbInputError
from backstop.db.restore import restore_backup
from backstop.db.snapshot import SnapshotError
from backstop.db.store import StoreError
from backstop.model import DesiredStateError
from backstop.workspace import backups_dir

app = typer.Typer(help="Database (Convex) backups and restores.", no_args_is_help=True)


@contextmanager
def db_failures(as_json: bool) -> Iterator[None]:
    """Bad input, a damaged backup or a refusal exit 2; the Convex CLI or the backup store failing exit 3."""
    with failures(as_json):
        try:
            yield
        except (DbInputError, CryptoError, SnapshotError) as exc:
            raise Failure(INPUT_ERROR, str(exc)) from None
        except (ConvexCliError, StoreError) as exc:
            raise Failure(VENDOR_ERROR, str(exc)) from None


def progress() -> Say:
    """Progress goes to stderr, so `--json` keeps stdout to one document."""
    return lambda message: err.print(message, style="dim", markup=False)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


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
    with db_failures(as_json):
        started = history.now()
        try:
            manifest = back_up(
                stack, label, backup_class, progress(), include_file_storage, bucket_only=require_bucket
            )
        except Exception as exc:
            history.record(
                backups_dir(),
                history.event("backup", stack, started, False, scope="database", error=str(exc)[:500]),
            )
            if not isinstance(exc, DesiredStateError | DbInputError):
                notify(
                    Alert(
                        "backup_failed",
                        stack,
                        f"database backup failed: {label}",
                        "critical",
                        {"error": _first_line(exc)},
                    )
                )
            raise
        assert manifest.database is not None
        history.record(
            backups_dir(),
            history.event(
                "backup",
                stack,
                started,
                True,
                scope="database",
                id=manifest.id,
                size_bytes=manifest.database.size_bytes,
                backup_class=manifest.backup_class,
                documents=sum(manifest.resource_counts.values()),
            ),
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
    approved_by: Annotated[
        str | None, typer.Option("--approved-by", help="Approver, per approvals.yaml")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Safety export, import with replace, verify counts and a sample. Exit 0 verified, 1 not."""
    with db_failures(as_json):
        started = history.now()
        try:
            report = restore_backup(backup, to, table, approved_by, progress())
        except (DbInputError, DesiredStateError):
            raise
        except Exception as exc:
            stack = to or backup.split("-db-")[0]
            notify(
                Alert(
                    "restore_failed",
                    stack,
                    "database restore failed",
                    "critical",
                    {"error": _first_line(exc)},
                )
            )
            history.record(
                backups_dir(),
                history.event("restore", stack, started, False, scope="database", error=str(exc)[:500]),
            )
            raise
        paths = report.write(backups_dir() / report.stack / "reports")
        if not report.verified:
            notify(
                Alert(
                    "verification_failed",
                    report.stack,
                    f"database restore from {report.backup_id} did not verify",
                    "error",
                    {"differences": "; ".join(report.differences[:10]), "report": str(paths[1])},
                )
            )
        history.record(
            backups_dir(),
            history.event(
                "restore",
                report.stack,
                report.started_at,
                report.verified,
                scope="database",
                backup=report.backup_id,
                table=report.table,
                data_loss_window_seconds=report.data_loss_window_seconds,
            ),
        )

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
