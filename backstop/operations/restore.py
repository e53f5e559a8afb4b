"""Restoring: put the live services back as a backup declared them (design.md §3).

Brings back what the backup holds and keeps what came later (`exact` drops it), refuses without the
approval the matrix asks for, runs `backstop doctor`'s checks and stops only on those a restore needs
(restore_preflight.py), takes a safety backup before the first change, imports the backup's stack
state when the stack's own state is gone (so live objects are adopted, not duplicated), verifies by reading
every object live again (`refresh --preview-only`; a full refresh preview names what any difference would
change), and writes a report with the duration and the data-loss window.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pulumi import automation as auto

from backstop.operations import audit
from backstop.operations.authorize import for_restore
from backstop.operations.backup import take_backup
from backstop.operations.check import check_after
from backstop.operations.choose import choose, mapping_for
from backstop.operations.drift import drift_after_update, unmanaged_objects
from backstop.operations.errors import INPUT_ERROR, Failure
from backstop.operations.followers import (
    follows,
    out_of_band_writes,
    readers_of,
    redeploy,
    unreachable_secrets,
    update_reader,
)
from backstop.operations.notify import notify
from backstop.operations.oauth import dashboard_steps, oauth_check
from backstop.operations.restore_document import merged_document, plan
from backstop.operations.restore_preflight import preflight
from backstop.operations.restore_state import open_stack, prepare
from backstop.operations.stage import Stage, unseen
from backstop.plugin.model import DesiredState
from backstop.runbook.adopt import phases
from backstop.runbook.adopt.runner import managed_urns, up_adopting
from backstop.runbook.adopt.vercel import PROJECT
from backstop.runbook.alerts import Alert
from backstop.runbook.approvals.check import Refused
from backstop.runbook.backups import history
from backstop.runbook.restore import secrets
from backstop.runbook.restore.prune import prune
from backstop.runbook.restore.report import Report
from backstop.runbook.session import StackSession, changed
from backstop.runbook.workspace import backups_dir, pulumi_cli

REAPPLY = "platform-config:reapply"


@dataclass(frozen=True)
class Request:
    backup_id: str | None = None
    at: datetime | None = None
    exact: bool = False
    dry_run: bool = False
    approved_by: str | None = None
    approval: Path | None = None
    """The signed approval file (else BACKSTOP_APPROVAL); needed on a stack approvals.yaml protects."""
    drill: bool = False
    """A rehearsal in the sandbox, which needs no approval (the report says so)."""
    from_stack: str | None = None
    """Restore another stack's backup into this one, through `mapping_file`."""
    mapping_file: Path | None = None
    rotate_secrets: bool = False
    """Recreate webhook endpoints whose signing secret is unknown, so new secrets reach Vercel."""
    chain: bool = False
    """Then update the stacks that read this one's webhook secrets, if they changed."""
    prune_unmanaged: bool = False
    """Also remove live objects in the stack's scope that no declaration matches (design.md §3)."""


@dataclass(frozen=True)
class Restored:
    report: Report | None
    """None for a dry run."""
    remaining: list[str]
    """Drift left after the restore; for a dry run, the plan."""
    files: tuple[Path, Path] | None
    """The report as JSON and as Markdown."""


def run_restore(session: StackSession, request: Request, stage: Stage = unseen) -> Restored:
    """`backstop restore`: the restore, its report files and history; a failure or a restore that does
    not verify alerts."""
    stack = session.name
    try:
        with stage(f"restoring {stack}…"):
            report, remaining = restore(session, request)
    except (Failure, Refused):
        raise
    except Exception as exc:
        error = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        notify(Alert("restore_failed", stack, "restore failed", "critical", {"error": error}))
        audit.failed("restore", stack, exc)
        raise
    if report is None:
        return Restored(None, remaining, None)
    paths = report.write(backups_dir() / stack / "reports")
    if not report.verified:
        notify(
            Alert(
                "verification_failed",
                stack,
                f"restore from {report.backup_id} did not verify",
                "error",
                {"remaining": ", ".join(report.remaining_drift[:10]), "report": str(paths[1])},
            )
        )
    history.record(
        backups_dir(),
        history.event(
            "restore",
            stack,
            report.started_at,
            report.verified,
            backup=report.backup_id,
            data_loss_window_seconds=report.data_loss_window_seconds,
        ),
    )
    result = "verified" if report.verified else "drift"
    audit.done("restore", stack, result, report.backup_id, report.changes, approved_by=report.approved_by)
    return Restored(report, remaining, paths)


def restore(session: StackSession, request: Request) -> tuple[Report | None, list[str]]:
    """The restore itself: (its report, the drift left), or (None, the plan) for a dry run."""
    stack_name, approved_by = session.name, request.approved_by
    started = datetime.now(UTC)
    try:
        phases.threshold()
    except ValueError as exc:
        raise Failure(INPUT_ERROR, str(exc)) from None
    source = request.from_stack or stack_name
    mapping = mapping_for(source, stack_name, request.mapping_file)
    chosen = choose(source, request.backup_id, request.at)
    assert chosen.manifest is not None
    pending = (
        None
        if request.dry_run
        else for_restore(stack_name, chosen, request.approval, approved_by, request.drill)
    )
    approved_by = pending.approved_by if pending else approved_by
    merged = merged_document(chosen, session.path, mapping, request.exact)
    applying = f"{chosen.id}'s document merged with {session.path}"
    if request.dry_run:
        preflight(session, merged.document, applying)
        return None, plan(session, merged, request.prune_unmanaged)

    opened = open_stack(session)
    warnings = preflight(session, merged.document, applying, created=opened.created)
    assert pending is not None
    pending.use("restore")
    label = f"Pre-restore backup - {chosen.id} - {started:%Y-%m-%d}"
    prepared = prepare(session, opened, chosen, mapping is None, label, approved_by)
    document = merged.document
    session.path.write_text(merged.text)
    session.use_document(document)
    reapplied = document.clerk.write_only() if document.clerk else []
    if reapplied:
        # A new token in the stack config: the next `up` writes every write-only setting again, and
        # later previews see the same token, so they stay clean until the next restore.
        session.set_config({REAPPLY: auto.ConfigValue(value=f"restore-{started:%Y%m%dT%H%M%S%fZ}")})
    rewrite = out_of_band_writes(session, document)
    secrets_before = secrets.webhook_secrets(session.outputs())
    rotated = (
        secrets.rotation_urns(stack_name, secrets.unknown_paths(session.outputs()))
        if request.rotate_secrets
        else []
    )
    # A variable that follows a webhook secret is kept live when it leaves the state (retain_on_delete), so
    # a replacement can't rewrite it: it is dropped from the state and adopted again, and the update then
    # writes its value.
    followed = {o.key for o in rewrite if follows(document, o.key)}
    for o in rewrite:
        if o.key in followed:
            pulumi_cli("state", "delete", o.urn, "--stack", stack_name, "--yes")
            session.invalidate()
    replace = [o.urn for o in rewrite if o.key not in followed]
    replace += [u for u in rotated if u in managed_urns(session)]
    # The state was refreshed moments ago (`prepare`), unless the backup's was imported: reading every object
    # live again would only repeat that.
    objects = max(sum(chosen.manifest.resource_counts.values()), phases.declared_objects(document))
    two_phases = phases.plan(stack_name, PROJECT, objects)
    result, adopted = up_adopting(
        session,
        document,
        followed,
        two_phases,
        refresh=prepared.state_imported,
        replace=replace or None,
    )
    pruned, unpruned = prune_unmanaged(session, document) if request.prune_unmanaged else ([], [])
    drift_left = [f"{c.op} {c.name}" for c in drift_after_update(session)]
    remaining = drift_left + unpruned
    remaining += unreachable_secrets(session, document)
    oauth, oauth_unread = oauth_check(session, document)
    manual = dashboard_steps(oauth, document) + ([oauth_unread] if oauth_unread else [])
    redeployed = redeploy(session, document, adopted.changed)
    secrets_changed = secrets.webhook_secrets(session.outputs()) != secrets_before
    followers = readers_of(session) if secrets_changed else []
    chained = [name for name in followers if request.chain and update_reader(name)]
    # Signed test deliveries, after the chained readers took the new secrets: do the apps accept them?
    checks = check_after(session, request.drill)
    post = take_backup(
        session,
        f"Post-restore backup - {chosen.id} - {started:%Y-%m-%d}",
        "critical",
        approved_by=approved_by,
        # The update wrote the state and a refresh preview found it equal to live: refresh only if it didn't.
        refresh=bool(drift_left),
    ).id
    finished = datetime.now(UTC)
    report = Report(
        stack=stack_name,
        backup_id=chosen.id,
        backup_time=chosen.manifest.created_at,
        started_at=started,
        finished_at=finished,
        duration_seconds=(finished - started).total_seconds(),
        data_loss_window_seconds=(started - chosen.manifest.created_at).total_seconds(),
        exact=request.exact,
        source_stack=source if mapping is not None else None,
        mapping=str(request.mapping_file) if mapping is not None else None,
        approved_by=approved_by,
        safety_backup=prepared.safety_backup,
        post_restore_backup=post,
        state_imported=prepared.state_imported,
        stale_lock_cleared=prepared.stale_lock_cleared,
        preflight_warnings=warnings,
        newer_objects_kept=merged.newer,
        pruned_unmanaged=pruned,
        adopted=adopted.keys,
        phases=adopted.phases,
        manual_steps=manual,
        rewritten=[f"{o.name} ({', '.join(o.targets)})" for o in rewrite] + reapplied,
        rotated=[u.rsplit("::", 1)[-1] for u in replace if u in rotated],
        redeployed=redeployed,
        update_next=[name for name in followers if name not in chained],
        chained=chained,
        changes=changed(result.summary.resource_changes),
        verified=not remaining,
        remaining_drift=remaining,
        checks=checks,
    )
    return report, remaining


def prune_unmanaged(session: StackSession, document: DesiredState) -> tuple[list[str], list[str]]:
    """Removes what drift calls unmanaged; returns (removed, still there or not checked afterwards)."""
    pruned = asyncio.run(prune(session, document, unmanaged_objects(session)))
    return pruned, [f"unmanaged, not removed: {e}" for e in unmanaged_objects(session)]
