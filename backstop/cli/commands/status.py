"""`backstop status`: backup age against the RPO, the last drift check, success rate, durations, sizes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from backstop.cli.commands.common import emit, failures
from backstop.operations.console import out
from backstop.operations.errors import DRIFT, OK
from backstop.operations.status import check_status, unhealthy


def command(
    stack: Annotated[str, typer.Option(help="Stack to report on")],
    textfile: Annotated[
        Path | None, typer.Option("--prometheus", help="Also write a Prometheus textfile")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Report backup health. Exit 1 when the last successful backup (configuration, or database when the
    stack has one) is older than the RPO (the document's `targets.rpo_hours`, 24 h unless set), or a database
    export is missing from its store."""
    with failures(as_json):
        status = check_status(stack, textfile)

        def human() -> None:
            age = status["last_backup_age_seconds"]
            when = "never" if age is None else f"{age / 3600:.1f} h ago"
            breach = "[red]RPO BREACHED[/red]" if status["rpo_breached"] else "[green]within RPO[/green]"
            out.print(f"{stack}: last backup {when} ({breach}, {status['rpo_seconds'] / 3600:g} h)")
            rate = status["backup_success_rate"]
            shown = "n/a" if rate is None else f"{rate:.0%}"
            out.print(
                f"  backups: {status['backups']} kept, {status['backup_runs']} runs, success rate {shown}"
            )
            recent = status["backup_success_rate_30d"]
            out.print(
                f"  last 30 days: backups {_pct(recent)}, restores {_pct(status['restore_success_rate_30d'])}"
            )
            rto = status["last_restore_rto_seconds"]
            if rto is not None:
                out.print(f"  last restore: {status['last_restore_at']} (RTO {rto:.0f} s)")
            if status["last_drill_at"]:
                verdict = "[green]passed[/green]" if status["last_drill_ok"] else "[red]FAILED[/red]"
                rto = status["last_drill_rto_seconds"]
                live = (
                    f"; live, RTO {rto:.0f} s of {status['last_drill_rto_target_seconds']:.0f} s"
                    if rto
                    else ""
                )
                scenario, at = status["last_drill_scenario"], status["last_drill_at"]
                out.print(f"  last drill: {scenario} {at} ({verdict}{live})")
            if status["last_verification_at"]:
                verdict = "[green]passed[/green]" if status["last_verification_ok"] else "[red]FAILED[/red]"
                rate = _pct(status["verification_success_rate_30d"])
                backup, at = status["last_verification_backup"], status["last_verification_at"]
                out.print(f"  last verification: {backup} {at} ({verdict}; {rate} in 30 days)")
            if status["store_size_bytes"] or status["store_max_bytes"]:
                limit = status["store_max_bytes"]
                over = " [red]OVER THE LIMIT[/red]" if status["store_over_limit"] else ""
                of = f" of {limit:,}" if limit else ""
                out.print(f"  backup store: {status['store_size_bytes']:,}{of} bytes{over}")
            drifted = "-" if status["last_drift_objects"] is None else status["last_drift_objects"]
            out.print(
                f"  last drift check: {status['last_drift_at'] or 'never'} ({drifted} object(s) drifted)"
            )
            database = status["database"]
            if database["declared"] or database["backups"]:
                db_age = database["last_backup_age_seconds"]
                db_when = "never" if db_age is None else f"{db_age / 3600:.1f} h ago"
                db_breach = (
                    "[red]RPO BREACHED[/red]" if database["rpo_breached"] else "[green]within RPO[/green]"
                )
                out.print(f"  database: last backup {db_when} ({db_breach}), {database['backups']} kept")
                for problem in database["export_problems"]:
                    out.print(f"  [red]database export: {problem}[/red]")

        emit(as_json, {"ok": True, **status}, human)
    raise typer.Exit(DRIFT if unhealthy(status) else OK)


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate:.0%}"
