"""`backstop capture`: write the live configuration into the stack's desired-state document.

Then `pulumi up` (or `--adopt`) adopts every object by its natural key, changing nothing live, and the
next `pulumi preview --refresh` finds nothing to do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from backstop.cli.commands.common import emit, failures
from backstop.operations.capture import capture
from backstop.operations.console import out
from backstop.runbook.session import StackSession


def command(
    stack: Annotated[str, typer.Option(help="Stack whose accounts to read")],
    output: Annotated[
        Path | None, typer.Option(help="Where to write (default: the stack's document)")
    ] = None,
    adopt: Annotated[
        bool, typer.Option("--adopt", help="Then run `pulumi up` to adopt every object")
    ] = False,
    vercel_project: Annotated[
        list[str] | None,
        typer.Option("--vercel-project", help="A Vercel project id this stack owns (default: its scope)"),
    ] = None,
    vercel_team: Annotated[str | None, typer.Option("--vercel-team", help="The projects' team id")] = None,
    approval: Annotated[
        Path | None,
        typer.Option(
            "--approval",
            envvar="BACKSTOP_APPROVAL",
            help="With --adopt on a protected stack: a signed approval of the captured document",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Read the live configuration into snapshots/<stack>.yaml and list what could not be read."""
    with failures(as_json):
        captured = capture(
            StackSession(stack),
            output,
            adopt,
            vercel_project or [],
            vercel_team,
            out.status,
            approval=approval,
        )
        missing = captured.not_captured
        emit(
            as_json,
            {
                "ok": True,
                "stack": stack,
                "document": str(captured.document),
                "adopted": adopt,
                "not_captured": missing,
                "secrets_stored": captured.secrets_stored,
            },
            lambda: out.print(
                f"wrote {captured.document}\n"
                + ("not captured:\n" + "\n".join(f"  - {m}" for m in missing) if missing else "")
            ),
        )
