"""`backstop drill`: rehearse a disaster in the sandbox, restore, and prove everything came back exactly.

It refuses to run unless the stack's vendor base URLs point at a running sandbox, so it can rehearse any
stack, prod included, without touching a real service.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from typing import Annotated, Any

import httpx
import typer

from backstop.alerts import Alert
from backstop.backups import history
from backstop.commands.backup import take_backup
from backstop.commands.common import DRIFT, INPUT_ERROR, OK, Failure, emit, notify, out
from backstop.commands.db import db_failures
from backstop.commands.drift import managed_drift
from backstop.commands.restore import Request, choose, restore
from backstop.drill import database
from backstop.drill.report import DrillReport, Phase
from backstop.drill.scenarios import SCENARIOS, apply, where
from backstop.drill.verify import stripe_differences, vercel_differences
from backstop.model import load_document
from backstop.workspace import backups_dir, document_path, export_encrypted, select, stack_secret


def sandbox_url(stack_name: str) -> str:
    """The sandbox the stack talks to, or a refusal: drills never run against real services."""
    url = os.environ.get("BACKSTOP_SANDBOX_URL")
    stack = select(stack_name)
    # Every vendor the plugin writes to: an unset base URL means the real service.
    bases = [
        stack_secret(stack, f"backstop:{vendor}BaseUrl", f"BACKSTOP_{vendor.upper()}_BASE_URL") or ""
        for vendor in ("stripe", "clerk", "svix")
    ]
    if not url or not all(base.startswith(url) for base in bases):
        raise Failure(
            INPUT_ERROR, 'drills run only against the sandbox: `eval "$(backstop sandbox env)"` first'
        )
    try:
        httpx.get(f"{url}/_sandbox/faults", timeout=5).raise_for_status()
    except httpx.HTTPError as exc:
        raise Failure(INPUT_ERROR, f"no sandbox answers at {url}: {exc}") from None
    return url


def stripe_account(state: dict[str, Any], stack_name: str) -> str:
    """The sandbox account holding the stack's managed Stripe objects."""
    ids = {
        r["id"]
        for r in (export_encrypted(stack_name).get("deployment") or {}).get("resources", [])
        if r["type"].startswith("backstop:stripe:") and r.get("id")
    }
    # Custom product ids repeat across accounts (the derrimut fixture's tiers): the account holding
    # the most of the stack's objects is the stack's own.
    overlap = {
        str(account): sum(
            len(ids & set(objects)) for name, objects in collections.items() if not name.startswith("_")
        )
        for account, collections in state.get("stripe", {}).items()
    }
    best = max(overlap, key=lambda account: overlap[account], default=None)
    if best is not None and overlap[best]:
        return best
    raise Failure(INPUT_ERROR, f"{stack_name} manages no Stripe object in the sandbox: run `pulumi up` first")


def run_drill(stack_name: str, scenario: str) -> DrillReport:
    url = sandbox_url(stack_name)
    started = datetime.now(UTC)
    desired = load_document(document_path(stack_name))
    if scenario == "C" and not (desired.vercel and desired.vercel.projects):
        raise Failure(
            INPUT_ERROR,
            f"scenario C deletes environment variables, and {stack_name} owns no Vercel project "
            "(rehearse it on the stack that does: prod in the derrimut example)",
        )
    if managed_drift(stack_name):
        raise Failure(DRIFT, f"{stack_name} is not in sync before the drill: restore it first")
    take_backup(stack_name, f"Drill baseline - scenario {scenario} - {started:%Y-%m-%d}", "daily")
    db = database.start(stack_name, scenario, started, quiet)
    control = httpx.Client(base_url=url, timeout=30)
    state = control.get("/_sandbox/dump").json()
    account = stripe_account(state, stack_name)
    broken_state, broken = apply(state, scenario, where(desired, account, state))
    if db is not None:
        broken += database.damage(db, broken_state, scenario)
    control.post("/_sandbox/load", json=broken_state).raise_for_status()
    disaster = datetime.now(UTC)
    phases = []

    clock = time.monotonic()
    found = managed_drift(stack_name)
    changed = database.detect(db, quiet) if db is not None else []
    phases.append(
        Phase(
            name="detect",
            seconds=time.monotonic() - clock,
            detail=f"`backstop drift` found {len(found)} object(s) drifted"
            + (f"; the database export differs in {len(changed)} table(s)" if db is not None else ""),
        )
    )
    if not found:
        raise Failure(DRIFT, "the drill's disaster went undetected by drift")
    if db is not None and not changed:
        raise Failure(DRIFT, "the drill's database disaster went undetected")

    clock = time.monotonic()
    rule = "the newest complete backup taken before the disaster"
    chosen = choose(stack_name, None, disaster)
    db_chosen = database.choose(db, disaster) if db is not None else None
    detail = f"{rule}: {chosen.id}" + (f"; database: {db_chosen.id}" if db_chosen else "")
    phases.append(Phase(name="decide", seconds=time.monotonic() - clock, detail=detail))

    clock = time.monotonic()
    report, remaining = restore(Request(stack_name, chosen.id, drill=True))
    assert report is not None
    db_report = database.restore(db, db_chosen, quiet) if db is not None and db_chosen is not None else None
    phases.append(
        Phase(
            name="restore",
            seconds=time.monotonic() - clock,
            detail=f"changes {report.changes}; safety backup {report.safety_backup}"
            + (
                f"; database: {'table ' + db_report.table if db_report.table else 'every table'} "
                f"imported, safety export {db_report.safety_backup}"
                if db_report
                else ""
            ),
        )
    )

    clock = time.monotonic()
    after = control.get("/_sandbox/dump").json()
    differences = [*remaining, *stripe_differences(desired, after["stripe"][account])]
    differences += vercel_differences(desired, after, select(stack_name))
    if db is not None and db_report is not None:
        differences += [*db_report.differences, *database.differences(db, after)]
    phases.append(
        Phase(
            name="verify",
            seconds=time.monotonic() - clock,
            detail="refresh preview clean and every declared field equal in the vendor's data"
            if not differences
            else f"{len(differences)} difference(s)",
        )
    )
    return DrillReport(
        stack=stack_name,
        scenario=scenario,
        description=SCENARIOS[scenario][0],
        started_at=started,
        broken=broken,
        phases=phases,
        total_seconds=sum(p.seconds for p in phases),
        decision_rule=rule,
        backup_id=chosen.id,
        data_loss_window_seconds=report.data_loss_window_seconds,
        restored_exactly=not differences,
        differences=differences,
        database_backup_id=db_report.backup_id if db_report else None,
        database_table=db_report.table if db_report else None,
        database_data_loss_window_seconds=db_report.data_loss_window_seconds if db_report else None,
    )


def quiet(message: str) -> None:
    """Drills report phase by phase; the database steps' progress is not printed."""
    return


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
    with db_failures(as_json):
        started = history.now()
        with out.status(f"drill {scenario} on {stack}…"):
            try:
                report = run_drill(stack, scenario)
            except Exception as exc:
                history.record(
                    backups_dir(), history.event("drill", stack, started, False, error=str(exc)[:500])
                )
                if not (isinstance(exc, Failure) and exc.code == INPUT_ERROR):
                    notify(
                        Alert(
                            "drill_failed",
                            stack,
                            f"drill {scenario} failed",
                            "error",
                            {"error": str(exc)[:300]},
                        )
                    )
                raise
        paths = report.write(backups_dir() / stack / "drills")
        if not report.restored_exactly:
            notify(
                Alert(
                    "drill_failed",
                    stack,
                    f"drill {scenario}: not everything came back",
                    "error",
                    {"differences": "; ".join(report.differences[:10]), "report": str(paths[1])},
                )
            )
        history.record(
            backups_dir(),
            history.event(
                "drill",
                stack,
                started,
                report.restored_exactly,
                scenario=scenario,
                total_seconds=report.total_seconds,
            ),
        )
        emit(
            as_json,
            {
                "ok": report.restored_exactly,
                "report": report.model_dump(mode="json"),
                "files": [str(p) for p in paths],
            },
            lambda: out.print(report.markdown(), markup=False),
        )
    raise typer.Exit(OK if report.restored_exactly else DRIFT)
