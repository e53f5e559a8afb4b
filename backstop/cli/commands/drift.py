"""`backstop drift`: what differs between the live services and the stack's desired state.

Managed drift is a refresh preview: the engine reads every managed object live and compares it with what
the desired state declares. When the document, config and code are those the last update applied and
nothing changed the state since, live is compared with the state instead, without running the program
(`--full` always runs it). Nothing is changed, live or in the state.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from backstop.cli.commands.common import emit, failures
from backstop.operations.console import out
from backstop.operations.drift import IGNORE_FILE, check_drift
from backstop.operations.errors import DRIFT, OK
from backstop.runbook.session import StackSession


def command(
    stack: Annotated[str, typer.Option(help="Stack to check")],
    notify_url: Annotated[
        str | None, typer.Option("--notify", help="Slack-compatible webhook to post to when drift is found")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Unmanaged objects in the stack's scope count as drift")
    ] = False,
    full: Annotated[
        bool,
        typer.Option("--full", help="Always run the program's refresh preview (no refresh-only shortcut)"),
    ] = False,
) -> None:
    """Compare live services with the desired state.

    Exit 0 in sync, 1 drift, 2 input error, 3 vendor or engine error.
    """
    with failures(as_json):
        with out.status(f"reading {stack}'s live objects…"):
            report = check_drift(StackSession(stack), strict, notify_url, full)
        changes = report.managed

        def human() -> None:
            if not report.drifted:
                out.print(
                    f"[green]in sync[/green]: every managed object of {stack} matches its desired state"
                )
            else:
                out.print(f"[yellow]drift[/yellow] in {stack}: {report.drifted} object(s)")
            for change in changes:
                fields = f" ({', '.join(change.fields)})" if change.fields else ""
                out.print(f"  {change.op:<8} {change.name}{fields}: {change.meaning}", markup=False)
            for oob in report.out_of_band:
                out.print(
                    f"  changed  {oob.name} ({', '.join(oob.targets)}): sensitive value changed out of band "
                    f"at {oob.updated_at:%Y-%m-%d %H:%M:%S} UTC (after the last `pulumi up`)"
                )
            if report.unmanaged:
                out.print(
                    f"unmanaged ({len(report.unmanaged)}: live in {stack}'s scope, not declared; "
                    f"list known extras in {IGNORE_FILE}):"
                )
                for extra in report.unmanaged:
                    out.print(f"  {extra}", markup=False)
            if report.oauth:
                out.print("Clerk OAuth providers (no API writes them: the dashboard steps follow):")
                for line, step in zip(report.oauth, report.oauth_steps, strict=True):
                    out.print(f"  {line}", markup=False)
                    out.print(f"    → {step}", markup=False)
            if report.oauth_not_checked:
                out.print(report.oauth_not_checked, markup=False)
            if report.asserted:
                out.print(f"asserted, not observed ({len(report.asserted)} write-only values):")
                for line in report.asserted:
                    out.print(f"  {line}", markup=False)
            if report.drifted:
                out.print("restore with `backstop restore`")

        emit(
            as_json,
            {
                "ok": True,
                "stack": stack,
                "in_sync": not report.drifted,
                "managed": [asdict(c) for c in changes],
                "out_of_band": [asdict(o) for o in report.out_of_band],
                "unmanaged": report.unmanaged,
                "asserted_not_observed": report.asserted,
                "oauth_providers": report.oauth,
                "oauth_dashboard_steps": report.oauth_steps,
                "oauth_not_checked": report.oauth_not_checked,
                "path": report.path,
                "full_because": report.full_because,
            },
            human,
        )
    raise typer.Exit(DRIFT if report.drifted else OK)
