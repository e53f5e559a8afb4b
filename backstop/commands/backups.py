"""`backstop backups`: the backups of a stack with age, class, label, size and status."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from backstop.backups.catalogue import ALL_KINDS, list_backups
from backstop.commands.common import emit, failures, out
from backstop.db.exports import export_problem
from backstop.workspace import backups_dir


def command(
    stack: Annotated[str, typer.Option(help="Stack whose backups to list")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """List backups (configuration and database), newest first, checking each one's files against its
    manifest, and each database export in its backup store against its checksum."""
    with failures(as_json):
        now = datetime.now(UTC)
        rows = []
        for backup in reversed(list_backups(backups_dir(), stack, ALL_KINDS)):
            problem = backup.verify() or export_problem(backup)
            manifest = backup.manifest
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
                }
            )

        def human() -> None:
            table = Table(title=f"backups of {stack}")
            for column in ("id", "kind", "age", "class", "label", "size", "status"):
                table.add_column(column)
            for row in rows:
                age = f"{row['age_hours']} h" if row["age_hours"] is not None else "?"
                status = "ok" if row["status"] == "ok" else f"[red]{row['problem'] or 'failed'}[/red]"
                table.add_row(
                    str(row["id"]),
                    str(row["kind"]),
                    age,
                    str(row["class"]),
                    str(row["label"]),
                    f"{row['size_bytes']} B",
                    status,
                )
            out.print(table if rows else f"no backups of {stack}")

        emit(as_json, {"ok": True, "stack": stack, "backups": rows}, human)
