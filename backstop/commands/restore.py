"""`backstop restore`: put the live services back as a backup declared them (design.md §3).

Brings back what the backup holds and keeps what came later (`--exact` drops it), refuses without the
approval the matrix asks for, takes a safety backup before the first change, imports the backup's stack
state when the stack's own state is gone (so live objects are adopted, not duplicated), verifies with a
refresh preview, and writes a report with the duration and the data-loss window.
"""

from __future__ import annotations

import asyncio
import io
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pulumi import automation as auto
from ruamel.yaml import YAML

from backstop.adopt.runner import created_times, live_variables, managed_urns, up_adopting
from backstop.adopt.vercel import ENV_TYPE
from backstop.alerts import Alert
from backstop.backups import history
from backstop.backups.catalogue import Backup, list_backups
from backstop.clients.vercel_client import trigger_deploy_hook
from backstop.commands.backup import take_backup
from backstop.commands.common import DRIFT, INPUT_ERROR, OK, Failure, emit, failures, notify, out
from backstop.commands.drift import managed_drift, unmanaged_objects
from backstop.drift import vercel
from backstop.model import DesiredState, load_document, parse_document
from backstop.model.stacks import sibling_documents
from backstop.restore import secrets
from backstop.restore.approvals import load_matrix
from backstop.restore.mapping import Mapping, load_mapping
from backstop.restore.mapping import apply as apply_mapping
from backstop.restore.merge import merge
from backstop.restore.prune import prune
from backstop.restore.report import Report
from backstop.workspace import (
    PROJECT_DIR,
    backups_dir,
    clear_stale_lock,
    create,
    document_path,
    export_encrypted,
    import_state,
    last_update_end,
    pulumi_cli,
    repair_checkpoint,
    select,
    stack_secret,
    workspace_env,
)


def choose(stack: str, backup_id: str | None, at: datetime | None) -> Backup:
    """By id, or the newest complete backup taken at or before `at`."""
    backups = [
        b for b in list_backups(backups_dir(), stack) if b.manifest and b.manifest.status == "complete"
    ]
    if backup_id:
        found = [b for b in backups if b.id == backup_id]
        if not found:
            raise Failure(INPUT_ERROR, f"no complete backup {backup_id!r} of {stack}; see `backstop backups`")
        chosen = found[0]
    else:
        moment = at or datetime.now(UTC)
        older = [b for b in backups if b.manifest and b.manifest.created_at <= moment]
        if not older:
            raise Failure(
                INPUT_ERROR, f"no complete backup of {stack} taken at or before {moment.isoformat()}"
            )
        chosen = max(older, key=lambda b: b.manifest.created_at if b.manifest else moment)
    problem = chosen.verify()
    if problem:
        raise Failure(INPUT_ERROR, f"backup {chosen.id} is damaged: {problem}")
    return chosen


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _dump(document: Any) -> str:
    buffer = io.StringIO()
    _yaml().dump(document, buffer)
    return buffer.getvalue()


REAPPLY = "platform-config:reapply"


@dataclass(frozen=True)
class Request:
    stack: str
    backup_id: str | None = None
    at: datetime | None = None
    exact: bool = False
    dry_run: bool = False
    approved_by: str | None = None
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


def restore(request: Request) -> tuple[Report | None, list[str]]:
    stack_name, backup_id, at, exact = request.stack, request.backup_id, request.at, request.exact
    dry_run, approved_by, drill = request.dry_run, request.approved_by, request.drill
    from_stack, mapping_file = request.from_stack, request.mapping_file
    started = datetime.now(UTC)
    source = from_stack or stack_name
    mapping = _mapping(source, stack_name, mapping_file)
    chosen = choose(source, backup_id, at)
    assert chosen.manifest is not None
    refusal = load_matrix(PROJECT_DIR / "approvals.yaml").check(stack_name, "configuration", approved_by)
    if refusal and not drill:
        raise Failure(INPUT_ERROR, f"refused: {refusal}")
    target = document_path(stack_name)
    current = _yaml().load(target.read_text()) if target.exists() else {}
    saved = _yaml().load((chosen.folder / "desired.yaml").read_text())
    if mapping is not None:
        saved = apply_mapping(mapping, saved)
    merged = merge(saved, current or {}, exact=exact)
    text = _dump(merged.document)
    document = parse_document(text, f"{chosen.folder / 'desired.yaml'} (merged with {target})")

    if dry_run:
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as planned:
            planned.write(text)
        with workspace_env(BACKSTOP_DESIRED_STATE=planned.name):
            planned_changes = managed_drift(stack_name)
            extras = unmanaged_objects(stack_name, Path(planned.name)) if request.prune_unmanaged else []
        Path(planned.name).unlink()
        return None, [f"{c.op} {c.name}" for c in planned_changes] + [f"prune {e}" for e in extras]

    # A checkpoint the kill truncated first: `pulumi cancel` can't even load it.
    repaired = repair_checkpoint(stack_name)
    cleared = ([repaired] if repaired else []) + clear_stale_lock(stack_name)
    stack, imported = _stack_with_state(stack_name, chosen, own=mapping is None)
    safety = None
    if not imported:
        label = f"Pre-restore backup - {chosen.id} - {started:%Y-%m-%d}"
        safety = take_backup(stack_name, label, "critical", approved_by=approved_by).id
    target.write_text(text)
    reapplied = document.clerk.write_only() if document.clerk else []
    if reapplied:
        # A new token in the stack config: the next `up` writes every write-only setting again, and
        # later previews see the same token, so they stay clean until the next restore.
        stack.set_config(REAPPLY, auto.ConfigValue(value=f"restore-{started:%Y%m%dT%H%M%S%fZ}"))
    rewrite = out_of_band_writes(stack, document)
    secrets_before = secrets.webhook_secrets(stack.outputs())
    rotated = (
        secrets.rotation_urns(stack_name, secrets.unknown_paths(stack.outputs()))
        if request.rotate_secrets
        else []
    )
    # A variable that follows a webhook secret is kept live when it leaves the state (retain_on_delete), so
    # a replacement can't rewrite it: it is dropped from the state and adopted again, and the update then
    # writes its value.
    followed = {o.key for o in rewrite if _follows(document, o.key)}
    for o in rewrite:
        if o.key in followed:
            pulumi_cli("state", "delete", o.urn, "--stack", stack_name, "--yes")
    replace = [o.urn for o in rewrite if o.key not in followed]
    replace += [u for u in rotated if u in managed_urns(stack_name)]
    result, adopted = up_adopting(stack, document, followed, refresh=True, replace=replace or None)
    pruned, unpruned = prune_unmanaged(stack, document, target) if request.prune_unmanaged else ([], [])
    remaining = [f"{c.op} {c.name}" for c in managed_drift(stack_name)] + unpruned
    remaining += unreachable_secrets(stack_name, document)
    redeployed = redeploy(stack, document, adopted.changed)
    secrets_changed = secrets.webhook_secrets(stack.outputs()) != secrets_before
    followers = readers_of(stack_name) if secrets_changed else []
    chained = [name for name in followers if request.chain and _update(name)]
    post = take_backup(
        stack_name,
        f"Post-restore backup - {chosen.id} - {started:%Y-%m-%d}",
        "critical",
        approved_by=approved_by,
    ).id
    finished = datetime.now(UTC)
    changes = {
        str(getattr(k, "value", k)): v
        for k, v in (result.summary.resource_changes or {}).items()
        if str(getattr(k, "value", k)) != "same"
    }
    report = Report(
        stack=stack_name,
        backup_id=chosen.id,
        backup_time=chosen.manifest.created_at,
        started_at=started,
        finished_at=finished,
        duration_seconds=(finished - started).total_seconds(),
        data_loss_window_seconds=(started - chosen.manifest.created_at).total_seconds(),
        exact=exact,
        source_stack=source if mapping is not None else None,
        mapping=str(mapping_file) if mapping is not None else None,
        approved_by=approved_by or ("not required: sandbox drill" if drill else None),
        safety_backup=safety,
        post_restore_backup=post,
        state_imported=imported,
        stale_lock_cleared=cleared,
        newer_objects_kept=merged.newer,
        pruned_unmanaged=pruned,
        adopted=adopted.keys,
        rewritten=[f"{o.name} ({', '.join(o.targets)})" for o in rewrite] + reapplied,
        rotated=[u.rsplit("::", 1)[-1] for u in replace if u in rotated],
        redeployed=redeployed,
        update_next=[name for name in followers if name not in chained],
        chained=chained,
        changes=changes,
        verified=not remaining,
        remaining_drift=remaining,
    )
    return report, remaining


def prune_unmanaged(stack: Any, document: DesiredState, path: Path) -> tuple[list[str], list[str]]:
    """Removes what drift calls unmanaged; returns (removed, still there or not checked afterwards)."""
    pruned = asyncio.run(prune(stack, document, unmanaged_objects(stack.name, path)))
    return pruned, [f"unmanaged, not removed: {e}" for e in unmanaged_objects(stack.name, path)]


def redeploy(stack: Any, document: DesiredState, changed: list[str]) -> str | None:
    """Trigger the deploy hook the document names when the restore changed Vercel variables.

    Vercel applies variables to new deployments only. Off unless `vercel.redeploy_hook` names a config key
    holding the hook URL (a secret: anyone holding it can deploy).
    """
    hook = document.vercel.redeploy_hook if document.vercel else None
    if hook is None or not any(ENV_TYPE in urn for urn in changed):
        return None
    url = stack_secret(stack, f"platform-config:{hook}", "BACKSTOP_VERCEL_DEPLOY_HOOK")
    if not url:
        raise Failure(INPUT_ERROR, f"vercel.redeploy_hook names platform-config:{hook}, which is not set")
    job = asyncio.run(trigger_deploy_hook(url))
    return str((job.get("job") or {}).get("id") or "triggered")


def unreachable_secrets(stack_name: str, document: DesiredState) -> list[str]:
    """Variables following an unknown secret that are missing live (a failed verification)."""
    if document.vercel is None or not document.vercel.projects:
        return []
    unknown: dict[str, set[str]] = {}
    for _, var in document.vercel.variables():
        followed = secrets.followed_source(var, stack_name)
        if followed is not None and followed[0] not in unknown:
            try:
                unknown[followed[0]] = secrets.unknown_paths(select(followed[0]).outputs())
            except auto.errors.StackNotFoundError:
                unknown[followed[0]] = set()
    if not any(unknown.values()):
        return []
    return secrets.missing_followers(document, live_variables(select(stack_name), document), unknown)


def readers_of(stack_name: str) -> list[str]:
    """Stacks whose documents read this stack's webhook secrets (through a StackReference)."""
    path = document_path(stack_name)
    return sorted(
        name
        for name, other in sibling_documents(path, stack_name).items()
        if other.vercel is not None
        and any(
            var.value_from is not None
            and var.value_from.stack_output is not None
            and var.value_from.stack_output.stack == stack_name
            for _, var in other.vercel.variables()
        )
    )


def _update(stack_name: str) -> bool:
    """The chained update of a stack that reads the restored one's secrets."""
    path = document_path(stack_name)
    with workspace_env(BACKSTOP_DESIRED_STATE=str(path)):
        up_adopting(select(stack_name), load_document(path))
    return True


def _follows(document: DesiredState, key: str) -> bool:
    variables = document.vercel.variables() if document.vercel else []
    return any(
        v.key == key and v.value_from is not None and v.value_from.follows_output for _, v in variables
    )


def out_of_band_writes(stack: Any, document: DesiredState) -> list[vercel.OutOfBand]:
    """Sensitive Vercel values written by someone else since the last `up`: restore writes them again."""
    if document.vercel is None or not document.vercel.projects:
        return []
    live = live_variables(stack, document)
    created = created_times(stack.name)
    return vercel.classify(document, live, set(created), last_update_end(stack), created)[0]


def _mapping(source: str, target: str, path: Path | None) -> Mapping | None:
    if source == target:
        if path is not None:
            raise Failure(INPUT_ERROR, "--mapping applies only with --from-stack (a cross-stack restore)")
        return None
    if path is None:
        raise Failure(
            INPUT_ERROR,
            f"restoring a {source} backup into {target} needs --mapping FILE for the values that differ "
            "between them (see mappings/prod-to-staging.yaml)",
        )
    mapping = load_mapping(path)
    if (mapping.source, mapping.target) != (source, target):
        raise Failure(
            INPUT_ERROR,
            f"{path}: maps {mapping.source} to {mapping.target}, not {source} to {target}",
        )
    return mapping


def _stack_with_state(stack_name: str, chosen: Backup, own: bool = True) -> tuple[Any, bool]:
    """The stack, after importing the backup's state if its own is gone; True when it was imported.

    Another stack's state is never imported (`own` False): its URNs and secrets belong to that stack.
    """
    try:
        stack = select(stack_name)
        has_state = bool((export_encrypted(stack_name).get("deployment") or {}).get("resources"))
    except auto.errors.StackNotFoundError:
        stack = create(stack_name)
        has_state = False
    if has_state or not own:
        return stack, False
    import_state(stack_name, chosen.folder / "stack.json")
    return stack, True


def command(
    stack: Annotated[str, typer.Option(help="Stack to restore")],
    backup: Annotated[str | None, typer.Option("--backup", help="Backup id (see `backstop backups`)")] = None,
    at: Annotated[
        datetime | None, typer.Option("--at", help="Newest backup taken at or before this time (UTC)")
    ] = None,
    exact: Annotated[
        bool, typer.Option("--exact", help="Also archive or remove objects added after the backup")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan; change nothing")] = False,
    from_stack: Annotated[
        str | None,
        typer.Option("--from-stack", help="Restore a backup of this other stack (needs --mapping)"),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="Mapping file for a cross-stack restore")
    ] = None,
    rotate_secrets: Annotated[
        bool,
        typer.Option(
            "--rotate-secrets",
            help="Recreate webhook endpoints whose secret is unknown; wire new secrets to Vercel",
        ),
    ] = False,
    chain: Annotated[
        bool, typer.Option("--chain", help="Then update the stacks that read this one's webhook secrets")
    ] = False,
    prune_unmanaged: Annotated[
        bool,
        typer.Option(
            "--prune-unmanaged",
            help="Also remove live objects in the stack's scope that no document declares (see drift)",
        ),
    ] = False,
    approved_by: Annotated[
        str | None, typer.Option("--approved-by", help="Approver, per approvals.yaml")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
) -> None:
    """Restore a stack from a backup, then verify. Exit 0 restored and verified, 1 drift remains."""
    if (backup is None) == (at is None):
        raise typer.BadParameter("give exactly one of --backup and --at")
    moment = at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at
    with failures(as_json):
        try:
            with out.status(f"restoring {stack}…"):
                report, remaining = restore(
                    Request(
                        stack,
                        backup,
                        moment,
                        exact,
                        dry_run,
                        approved_by,
                        from_stack=from_stack,
                        mapping_file=mapping,
                        rotate_secrets=rotate_secrets,
                        chain=chain,
                        prune_unmanaged=prune_unmanaged,
                    )
                )
        except Failure:
            raise
        except Exception as exc:
            notify(
                Alert(
                    "restore_failed",
                    stack,
                    "restore failed",
                    "critical",
                    {"error": str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__},
                )
            )
            raise
        if report is None:
            emit(
                as_json,
                {"ok": True, "dry_run": True, "plan": remaining},
                lambda: out.print(
                    "\n".join(["plan (nothing changed):", *remaining]) if remaining else "nothing to do"
                ),
            )
            return
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

        def human() -> None:
            out.print(report.markdown(), markup=False)
            out.print(f"[dim]report: {paths[1]}[/dim]")

        emit(
            as_json,
            {
                "ok": report.verified,
                "report": report.model_dump(mode="json"),
                "files": [str(p) for p in paths],
            },
            human,
        )
    raise typer.Exit(OK if not remaining else DRIFT)
