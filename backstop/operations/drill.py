"""Drilling: rehearse a disaster in the sandbox, restore, and prove everything came back exactly.

In place, it refuses to run unless the stack's vendor base URLs point at a running sandbox; a rehearsal
(operations/rehearsal.py) runs it on a private sandbox built from the stack's backup. Either way it can
rehearse any stack, prod included, without touching a real service.
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from backstop.operations import audit, drill_live, rehearsal
from backstop.operations.backup import take_backup
from backstop.operations.choose import choose
from backstop.operations.drift import managed_drift, refreshed_drift
from backstop.operations.drill_sandbox import sandbox_url, stripe_account
from backstop.operations.errors import DRIFT, INPUT_ERROR, Failure
from backstop.operations.notify import notify
from backstop.operations.restore import Request, restore
from backstop.operations.stage import Stage, unseen
from backstop.runbook.alerts import Alert
from backstop.runbook.backups import history
from backstop.runbook.drill import database
from backstop.runbook.drill.report import DrillReport, Phase
from backstop.runbook.drill.scenarios import apply, where
from backstop.runbook.drill.verify import stripe_differences, vercel_differences
from backstop.runbook.session import StackSession
from backstop.runbook.workspace import backups_dir, drills_dir


@dataclass(frozen=True)
class Drilled:
    report: DrillReport
    files: tuple[Path, Path]
    """The report as JSON and as Markdown."""


@dataclass(frozen=True)
class Rehearse:
    """Drill the stack's own configuration from a backup in a private sandbox (operations/rehearsal.py)."""

    backup_id: str | None = None
    """None: the newest complete backup."""


@dataclass(frozen=True)
class Live:
    """Drill the stack in its real services (operations/drill_live.py)."""

    approved_by: str | None


def drill(
    session: StackSession,
    scenario: str,
    stage: Stage = unseen,
    rehearse: Rehearse | None = None,
    live: Live | None = None,
) -> Drilled:
    """`backstop drill`: the drill (in the sandbox the stack lives in, a rehearsal, or live), its report
    files and history; a drill that fails alerts. A live drill's refusals come before anything runs."""
    stack = session.name
    if live is not None:
        refused = drill_live.unapproved(stack, live.approved_by)
        if refused is not None:
            audit.refused(drill_live.LIVE, stack, refused, details={"scenario": scenario})
            raise Failure(INPUT_ERROR, str(refused))
        reason = drill_live.refusal(session, scenario)
        if reason:
            raise Failure(INPUT_ERROR, reason)
    started = history.now()
    with nullcontext() if rehearse else stage(f"drill {scenario} on {stack}{' (live)' if live else ''}…"):
        try:
            if rehearse is not None:
                report = rehearsal.rehearse(stack, scenario, rehearse.backup_id, stage)
            elif live is not None:
                assert live.approved_by is not None
                report = drill_live.run_live_drill(session, scenario, live.approved_by)
            else:
                report = run_drill(session, scenario)
        except Exception as exc:
            history.record(backups_dir(), history.event("drill", stack, started, False, error=str(exc)[:500]))
            if not (isinstance(exc, Failure) and exc.code == INPUT_ERROR):
                notify(
                    Alert(
                        "drill_failed", stack, f"drill {scenario} failed", "error", {"error": str(exc)[:300]}
                    )
                )
            raise
    paths = report.write(drills_dir() / stack)
    if not report.passed:
        notify(
            Alert(
                "drill_failed",
                stack,
                f"drill {scenario}: not everything came back",
                "error",
                {
                    "differences": "; ".join((report.failures + report.differences)[:10]),
                    "report": str(paths[1]),
                },
            )
        )
    history.record(
        backups_dir(),
        history.event(
            "drill",
            stack,
            started,
            report.passed,
            scenario=scenario,
            total_seconds=report.total_seconds,
            **({"rehearsed": report.rehearsal.backup_id} if report.rehearsal else {}),
            **(
                {
                    "live": True,
                    "rto_seconds": report.live.rto_seconds,
                    "rto_target_seconds": report.live.rto_target_seconds,
                }
                if report.live
                else {}
            ),
        ),
    )
    return Drilled(report, paths)


def run_drill(session: StackSession, scenario: str) -> DrillReport:
    stack_name = session.name
    url = sandbox_url(session)
    started = datetime.now(UTC)
    desired = session.desired
    if scenario == "C" and not (desired.vercel and desired.vercel.projects):
        raise Failure(
            INPUT_ERROR,
            f"scenario C deletes environment variables, and {stack_name} owns no Vercel project "
            "(rehearse it on the stack that does: prod in the derrimut example)",
        )
    # One refresh serves both the in-sync check and the baseline backup (it records live in the state).
    if refreshed_drift(session):
        raise Failure(DRIFT, f"{stack_name} is not in sync before the drill: restore it first")
    take_backup(session, f"Drill baseline - scenario {scenario} - {started:%Y-%m-%d}", "daily", refresh=False)
    db = database.start(stack_name, scenario, started, quiet)
    control = httpx.Client(base_url=url, timeout=30)
    state = control.get("/_sandbox/dump").json()
    account = stripe_account(state, session)
    broken_state, broken = apply(state, scenario, where(desired, account, state))
    if db is not None:
        broken += database.damage(db, broken_state, scenario)
    control.post("/_sandbox/load", json=broken_state).raise_for_status()
    disaster = datetime.now(UTC)
    phases = []

    clock = time.monotonic()
    found = managed_drift(session)
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

    # The restore runs `backstop doctor`'s preflight first, as a real one does: its time is in the phase.
    clock = time.monotonic()
    report, remaining = restore(session, Request(chosen.id, drill=True))
    assert report is not None
    db_report = database.restore(db, db_chosen, quiet) if db is not None and db_chosen is not None else None
    phases.append(
        Phase(
            name="restore",
            seconds=time.monotonic() - clock,
            detail=f"changes {report.changes}; safety backup {report.safety_backup}"
            + (
                f"; preflight warnings: {'; '.join(report.preflight_warnings)}"
                if report.preflight_warnings
                else ""
            )
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
    differences += vercel_differences(desired, after, session)
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
    return DrillReport.of(
        stack_name,
        scenario,
        started,
        broken,
        phases,
        (rule, chosen.id),
        differences,
        data_loss_window_seconds=report.data_loss_window_seconds,
        database_backup_id=db_report.backup_id if db_report else None,
        database_table=db_report.table if db_report else None,
        database_data_loss_window_seconds=db_report.data_loss_window_seconds if db_report else None,
        checks=report.checks,
    )


def quiet(message: str) -> None:
    """Drills report phase by phase; the database steps' progress is not printed."""
    return
