"""`backstop drill`: rehearse a disaster in the sandbox, restore, and prove everything came back exactly.

`--rehearse` (the default unless BACKSTOP_SANDBOX_URL is set) drills the stack's own configuration from
its backup in a private sandbox; `--in-place` drills the stack where it lives, which must be the sandbox.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from backstop.cli.commands.common import emit, failures
from backstop.operations.console import out
from backstop.operations.database import database_failures
from backstop.operations.drill import Live, Rehearse, drill
from backstop.operations.errors import DRIFT, OK
from backstop.runbook.drill.scenarios import SCENARIOS
from backstop.runbook.session import StackSession


def command(
    stack: Annotated[
        str, typer.Option(help="Stack to rehearse (any, prod included: it all runs in the sandbox)")
    ],
    scenario: Annotated[
        str,
        typer.Option(
            help="A complete loss, B corrupted data, C env vars deleted, D third-party config deleted"
        ),
    ],
    rehearse: Annotated[
        bool | None,
        typer.Option(
            "--rehearse/--in-place",
            help="Rehearse from the stack's backup in a private sandbox (the default unless "
            "BACKSTOP_SANDBOX_URL is set), or drill the stack where it lives (the sandbox only)",
        ),
    ] = None,
    backup: Annotated[
        str | None, typer.Option(help="The backup to rehearse (default: the newest complete one)")
    ] = None,
    live: Annotated[
        bool,
        typer.Option(
            "--live",
            help="Drill the stack in its real services (staging: test-mode Stripe, a development Clerk "
            "instance, no rule of approvals.yaml protecting it); needs --approved-by",
        ),
    ] = False,
    approved_by: Annotated[
        str | None,
        typer.Option("--approved-by", help="Who approved a live drill (a person in approvals.yaml)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Break the stack (in a private sandbox, the sandbox it lives in, or with --live its real services),
    detect, decide, restore, verify. Exit 0 only if all is back exactly (and, live, within the RTO target
    at the first attempt), 1 otherwise, 2 refused (nothing broken)."""
    scenario = scenario.upper()
    if scenario not in SCENARIOS:
        raise typer.BadParameter("scenario must be A, B, C or D")
    if live and (rehearse is not None or backup):
        raise typer.BadParameter(
            "--live drills the stack where it lives: drop --rehearse, --in-place and --backup"
        )
    if approved_by and not live:
        raise typer.BadParameter("--approved-by names who approved a live drill: add --live, or drop it")
    if rehearse is None:
        rehearse = not live and not os.environ.get("BACKSTOP_SANDBOX_URL")
    if backup and not rehearse:
        raise typer.BadParameter("--backup chooses what a rehearsal applies: drop it, or add --rehearse")
    with failures(as_json), database_failures():
        drilled = drill(
            StackSession(stack),
            scenario,
            out.status,
            Rehearse(backup) if rehearse else None,
            Live(approved_by) if live else None,
        )
        report = drilled.report
        emit(
            as_json,
            {
                "ok": report.passed,
                "report": report.model_dump(mode="json"),
                "files": [str(p) for p in drilled.files],
            },
            lambda: out.print(report.markdown(), markup=False),
        )
    raise typer.Exit(OK if report.passed else DRIFT)
