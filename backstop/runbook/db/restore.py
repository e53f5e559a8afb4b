"""Restoring a database backup: fetch and check the encrypted export, decrypt it in a private folder,
take a safety export of the target, import with replace (one table: a ZIP holding only that table),
then export again and verify counts, contents and a random sample against the backup."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from backstop.runbook.approvals.authorize import authorize
from backstop.runbook.approvals.check import Expected
from backstop.runbook.backups.catalogue import DATABASE, Backup, list_backups
from backstop.runbook.backups.manifest import MANIFEST, sha256
from backstop.runbook.db import convex_cli, crypto, settings, verify
from backstop.runbook.db.backup import take_db_backup
from backstop.runbook.db.convex_cli import Say
from backstop.runbook.db.errors import DbInputError
from backstop.runbook.db.private import private_dir
from backstop.runbook.db.report import DbRestoreReport
from backstop.runbook.db.settings import DbSettings
from backstop.runbook.db.snapshot import Snapshot, one_table
from backstop.runbook.db.store import Store, default_url, open_store, sha256_file
from backstop.runbook.workspace import backups_dir


def find(backups_dir: Path, backup_id: str) -> Backup:
    """A complete database backup by id, whichever stack took it."""
    stacks = [d.name for d in backups_dir.iterdir() if d.is_dir()] if backups_dir.exists() else []
    for stack in stacks:
        for backup in list_backups(backups_dir, stack, DATABASE):
            if backup.id == backup_id and backup.manifest and backup.manifest.status == "complete":
                return backup
    raise DbInputError(f"no complete database backup {backup_id!r} in {backups_dir}; see `backstop backups`")


def restore_db(
    chosen: Backup,
    source: DbSettings,
    target: DbSettings,
    store: Store,
    safety_store: Store,
    backups_dir: Path,
    table: str | None,
    approved_by: str | None,
    say: Say,
) -> DbRestoreReport:
    manifest = chosen.manifest
    assert manifest is not None and manifest.database is not None
    database = manifest.database
    if table is not None and table not in database.tables:
        raise DbInputError(
            f"table {table!r} is not in backup {chosen.id}; it holds {', '.join(sorted(database.tables))}"
        )
    started = datetime.now(UTC)
    with private_dir("restore") as work:
        sealed = work / "backup.zip.age"
        say(f"fetching {database.object} from {database.store}…")
        store.get(database.object, sealed)
        if sha256_file(sealed) != database.sha256:
            raise DbInputError(
                f"backup {chosen.id} is damaged: the stored export does not match its checksum"
            )
        plain = work / "backup.zip"
        crypto.decrypt(sealed, plain, source.backup_key, f"backup {chosen.id}")
        sealed.unlink()
        if sha256_file(plain) != database.plaintext_sha256:
            raise DbInputError(
                f"backup {chosen.id} is damaged: the decrypted export does not match its checksum"
            )
        backup = Snapshot(plain)
        tables = [table] if table else backup.tables
        upload = plain
        if table is not None:
            upload = work / f"{table}.zip"
            one_table(backup, table, upload)
        say(f"safety export of {target.deployment} before changing it…")
        safety = take_db_backup(
            target,
            safety_store,
            backups_dir,
            f"Pre-restore backup - {chosen.id} - {started:%Y-%m-%d}",
            "critical",
            say,
            approved_by=approved_by,
        )
        say(f"importing {'table ' + table if table else 'every table'} into {target.deployment} (replace)…")
        written = convex_cli.import_replace(target, upload, say)
        say("exporting again to verify…")
        after = work / "after.zip"
        convex_cli.export(target, after, False, say)
        live = Snapshot(after)
        check = verify.compare(backup, live, tables)
        if table is not None:
            others = [t for t in live.tables if t != table]
            check.differences += verify.unchanged(safety, live, others)
    finished = datetime.now(UTC)
    return DbRestoreReport(
        stack=target.stack,
        deployment=target.deployment,
        backup_id=chosen.id,
        backup_stack=manifest.stack,
        backup_time=database.snapshot_at,
        started_at=started,
        finished_at=finished,
        duration_seconds=(finished - started).total_seconds(),
        data_loss_window_seconds=max(0.0, (started - database.snapshot_at).total_seconds()),
        table=table,
        tables_restored=tables,
        documents_imported=written,
        approved_by=approved_by,
        safety_backup=safety.id,
        counts=check.counts,
        sampled=check.sampled,
        verified=not check.differences,
        differences=check.differences,
    )


def restore_backup(
    backup_id: str,
    to_stack: str | None,
    table: str | None,
    approved_by: str | None,
    say: Say,
    drill: bool = False,
    env: Mapping[str, str] = os.environ,
    approval: Path | None = None,
) -> DbRestoreReport:
    """The whole `backstop db restore`: the approval (not needed in a sandbox drill) is checked before
    anything else, so a refused restore reads and changes nothing."""
    chosen = find(backups_dir(), backup_id)
    assert chosen.manifest is not None and chosen.manifest.database is not None
    target_stack = to_stack or chosen.manifest.stack
    digest = sha256(chosen.folder / MANIFEST)
    expected = Expected(target_stack, "database", "restore", backup=chosen.id, manifest_sha256=digest)
    pending = authorize(expected, approval, approved_by, drill)
    store = open_store(chosen.manifest.database.store)
    safety_store = open_store(default_url(env))
    source = settings.load(chosen.manifest.stack, env)
    target = source if target_stack == source.stack else settings.load(target_stack, env)
    pending.use("db restore")
    approver = pending.approved_by
    return restore_db(chosen, source, target, store, safety_store, backups_dir(), table, approver, say)
