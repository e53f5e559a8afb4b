"""The exports that database backups name, in whichever store each one went to."""

from __future__ import annotations

from backstop.plugin.model.errors import DesiredStateError
from backstop.runbook.backups.catalogue import Backup
from backstop.runbook.backups.manifest import Manifest
from backstop.runbook.db.store import StoreError, open_store
from backstop.runbook.db.verify import stored_problem


def export_problem(backup: Backup) -> str | None:
    """None for a configuration backup, or a database backup whose export is in its store with its
    checksum; else what is wrong."""
    manifest = backup.manifest
    if manifest is None or manifest.kind != "database":
        return None
    if manifest.database is None:
        return "the manifest names no database export"
    try:
        return stored_problem(manifest, open_store(manifest.database.store))
    except (DesiredStateError, StoreError) as exc:
        return f"the backup store can't be opened: {exc}"


def delete_export(manifest: Manifest) -> None:
    """Removes a pruned database backup's export from its store (a configuration backup has none)."""
    if manifest.database is not None:
        open_store(manifest.database.store).delete(manifest.database.object)
