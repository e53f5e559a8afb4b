"""`backstop up`: `pulumi up` that adopts live objects a plain create would refuse.

Vercel refuses a second variable with the same name and target (ENV_CONFLICT). Before the update, every
declared variable that already exists live is imported; if the update still stops on ENV_CONFLICT (a run
killed after the create reached Vercel, or a variable made by hand meanwhile), the variables it names are
imported and the update runs again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from backstop.cli.commands.common import emit, failures
from backstop.operations.console import out
from backstop.operations.up import update
from backstop.runbook.session import StackSession


def command(
    stack: Annotated[str, typer.Option(help="Stack to update")],
    approval: Annotated[
        Path | None,
        typer.Option(
            "--approval",
            envvar="BACKSTOP_APPROVAL",
            help="Signed approval of the document (`backstop approve --document`), on a protected stack",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Apply the desired state, adopting existing Vercel variables instead of failing on ENV_CONFLICT."""
    with failures(as_json):
        updated = update(StackSession(stack), out.status, approval)
        changes, adopted = updated.changes, updated.adopted
        emit(
            as_json,
            {
                "ok": True,
                "stack": stack,
                "changes": changes,
                "adopted": adopted,
                "conflict_retries": updated.conflict_retries,
                "stale_lock_cleared": updated.stale_lock_cleared,
                "phases": updated.phases,
            },
            lambda: out.print(
                f"{stack} updated: {changes or 'no changes'}"
                + (f"; adopted {', '.join(adopted)}" if adopted else "")
                + (f" ({'; '.join(updated.phases)})" if updated.phases else "")
            ),
        )
