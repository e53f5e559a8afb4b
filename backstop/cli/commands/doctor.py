"""`backstop doctor`: engine, plugins, credentials and scope, state, backup folders, one line each."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from backstop.cli.commands.common import emit, failures
from backstop.operations.console import out
from backstop.operations.doctor import diagnose
from backstop.operations.errors import DRIFT, OK


def command(
    stack: Annotated[str, typer.Option(help="Stack to check")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Check everything a backup and a restore of the stack need, never writing: the pinned engine, the
    vercel plugin, each credential (authenticates, belongs to the document's scope, can read what a backup
    reads; a Stripe key may also write what a restore writes, probed with empty creates Stripe refuses),
    the state backend and its secrets, the backup folder, and for a database Node, the Convex CLI and the
    backup store. Exit 0 only when every check passes, 1 otherwise."""
    with failures(as_json):
        diagnosis = diagnose(stack)

        def human() -> None:
            for check in diagnosis.checks:
                mark = "[green]✓[/green]" if check.ok else "[red]✗[/red]"
                out.print(f"{mark} {escape(check.name)}: {escape(check.detail)}")
                if not check.ok:
                    out.print(f"    fix: {escape(check.fix)}")

        emit(
            as_json,
            {"ok": diagnosis.ok, "stack": stack, "checks": [c.to_json() for c in diagnosis.checks]},
            human,
        )
    raise typer.Exit(OK if diagnosis.ok else DRIFT)
