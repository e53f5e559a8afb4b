"""`backstop drill --live`: the runbook's monthly disaster-recovery test in the stack's real services.

Only a stack no rule of approvals.yaml protects, with a test-mode Stripe key and a development Clerk
instance (staging), and with the name of who approved it. A safety backup first; the scenario's subset of
the objects the stack manages broken through the vendors' public APIs (runbook/drill/live.py); detected
by drift, decided, restored by `backstop restore` and verified by the restore's own clean verification.
For scenarios A and B a stack with a Convex deployment loses its database too (every table emptied, or
one critical table corrupted, by an import through the deployment's API), restored by `db restore` from
the database backup taken just before and verified by an export.
A restore that fails is tried once more from the safety backup; the drill then fails and says how to
finish by hand.
The RTO (detect + decide + restore) is measured against the document's `targets.rto_minutes`.

The audit log gets a record of each restore and database restore the drill runs (with the approver's
name), then one of the drill (`drill --live`: its scenario, result and what it broke), also when it fails
part-way. Its kind is `database` when the scenario breaks the stack's database too (A and B, with a
Convex deployment in its config), else `configuration`. A refusal by approvals.yaml (`unapproved`: a
protected stack, no approver, one the file doesn't list) is recorded as `refused`; the safety refusals
(`refusal`: live-mode Stripe, a production Clerk instance, C without Vercel) are not.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from backstop.operations import audit
from backstop.operations.backup import take_backup
from backstop.operations.choose import choose
from backstop.operations.drift import managed_drift, refreshed_drift
from backstop.operations.errors import DRIFT, VENDOR_ERROR, Failure
from backstop.operations.restore import Request, restore
from backstop.plugin.clients.connections import session_connections
from backstop.runbook.approvals.authorize import matrix
from backstop.runbook.approvals.check import Refused
from backstop.runbook.approvals.matrix import Kind
from backstop.runbook.backups.manifest import Manifest
from backstop.runbook.db import settings
from backstop.runbook.db.report import DbRestoreReport
from backstop.runbook.drill import database
from backstop.runbook.drill.live import break_live
from backstop.runbook.drill.report import DrillReport, Live, Phase
from backstop.runbook.restore.report import Report
from backstop.runbook.session import StackSession

T = TypeVar("T")
LIVE = "drill --live"


def unapproved(stack: str, approved_by: str | None) -> Refused | None:
    """Why the stack can't be drilled live by approvals.yaml (a protected stack, no approver or one it
    doesn't list), or None; checked first, before anything is read."""
    rules = matrix()
    if rules.protects(stack):
        return Refused(
            "protected",
            f"{stack} is protected by approvals.yaml: a live drill breaks real objects, so it runs only on a "
            f"stack no rule protects (staging); rehearse {stack} instead (`backstop drill --rehearse`)",
        )
    if not approved_by:
        return Refused(
            "missing",
            "--approved-by: name who approved breaking the stack's real services "
            "(a person in approvals.yaml)",
        )
    if approved_by not in rules.people:
        return Refused("unknown-person", f"--approved-by: {approved_by!r} is not in approvals.yaml")
    return None


def refusal(session: StackSession, scenario: str) -> str | None:
    """Why the stack's services can't be drilled live (checked before anything is read from a vendor), or
    None."""
    stack = session.name
    desired = session.desired
    conn = session_connections(session)
    if (desired.scope.stripe and desired.scope.stripe.mode != "test") or conn.stripe.live:
        return f"{stack}'s Stripe is live mode: a live drill runs only against test-mode Stripe"
    clerk = desired.scope.clerk
    if (clerk and clerk.environment != "development") or (conn.clerk.secret_key or "").startswith("sk_live_"):
        return (
            f"{stack}'s Clerk instance is a production one: a live drill runs only on a development instance"
        )
    if scenario == "C" and not (desired.vercel and desired.vercel.projects):
        return f"scenario C deletes environment variables, and {stack} owns no Vercel project"
    return None


def run_live_drill(session: StackSession, scenario: str, approved_by: str) -> DrillReport:
    """The drill, and its audit record after its restores' own: the scenario, the result (`passed`,
    `failed`), the objects and database tables it broke, the safety backup and the RTO."""
    stack = session.name
    with_data = scenario in database.SCENARIOS and settings.declared(stack)
    kind: Kind = "database" if with_data else "configuration"
    try:
        report = _drill(session, scenario, approved_by)
    except Exception as exc:
        audit.failed(LIVE, stack, exc, approved_by=approved_by, kind=kind, details={"scenario": scenario})
        raise
    tables = sum(1 for line in report.broken if line.startswith("database table"))
    assert report.live is not None
    audit.done(
        LIVE,
        stack,
        "passed" if report.passed else "failed",
        report.backup_id,
        {"broken": len(report.broken) - tables, **({"tables": tables} if tables else {})},
        approved_by=approved_by,
        kind=kind,
        details={
            "scenario": scenario,
            "safety_backup": report.live.safety_backup,
            "rto_seconds": round(report.live.rto_seconds, 1),
        },
    )
    return report


def _drill(session: StackSession, scenario: str, approved_by: str) -> DrillReport:
    stack = session.name
    started = datetime.now(UTC)
    desired = session.desired
    if refreshed_drift(session):
        raise Failure(DRIFT, f"{stack} is not in sync before the drill: restore it first")
    safety = take_backup(
        session,
        f"Drill safety backup - live scenario {scenario} - {started:%Y-%m-%d}",
        "critical",
        approved_by=approved_by,
        refresh=False,
    )
    db = database.start(stack, scenario, started, _quiet, label="Drill safety backup")
    scope = desired.scope.vercel
    finish = f"backstop restore --stack {stack} --backup {safety.id} --approved-by {_quoted(approved_by)}"
    if db is not None:
        finish += f" && backstop db restore --stack {stack} --backup {db.baseline.id}"
    try:
        broken = break_live(
            session.resources(), scenario, session_connections(session), scope.team if scope else None
        )
        if db is not None:
            broken += database.break_live(db, scenario, _quiet)
    except Exception as exc:
        raise Failure(
            VENDOR_ERROR,
            f"the drill could not break {stack} as scenario {scenario} says: {_first_error(exc)}; what it "
            f"broke is put back by `{finish}`",
        ) from None
    session.invalidate()
    disaster = datetime.now(UTC)
    phases = []

    clock = time.monotonic()
    found = managed_drift(session)
    changed = _put_back_on_error(lambda: database.detect(db, _quiet), finish) if db is not None else []
    phases.append(
        Phase(
            name="detect",
            seconds=time.monotonic() - clock,
            detail=f"`backstop drift` found {len(found)} object(s) drifted"
            + (f"; the database export differs in {len(changed)} table(s)" if db is not None else ""),
        )
    )
    if not found:
        raise Failure(DRIFT, f"the drill's disaster went undetected by drift; `{finish}` puts it back")
    if db is not None and not changed:
        raise Failure(DRIFT, f"the drill's database disaster went undetected; `{finish}` puts it back")

    clock = time.monotonic()
    rule = "the newest complete backup taken before the disaster"
    chosen = choose(stack, None, disaster)
    db_chosen = _put_back_on_error(lambda: database.choose(db, disaster), finish) if db is not None else None
    detail = f"{rule}: {chosen.id}" + (f"; database: {db_chosen.id}" if db_chosen else "")
    phases.append(Phase(name="decide", seconds=time.monotonic() - clock, detail=detail))

    clock = time.monotonic()
    failures: list[str] = []
    report, remaining, error = _attempt(session, chosen.id, approved_by)
    second = None
    if error is not None or remaining:
        failures.append(
            f"the restore of {chosen.id} failed: {error or 'drift left: ' + '; '.join(remaining)}"
        )
        report, remaining, second_error = _attempt(session, safety.id, approved_by)
        second = f"retried from the safety backup {safety.id}: " + (
            "converged"
            if second_error is None and not remaining
            else f"failed: {second_error or '; '.join(remaining)}"
        )
    db_report: DbRestoreReport | None = None
    db_differences: list[str] = []
    if db is not None and db_chosen is not None:
        db_report, db_differences = _database(db, db_chosen, approved_by, failures)
    restore_seconds = time.monotonic() - clock
    phases.append(
        Phase(
            name="restore",
            seconds=restore_seconds,
            detail=(
                f"changes {report.changes}; safety backup {report.safety_backup}"
                if report
                else "no restore completed"
            )
            + (f"; {second}" if second else "")
            + (
                f"; database: {'table ' + db_report.table if db_report.table else 'every table'} "
                f"imported, safety export {db_report.safety_backup}"
                if db_report
                else ""
            ),
        )
    )
    clock = time.monotonic()
    # The restore ends with a refresh preview of every managed object after its update, and the database
    # restore with an export compared with its backup: those are the checks.
    differences = list(remaining) if report is not None else ["the restore did not complete"]
    differences += db_differences
    phases.append(
        Phase(
            name="verify",
            seconds=time.monotonic() - clock,
            detail="the restore's refresh preview clean: every managed object equal in the vendor's data"
            if not differences
            else f"{len(differences)} difference(s)",
        )
    )
    rto = sum(p.seconds for p in phases if p.name in ("detect", "decide", "restore"))
    target = desired.targets.rto_minutes * 60
    if rto > target:
        failures.append(f"RTO {rto / 60:.1f} min is above the target of {desired.targets.rto_minutes:g} min")
    return DrillReport.of(
        stack,
        scenario,
        started,
        broken,
        phases,
        (rule, chosen.id),
        differences,
        data_loss_window_seconds=report.data_loss_window_seconds if report else 0.0,
        database_backup_id=db_report.backup_id if db_report else None,
        database_table=db_report.table if db_report else None,
        database_data_loss_window_seconds=db_report.data_loss_window_seconds if db_report else None,
        checks=report.checks if report else None,
        failures=failures,
        live=Live(
            approved_by=approved_by,
            safety_backup=safety.id,
            rto_seconds=rto,
            rto_target_seconds=target,
            second_attempt=second,
            finish_by_hand=finish if differences else None,
        ),
    )


def _attempt(
    session: StackSession, backup_id: str, approved_by: str
) -> tuple[Report | None, list[str], str | None]:
    """One restore: (its report, the drift left, None), or (None, [], why it failed)."""
    try:
        report, remaining = restore(session, Request(backup_id, approved_by=approved_by))
    except Exception as exc:
        session.invalidate()
        audit.failed("restore", session.name, exc, approved_by=approved_by)
        return None, [], _first_error(exc)
    assert report is not None
    result = "verified" if report.verified else "drift"
    audit.done("restore", session.name, result, report.backup_id, report.changes, approved_by=approved_by)
    return report, remaining, None


def _put_back_on_error(step: Callable[[], T], finish: str) -> T:
    """A database step after the disaster: its failure says how to put back what the drill broke."""
    try:
        return step()
    except Exception as exc:
        raise Failure(
            VENDOR_ERROR,
            f"the drill stopped after breaking the stack: {_first_error(exc)}; `{finish}` puts it back",
        ) from None


def _database(
    db: database.DatabaseDrill, chosen: Manifest, approved_by: str, failures: list[str]
) -> tuple[DbRestoreReport | None, list[str]]:
    """The database restore, tried once more when it fails or leaves differences: (the report of the
    last attempt, what still differs)."""
    report, problem = _db_attempt(db, chosen, approved_by)
    if problem is None:
        return report, []
    failures.append(f"the database restore of {chosen.id} failed: {problem}")
    report, problem = _db_attempt(db, chosen, approved_by)
    return report, [] if problem is None else [f"database: {problem}"]


def _db_attempt(
    db: database.DatabaseDrill, chosen: Manifest, approved_by: str
) -> tuple[DbRestoreReport | None, str | None]:
    try:
        report = database.restore(db, chosen, _quiet, approved_by)
    except Exception as exc:
        audit.failed("db restore", db.stack, exc, approved_by=approved_by)
        return None, _first_error(exc)
    result = "verified" if report.verified else "not verified"
    tables = {"tables": len(report.tables_restored)}
    audit.done("db restore", report.stack, result, report.backup_id, tables, approved_by=approved_by)
    return report, "; ".join(report.differences) or None


def _quiet(_: str) -> None:
    return


def _first_error(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or [type(exc).__name__])[0][:300]


def _quoted(name: str) -> str:
    return f'"{name}"' if " " in name else name
