"""Choosing what a restore brings back: the backup (by id, or the newest before a moment; from its copy in
the backup store when the git copy is missing or fails its manifest) and, for a cross-stack restore, the
mapping between the two stacks."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rich.markup import escape

from backstop.operations.console import err
from backstop.operations.errors import INPUT_ERROR, VENDOR_ERROR, Failure
from backstop.runbook.backups.catalogue import Backup, list_backups
from backstop.runbook.backups.store_copy import CopyRefused, backup_key, recover
from backstop.runbook.db.store import StoreError
from backstop.runbook.restore.mapping import Mapping, load_mapping
from backstop.runbook.workspace import backups_dir, select


def choose(stack: str, backup_id: str | None, at: datetime | None) -> Backup:
    """By id, or the newest complete backup taken at or before `at`."""
    backups = [
        b for b in list_backups(backups_dir(), stack) if b.manifest and b.manifest.status == "complete"
    ]
    if backup_id:
        found = [b for b in backups if b.id == backup_id]
        if not found:
            return from_store(stack, backup_id, f"no complete backup {backup_id!r} of {stack} in git")
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
    if problem and chosen.manifest and chosen.manifest.store_copy:
        return from_store(stack, chosen.id, f"backup {chosen.id} is damaged in git: {problem}")
    if problem:
        raise Failure(INPUT_ERROR, f"backup {chosen.id} is damaged: {problem}")
    return chosen


def from_store(stack: str, backup_id: str, why: str) -> Backup:
    """The backup's folder put back from its store copy (checked whole first), decrypted with the stack's
    `dbBackupKey`; a copy that is missing, altered or not this backup's is refused, changing nothing."""

    def key() -> str:
        return backup_key(stack, {k: v.value for k, v in select(stack).get_all_config().items()})

    try:
        recovered = recover(backups_dir(), stack, backup_id, key)
    except CopyRefused as exc:
        raise Failure(
            INPUT_ERROR, f"{why}, and its store copy can't be used: {exc}; see `backstop backups`"
        ) from None
    except StoreError as exc:
        raise Failure(VENDOR_ERROR, f"{why}, and the backup store failed: {exc}") from None
    err.print(
        f"[yellow]note:[/yellow] {escape(why)}: its folder is back from its store copy (checked against "
        f"its checksum and manifest) in {escape(str(recovered.folder))}; commit it",
        soft_wrap=True,
    )
    return recovered


def mapping_for(source: str, target: str, path: Path | None) -> Mapping | None:
    """None for a restore into the backup's own stack; another stack's backup needs a mapping file."""
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
