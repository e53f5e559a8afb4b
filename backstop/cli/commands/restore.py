"""`backstop restore`: put the live services back as a backup declared them (design.md §3).

Brings back what the backup holds and keeps what came later (`--exact` drops it), refuses without the
approval the matrix asks for, runs `backstop doctor`'s checks and stops only on those a restore needs,
takes a safety backup before the first change, imports the backup's stack state when the stack's own
state is gone (so live objects are adopted, not duplicated), verifies with a refresh preview, and writes a
report with the duration and the data-loss window.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from backstop.cli.commands.common import Approval, ApprovedBy, emit, failures
from backstop.operations.console import out
from backstop.operations.errors import DRIFT, OK
from backstop.operations.restore import Request, run_restore
from backstop.runbook.session import StackSession


def command(
    stack: Annotated[str, typer.Option(help="Stack to restore")],
    backup: Annotated[str | None, typer.Option("--backup", help="Backup id (see `backstop backups`)")] = None,
    at: Annotated[
        datetime | None, typer.Option("--at", help="Newest backup taken at or before this time (UTC)")
    ] = None,
    exact: Annotated[
        bool, typer.Option("--exact", help="Also archive or remove objects added after the backup")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan; change nothing")] = False,
    from_stack: Annotated[
        str | None,
        typer.Option("--from-stack", help="Restore a backup of this other stack (needs --mapping)"),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="Mapping file for a cross-stack restore")
    ] = None,
    rotate_secrets: Annotated[
        bool,
        typer.Option(
            "--rotate-secrets",
            help="Recreate webhook endpoints whose secret is unknown; wire new secrets to Vercel",
        ),
    ] = False,
    chain: Annotated[
        bool, typer.Option("--chain", help="Then update the stacks that read this one's webhook secrets")
    ] = False,
    prune_unmanaged: Annotated[
        bool,
        typer.Option(
            "--prune-unmanaged",
            help="Also remove live objects in the stack's scope that no document declares (see drift)",
        ),
    ] = False,
    approved_by: ApprovedBy = None,
    approval: Approval = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Restore a stack from a backup, then verify. First runs `backstop doctor`'s checks (a --dry-run
    too) and stops, with nothing live changed, only on those a restore needs: the engine, the state
    backend and its secrets, the vendor credentials, the vercel plugin, the backup folder. Any other
    failed check is a warning, kept in the report. Exit 0 restored and verified, 1 drift remains, 2
    refused (approval, preflight) or bad input, 3 a vendor or the engine failed."""
    if (backup is None) == (at is None):
        raise typer.BadParameter("give exactly one of --backup and --at")
    moment = at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at
    request = Request(
        backup,
        moment,
        exact,
        dry_run,
        approved_by,
        approval,
        from_stack=from_stack,
        mapping_file=mapping,
        rotate_secrets=rotate_secrets,
        chain=chain,
        prune_unmanaged=prune_unmanaged,
    )
    with failures(as_json):
        restored = run_restore(StackSession(stack), request, out.status)
        report, remaining = restored.report, restored.remaining
        if report is None or restored.files is None:
            emit(
                as_json,
                {"ok": True, "dry_run": True, "plan": remaining},
                lambda: out.print(
                    "\n".join(["plan (nothing changed):", *remaining]) if remaining else "nothing to do"
                ),
            )
            return
        paths = restored.files

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
    raise typer.Exit(OK if not remaining else DRIFT)
