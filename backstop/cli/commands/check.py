"""`backstop check`: signed test deliveries to every managed webhook endpoint (the apps must accept them),
and the document's smoke checks."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from backstop.cli.commands.common import emit, failures
from backstop.operations.check import DEFAULT_TIMEOUT, run_check
from backstop.operations.console import out
from backstop.operations.errors import DRIFT, OK
from backstop.runbook.session import StackSession


def command(
    stack: Annotated[str, typer.Option(help="Stack whose webhook endpoints to check")],
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds each app has to answer")
    ] = DEFAULT_TIMEOUT,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """POST a harmless test event (type `backstop.test.ping`, livemode false) to every Stripe and Clerk
    webhook endpoint of the stack's document, signed as the vendor signs it with the endpoint's secret
    from the stack's outputs; each app must answer 2xx within the timeout. An endpoint whose secret the
    stack doesn't know is not checkable (the fix is printed). The document's smoke checks (`checks:`) run
    at the same time. Exit 0 all passed, 1 a delivery or smoke check failed or could not be checked, 2 bad
    input (nothing sent)."""
    with failures(as_json):
        report = run_check(StackSession(stack), timeout)

        def human() -> None:
            for line in report.lines():
                out.print(escape(line))
            out.print(f"{stack}: {escape(report.summary())} ({report.seconds:.2f} s)")

        emit(as_json, {"ok": report.ok, "report": report.model_dump(mode="json")}, human)
    raise typer.Exit(OK if report.ok else DRIFT)
