"""`backstop up`: `pulumi up` that adopts live objects a plain create would refuse.

Vercel refuses a second variable with the same name and target (ENV_CONFLICT). Before the update, every
declared variable that already exists live is imported; if the update still stops on ENV_CONFLICT (a run
killed after the create reached Vercel, or a variable made by hand meanwhile), the variables it names are
imported and the update runs again.
"""

from __future__ import annotations

from typing import Annotated

import typer

from backstop.adopt.runner import up_adopting
from backstop.commands.common import emit, failures, out
from backstop.model import load_document
from backstop.model.stacks import check_ownership
from backstop.workspace import clear_stale_lock, document_path, repair_checkpoint, select


def command(
    stack: Annotated[str, typer.Option(help="Stack to update")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Apply the desired state, adopting existing Vercel variables instead of failing on ENV_CONFLICT."""
    with failures(as_json):
        path = document_path(stack)
        document = load_document(path)
        check_ownership(document, path)
        # A checkpoint the kill truncated first: `pulumi cancel` can't even load it.
        repaired = repair_checkpoint(stack)
        cleared = ([repaired] if repaired else []) + clear_stale_lock(stack)
        with out.status(f"updating {stack}…"):
            result, adopted = up_adopting(select(stack), document)
        changes = {
            str(getattr(k, "value", k)): v
            for k, v in (result.summary.resource_changes or {}).items()
            if str(getattr(k, "value", k)) != "same"
        }
        emit(
            as_json,
            {
                "ok": True,
                "stack": stack,
                "changes": changes,
                "adopted": adopted.keys,
                "conflict_retries": adopted.rounds,
                "stale_lock_cleared": cleared,
            },
            lambda: out.print(
                f"{stack} updated: {changes or 'no changes'}"
                + (f"; adopted {', '.join(adopted.keys)}" if adopted.keys else "")
            ),
        )
