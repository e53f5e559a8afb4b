"""`backstop approve`: the approver signs, with their SSH key, a backup to restore or a document to apply
on a stack; the file it writes is what `restore`, `db restore`, `up` and `capture --adopt` (`--approval`
or BACKSTOP_APPROVAL) and a plain `pulumi up` (BACKSTOP_APPROVAL) check before changing anything."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, cast

import typer

from backstop.cli.commands.common import emit, failures
from backstop.operations.approve import Subject, approve, parse_expiry
from backstop.operations.console import out
from backstop.operations.errors import INPUT_ERROR, Failure
from backstop.runbook.approvals.matrix import Kind

KINDS = ("configuration", "database")


def command(
    stack: Annotated[str, typer.Option(help="Stack the approval is for")],
    key: Annotated[
        Path,
        typer.Option("--key", help="Your SSH key (private, or its .pub with the private half in ssh-agent)"),
    ],
    backup: Annotated[str | None, typer.Option("--backup", help="Backup id to restore")] = None,
    document: Annotated[
        Path | None, typer.Option("--document", help="Desired-state document to apply (up, capture --adopt)")
    ] = None,
    kinds: Annotated[
        str | None,
        typer.Option("--kinds", help="configuration,database (default: the backup's kind; configuration)"),
    ] = None,
    expires: Annotated[str, typer.Option("--expires", help="Valid for: 30m, 2h, 1d (at most 7d)")] = "2h",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Approval file (default approval-<stack>-<what>.json)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Sign an approval (SSH signature, namespace backstop-approval) of one backup or document for one
    stack. Single use; exit 2 when your key isn't in approvals.yaml or your role can't approve it."""
    with failures(as_json):
        if (backup is None) == (document is None):
            raise Failure(INPUT_ERROR, "give exactly one of --backup and --document")
        chosen: list[Kind] | None = None
        if kinds:
            names = [k.strip() for k in kinds.split(",") if k.strip()]
            unknown = [k for k in names if k not in KINDS]
            if unknown or not names:
                raise Failure(
                    INPUT_ERROR,
                    f"--kinds: {', '.join(unknown) or 'none given'}: not one of {', '.join(KINDS)}",
                )
            chosen = [cast(Kind, k) for k in names]
        path, payload = approve(
            stack, Subject(backup, document), chosen, parse_expiry(expires), key, out_file
        )
        emit(
            as_json,
            {"ok": True, "file": str(path), "approval": payload.model_dump(mode="json")},
            lambda: out.print(
                f"{path}: {payload.approver} approves {payload.subject()} on {stack} "
                f"({', '.join(payload.kinds)}) until {payload.expires_at.isoformat()}; single use"
            ),
        )
