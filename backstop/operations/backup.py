"""Taking a backup: refresh, export, and write a backup folder with its manifest."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from backstop.operations import audit
from backstop.operations.errors import VENDOR_ERROR, Failure
from backstop.operations.notify import first_line, notify
from backstop.runbook.alerts import Alert
from backstop.runbook.backups import history
from backstop.runbook.backups.manifest import (
    MANIFEST,
    BackupClass,
    Manifest,
    StoreCopy,
    backup_id,
    sha256,
)
from backstop.runbook.backups.provenance import actor as current_actor
from backstop.runbook.backups.provenance import git_commit
from backstop.runbook.backups.store_copy import CopyTarget, target, write_copy
from backstop.runbook.db.store import StoreError
from backstop.runbook.session import StackSession
from backstop.runbook.workspace import PROJECT_DIR, backups_dir


@dataclass(frozen=True)
class Taken:
    manifest: Manifest
    folder: Path


def backup(session: StackSession, label: str, backup_class: BackupClass, offsite: bool = False) -> Taken:
    """`backstop backup`: a backup, recorded in the stack's history and the audit log; a failure alerts
    (and leaves nothing behind, so it is not in the audit log). `offsite` (the command's own backups) with
    `BACKSTOP_STORE_URL` set: the folder is also copied to the backup store, encrypted to the stack's
    `dbBackupKey` (the document, the store and the key checked before anything runs)."""
    stack = session.name
    started = history.now()
    try:
        copy = None
        if offsite:
            session.validate()
            copy = target(stack, os.environ, lambda: {k: v.value for k, v in session.config().items()})
        manifest = take_backup(session, label, backup_class, copy=copy)
    except Exception as exc:
        history.record(backups_dir(), history.event("backup", stack, started, False, error=str(exc)[:500]))
        notify(
            Alert("backup_failed", stack, f"backup failed: {label}", "critical", {"error": first_line(exc)})
        )
        if isinstance(exc, StoreError):
            raise Failure(VENDOR_ERROR, f"the copy to the backup store failed: {exc}") from None
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
            **_stored(manifest),
        ),
    )
    copies = {"store_copies": 1} if manifest.store_copy else {}
    audit.done("backup", stack, "ok", manifest.id, {"backups": 1, **copies})
    return Taken(manifest, (backups_dir() / stack) / manifest.id)


def take_backup(
    session: StackSession,
    label: str,
    backup_class: BackupClass,
    actor: str | None = None,
    approved_by: str | None = None,
    refresh: bool = True,
    copy: CopyTarget | None = None,
) -> Manifest:
    """Validates the desired state first, so a bad document changes nothing and calls no API.

    `refresh` False: the caller has just refreshed the session's stack, and its export is current.
    `copy`: also put the folder in the backup store (the manifest then names the copy).
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
    stored: StoreCopy | None = None
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
        if copy is not None:
            stored = write_copy(folder, manifest, copy)
            manifest = manifest.model_copy(update={"store_copy": stored})
            (folder / MANIFEST).write_text(manifest.model_dump_json(by_alias=True, indent=2) + "\n")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        if copy is not None and stored is not None:
            copy.store.delete(stored.object)
        raise
    return manifest


def _stored(manifest: Manifest) -> dict[str, str]:
    """The store copy's object and sha256 in the history, so a copy whose folder left git can be checked."""
    copy = manifest.store_copy
    return {"store_object": copy.object, "store_sha256": copy.sha256} if copy else {}


def _counts(deployment: Mapping[str, Any] | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for resource in (deployment or {}).get("resources") or []:
        kind = resource["type"]
        if kind.startswith("pulumi:"):
            continue
        counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items()))
