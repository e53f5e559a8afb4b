"""`backstop drill`: rehearse a disaster in the sandbox, restore, and prove everything came back exactly.

It refuses to run unless the stack's vendor base URLs point at a running sandbox, so it can rehearse any
stack, prod included, without touching a real service.
"""

from __future__ import annotations

from typing import Annotated

import typer

from backstop.cli.commands.common import emit, failures
from backstop.operations.console import out
from backstop.operations.database import database_failures
from backstop.operations.drill import drill
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
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Break the stack in the sandbox, detect, decide, restore, verify. Exit 0 only if all is back exactly."""
    scenario = scenario.upper()
    if scenario not in SCENARIOS:
        raise typer.BadParameter("scenario must be A, B, C or D")
    with failures(as_json), database_failures():
        drilled = drill(StackSession(stack), scenario, out.status)
        report = drilled.report
        emit(
            as_json,
            {
                "ok": report.restored_exactly,
                "report": report.model_dump(mode="json"),
                "files": [str(p) for p in drilled.files],
            },
            lambda: out.print(report.markdown(), markup=False),
        )
    raise typer.Exit(OK if report.restored_exactly else DRIFT)
