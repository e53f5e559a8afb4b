"""Taking a backup: refresh, export, and write a backup folder with its manifest."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from backstop.operations.notify import first_line, notify
from backstop.runbook.alerts import Alert
from backstop.runbook.backups import history
from backstop.runbook.backups.manifest import MANIFEST, BackupClass, Manifest, backup_id, sha256
from backstop.runbook.backups.provenance import actor as current_actor
from backstop.runbook.backups.provenance import git_commit
from backstop.runbook.session import StackSession
from backstop.runbook.workspace import PROJECT_DIR, backups_dir


@dataclass(frozen=True)
class Taken:
    manifest: Manifest
    folder: Path


def backup(session: StackSession, label: str, backup_class: BackupClass) -> Taken:
    """`backstop backup`: a backup, recorded in the stack's history; a failure alerts."""
    stack = session.name
    started = history.now()
    try:
        manifest = take_backup(session, label, backup_class)
    except Exception as exc:
        history.record(backups_dir(), history.event("backup", stack, started, False, error=str(exc)[:500]))
        notify(
            Alert("backup_failed", stack, f"backup failed: {label}", "critical", {"error": first_line(exc)})
        )
        raise
    folder_size = sum(f.stat().st_size for f in (backups_dir() / stack / manifest.id).iterdir())
    history.record(
        backups_dir(),
        history.event(
            "backup",
            stack,
            started,
            True,
            id=manifest.id,
            size_bytes=folder_size,
            backup_class=manifest.backup_class,
        ),
    )
    return Taken(manifest, (backups_dir() / stack) / manifest.id)


def take_backup(
    session: StackSession,
    label: str,
    backup_class: BackupClass,
    actor: str | None = None,
    approved_by: str | None = None,
    refresh: bool = True,
) -> Manifest:
    """Validates the desired state first, so a bad document changes nothing and calls no API.

    `refresh` False: the caller has just refreshed the session's stack, and its export is current.
    """
    stack_name = session.name
    document = session.path
    session.validate()
    if refresh:
        session.refresh()
    exported = session.export()
    at = datetime.now(UTC).replace(microsecond=0)
    folder = (backups_dir() / stack_name) / backup_id(stack_name, at)
    for n in range(2, 100):
        if not folder.exists():
            break
        folder = (backups_dir() / stack_name) / f"{backup_id(stack_name, at)}-{n}"
    folder.mkdir(parents=True)
    try:
        (folder / "stack.json").write_text(json.dumps(exported, indent=2) + "\n")
        shutil.copyfile(document, folder / "desired.yaml")
        config = PROJECT_DIR / f"Pulumi.{stack_name}.yaml"
        if config.exists():
            shutil.copyfile(config, folder / "stack-config.yaml")
        manifest = Manifest.model_validate(
            {
                "id": folder.name,
                "stack": stack_name,
                "created_at": at,
                "label": label,
                "class": backup_class,
                "created_by": actor or current_actor(),
                "git_commit": git_commit(),
                "tool_version": version("backstop"),
                "engine_version": session.stack.workspace.pulumi_version,
                "resource_counts": _counts(exported.get("deployment")),
                "checksums": {f.name: sha256(f) for f in sorted(folder.iterdir())},
                "status": "complete",
                "approved_by": approved_by,
            }
        )
        (folder / MANIFEST).write_text(manifest.model_dump_json(by_alias=True, indent=2) + "\n")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return manifest


def _counts(deployment: Mapping[str, Any] | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for resource in (deployment or {}).get("resources") or []:
        kind = resource["type"]
        if kind.startswith("pulumi:"):
            continue
        counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items()))
