"""`backstop verify`: the runbook's weekly backup verification, appended to the Backup Verification Log."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from backstop.cli.commands.common import Approval, ApprovedBy, emit, failures
from backstop.operations.console import out
from backstop.operations.database import database_failures
from backstop.operations.errors import DRIFT, OK
from backstop.operations.verify import Request, verify
from backstop.runbook.db.convex_cli import Say


def command(
    stack: Annotated[
        str, typer.Option(help="Stack whose backups to verify (prod included: nothing live is touched)")
    ],
    tested_by: Annotated[
        str, typer.Option("--tested-by", help="Who runs the verification (the log records it)")
    ],
    random: Annotated[
        bool, typer.Option("--random", help="Draw the backup at random from the window (the default)")
    ] = False,
    backup: Annotated[
        str | None, typer.Option(help="Verify this configuration backup instead of drawing one at random")
    ] = None,
    since: Annotated[str, typer.Option(help="The window a backup is drawn from: 7d, 36h, 90m")] = "7d",
    seed: Annotated[
        int | None, typer.Option(help="Seed of the draw (printed by every run, so a run can be repeated)")
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            help="Restore the database backup into this stack (its approval rules apply), or `sandbox` for "
            "the private sandbox's Convex; prod's go to staging unless told"
        ),
    ] = None,
    approved_by: ApprovedBy = None,
    approval: Approval = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Draw a complete configuration backup of the stack from the window (and its database backup of the
    same day), restore the configuration in a private sandbox and the database into --to (a stack, or the
    sandbox's Convex), check the configuration with drift, the database against
    its manifest and the document's data checks (`verify:`), and the apps with signed test deliveries and
    smoke checks; append the result to snapshots/verification-log.jsonl and VERIFICATION_LOG.md. Exit 0
    passed, 1 failed (the entry says why, and an alert goes out), 2 bad input (nothing run or logged)."""
    if backup and (seed is not None or random):
        raise typer.BadParameter("--random and --seed draw a backup at random: drop them, or drop --backup")
    with failures(as_json), database_failures():
        request = Request(stack, tested_by, backup, since, seed, to, approved_by, approval)
        verified = verify(request, out.status, _say(as_json))
        entry = verified.entry

        def human() -> None:
            for issue in entry.issues_found:
                out.print(f"  issue: {escape(issue)}")
            verdict = "[green]passed[/green]" if entry.passed else "[bold red]failed[/bold red]"
            out.print(
                f"{stack}: verification of {escape(entry.backup_tested)} {verdict} "
                f"({entry.durations.total:.1f} s); logged in {escape(str(verified.files[1]))}"
            )

        emit(
            as_json,
            {
                "ok": entry.passed,
                "entry": entry.model_dump(mode="json"),
                "files": [str(p) for p in verified.files],
            },
            human,
        )
    raise typer.Exit(OK if entry.passed else DRIFT)


def _say(as_json: bool) -> Say:
    def say(line: str) -> None:
        if not as_json:
            out.print(escape(line))

    return say
