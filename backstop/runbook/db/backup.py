"""Taking a database backup: export with the Convex CLI into a private folder, read it, encrypt it, put
it in the backup store, check it there, and catalogue it with a manifest of kind "database"."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from backstop.runbook.backups.manifest import MANIFEST, BackupClass, DatabaseExport, Manifest, TableRecord
from backstop.runbook.backups.provenance import actor, git_commit
from backstop.runbook.db import convex_cli, crypto, settings
from backstop.runbook.db.convex_cli import Say
from backstop.runbook.db.private import private_dir
from backstop.runbook.db.settings import DbSettings
from backstop.runbook.db.snapshot import Snapshot
from backstop.runbook.db.store import (
    Store,
    StoreError,
    default_url,
    open_store,
    require_bucket,
    sha256_file,
)
from backstop.runbook.workspace import backups_dir


def object_key(stack: str, backup_id: str) -> str:
    return f"convex/{stack}/{backup_id}.zip.age"


def new_folder(backups_dir: Path, stack: str, at: datetime) -> Path:
    base = f"{stack}-db-{at.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    folder = backups_dir / stack / base
    n = 2
    while folder.exists():
        folder, n = backups_dir / stack / f"{base}-{n}", n + 1
    return folder


def take_db_backup(
    settings: DbSettings,
    store: Store,
    backups_dir: Path,
    label: str,
    backup_class: BackupClass,
    say: Say,
    include_storage: bool = False,
    approved_by: str | None = None,
) -> Manifest:
    at = datetime.now(UTC).replace(microsecond=0)
    folder = new_folder(backups_dir, settings.stack, at)
    key = object_key(settings.stack, folder.name)
    stored = False
    try:
        with private_dir("export") as work:
            plain = work / "export.zip"
            say(f"exporting {settings.deployment} with the Convex CLI…")
            result = convex_cli.export(settings, plain, include_storage, say)
            snapshot = Snapshot(plain)
            tables = {t: TableRecord(count=s.count, sha256=s.sha256) for t, s in snapshot.summaries().items()}
            plaintext_sha256 = sha256_file(plain)
            sealed = work / "export.zip.age"
            crypto.encrypt(plain, sealed, settings.backup_key)
            plain.unlink()
            digest, size = sha256_file(sealed), sealed.stat().st_size
            say(f"storing the encrypted export in {store.url}…")
            store.put(key, sealed)
            stored = True
            if store.checksum(key) != digest:
                raise StoreError(f"{key} in {store.url} does not match what was written")
        snapshot_at = (
            datetime.fromtimestamp(result.snapshot_ts / 1e9, UTC) if result.snapshot_ts is not None else at
        )
        manifest = Manifest.model_validate(
            {
                "id": folder.name,
                "stack": settings.stack,
                "created_at": at,
                "label": label,
                "class": backup_class,
                "created_by": actor(),
                "git_commit": git_commit(),
                "tool_version": version("backstop"),
                "engine_version": f"convex {convex_cli.PINNED}",
                "resource_counts": {t: r.count for t, r in tables.items()},
                "checksums": {},
                "status": "complete",
                "approved_by": approved_by,
                "kind": "database",
                "database": DatabaseExport(
                    deployment=settings.deployment,
                    snapshot_at=snapshot_at,
                    include_file_storage=include_storage,
                    file_storage_files=snapshot.storage_files,
                    tables=tables,
                    store=store.url,
                    object=key,
                    sha256=digest,
                    size_bytes=size,
                    plaintext_sha256=plaintext_sha256,
                    recipient=crypto.recipient(settings.backup_key),
                ),
            }
        )
        folder.mkdir(parents=True)
        (folder / MANIFEST).write_text(manifest.model_dump_json(by_alias=True, indent=2) + "\n")
    except BaseException:
        if stored:
            store.delete(key)
        raise
    return manifest


def back_up(
    stack: str,
    label: str,
    backup_class: BackupClass,
    say: Say,
    include_storage: bool = False,
    approved_by: str | None = None,
    env: Mapping[str, str] = os.environ,
    bucket_only: bool = False,
) -> Manifest:
    """The whole `backstop db backup`: the store and the stack's settings are checked before any call."""
    url = default_url(env)
    if bucket_only:
        require_bucket(url)
    store = open_store(url)
    target = settings.load(stack, env)
    return take_db_backup(
        target, store, backups_dir(), label, backup_class, say, include_storage, approved_by
    )
