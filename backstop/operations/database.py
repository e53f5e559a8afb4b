"""Database (Convex) backups and restores, beside the configuration (backstop/runbook/db/), with their history
and alerts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from backstop.operations import audit
from backstop.operations.errors import INPUT_ERROR, VENDOR_ERROR, Failure
from backstop.operations.notify import first_line, notify
from backstop.plugin.model import DesiredStateError
from backstop.runbook.alerts import Alert
from backstop.runbook.approvals.check import Refused
from backstop.runbook.backups import history
from backstop.runbook.backups.manifest import BackupClass, Manifest
from backstop.runbook.db.backup import back_up
from backstop.runbook.db.convex_cli import ConvexCliError, Say
from backstop.runbook.db.crypto import CryptoError
from backstop.runbook.db.errors import DbInputError
from backstop.runbook.db.report import DbRestoreReport
from backstop.runbook.db.restore import restore_backup
from backstop.runbook.db.snapshot import SnapshotError
from backstop.runbook.db.store import StoreError
from backstop.runbook.workspace import backups_dir


@contextmanager
def database_failures() -> Iterator[None]:
    """Bad input, a damaged backup or a refusal exit 2; the Convex CLI or the backup store failing exit 3."""
    try:
        yield
    except (DbInputError, CryptoError, SnapshotError) as exc:
        raise Failure(INPUT_ERROR, str(exc)) from None
    except (ConvexCliError, StoreError) as exc:
        raise Failure(VENDOR_ERROR, str(exc)) from None


def database_backup(
    stack: str,
    label: str,
    backup_class: BackupClass,
    say: Say,
    include_file_storage: bool,
    require_bucket: bool,
) -> Manifest:
    """`backstop db backup`: export, encrypt, store and catalogue, recorded in the stack's history and the
    audit log (a failed one stores and catalogues nothing, so only the history has it)."""
    started = history.now()
    try:
        manifest = back_up(stack, label, backup_class, say, include_file_storage, bucket_only=require_bucket)
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
                    {"error": first_line(exc)},
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
    audit.done("db backup", stack, "ok", manifest.id, {"backups": 1})
    return manifest


@dataclass(frozen=True)
class DbRestored:
    report: DbRestoreReport
    files: tuple[Path, Path]
    """The report as JSON and as Markdown."""


def database_restore(
    backup: str,
    to: str | None,
    table: str | None,
    approved_by: str | None,
    say: Say,
    approval: Path | None = None,
) -> DbRestored:
    """`backstop db restore`: the restore and its report files, recorded in the history and the audit log
    (a refused approval too); failing alerts."""
    started = history.now()
    try:
        report = restore_backup(backup, to, table, approved_by, say, approval=approval)
    except Refused as exc:
        audit.refused("db restore", to or _stack_of(backup), exc, backup=backup)
        raise
    except (DbInputError, DesiredStateError):
        raise
    except Exception as exc:
        stack = to or _stack_of(backup)
        notify(
            Alert("restore_failed", stack, "database restore failed", "critical", {"error": first_line(exc)})
        )
        history.record(
            backups_dir(),
            history.event("restore", stack, started, False, scope="database", error=str(exc)[:500]),
        )
        audit.failed("db restore", stack, exc)
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
    result = "verified" if report.verified else "not verified"
    tables = {"tables": len(report.tables_restored)}
    audit.done("db restore", report.stack, result, report.backup_id, tables, approved_by=report.approved_by)
    return DbRestored(report, paths)


def _stack_of(backup_id: str) -> str:
    """The stack a database backup id (`<stack>-db-<time>`) belongs to."""
    return backup_id.rsplit("-db-", 1)[0]
