"""`backstop audit verify`: the audit log's hash chain, each stack's head in its state backend, an
approval for every change of a protected stack, and `pulumi destroy` runs in the engine's history."""

from __future__ import annotations

from typing import Annotated

import typer

from backstop.cli.commands.common import emit, failures
from backstop.operations.audit import verify
from backstop.operations.console import out
from backstop.operations.errors import DRIFT, OK
from backstop.runbook.audit_log import log_path

app = typer.Typer(
    help="The audit log of changing operations (snapshots/audit-log.jsonl).", no_args_is_help=True
)


@app.command("verify")
def verify_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Check the chain (any edit, deletion or reordering is named at the first broken record), each
    stack's last record against its state backend, and that every change of a protected stack was
    approved. Exit 0 intact, 1 problems found."""
    with failures(as_json):
        verdict = verify()
        emit(
            as_json,
            {
                "ok": not verdict.problems,
                "log": str(log_path()),
                "records": verdict.records,
                "problems": verdict.problems,
            },
            lambda: out.print(
                "\n".join(verdict.problems)
                if verdict.problems
                else f"{log_path()}: {verdict.records} records, chain intact, protected changes approved",
                markup=False,
            ),
        )
    raise typer.Exit(DRIFT if verdict.problems else OK)
