"""`backstop backups`: the backups of a stack with age, class, label, size and status."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from backstop.cli.commands.common import emit, failures
from backstop.operations.backups import backup_rows
from backstop.operations.console import out


def command(
    stack: Annotated[str, typer.Option(help="Stack whose backups to list")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """List backups (configuration and database), newest first, checking each one's files against its
    manifest, and each database export or configuration backup's store copy in its backup store against
    its checksum."""
    with failures(as_json):
        rows = backup_rows(stack)

        def human() -> None:
            table = Table(title=f"backups of {stack}")
            # An id is what the next command needs (`restore --backup ID`): never cut, the label wraps.
            table.add_column("id", no_wrap=True, min_width=max((len(str(r["id"])) for r in rows), default=2))
            for column in ("kind", "age", "class", "label", "size", "store", "status"):
                table.add_column(column, overflow="fold")
            for row in rows:
                age = f"{row['age_hours']} h" if row["age_hours"] is not None else "?"
                status = "ok" if row["status"] == "ok" else f"[red]{row['problem'] or 'failed'}[/red]"
                copy = row["store_copy"]["status"] if row["store_copy"] else "-"
                table.add_row(
                    str(row["id"]),
                    str(row["kind"]),
                    age,
                    str(row["class"]),
                    str(row["label"]),
                    f"{row['size_bytes']} B",
                    copy,
                    status,
                )
            out.print(table if rows else f"no backups of {stack}")

        emit(as_json, {"ok": True, "stack": stack, "backups": rows}, human)
