"""Choosing what a restore brings back: the backup (by id, or the newest before a moment) and, for a
cross-stack restore, the mapping between the two stacks."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from backstop.operations.errors import INPUT_ERROR, Failure
from backstop.runbook.backups.catalogue import Backup, list_backups
from backstop.runbook.restore.mapping import Mapping, load_mapping
from backstop.runbook.workspace import backups_dir


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
