"""The database side of a drill, for a stack whose config names a Convex deployment.

Scenario A (complete loss) drops every table and restores the whole database; scenario B (corrupted
data) corrupts one critical table and restores that table alone. In the sandbox the damage is written
into its dumped state; live, it is a `convex import --replace` of a damaged copy of a fresh export (the
deployment's public API). Detection exports the database and compares it with the baseline backup;
verification compares the sandbox's own data with it, or, live, the restore's own export.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backstop.runbook.backups.catalogue import DATABASE, list_backups
from backstop.runbook.backups.manifest import Manifest
from backstop.runbook.db import convex_cli, settings
from backstop.runbook.db.backup import back_up
from backstop.runbook.db.convex_cli import Say
from backstop.runbook.db.errors import DbInputError
from backstop.runbook.db.private import private_dir
from backstop.runbook.db.report import DbRestoreReport
from backstop.runbook.db.restore import restore_backup
from backstop.runbook.db.snapshot import TABLES, Snapshot, canonical, summarize
from backstop.runbook.workspace import backups_dir

CRITICAL = ("memberships", "users", "payments", "orders", "bookings")
"""The runbook's critical tables, in the order scenario B picks the one to corrupt."""
SCENARIOS = {"A", "B"}


@dataclass
class DatabaseDrill:
    stack: str
    deployment: str
    baseline: Manifest
    table: str | None = None
    """Scenario B: the corrupted table, restored alone."""


def start(
    stack: str, scenario: str, started: datetime, say: Say, label: str = "Drill baseline"
) -> DatabaseDrill | None:
    """The baseline database backup, or None when there is nothing to rehearse (no deployment in the
    stack's config, a scenario without a database side, or no document to lose)."""
    if scenario not in SCENARIOS or not settings.declared(stack):
        return None
    manifest = back_up(stack, f"{label} - scenario {scenario} - {started:%Y-%m-%d}", "daily", say)
    if manifest.database is None or not sum(manifest.resource_counts.values()):
        return None
    return DatabaseDrill(stack, manifest.database.deployment, manifest)


def _critical(counts: dict[str, int]) -> str:
    for table in CRITICAL:
        if counts.get(table):
            return table
    return max(counts, key=lambda t: counts[t])


def damage(drill: DatabaseDrill, state: dict[str, Any], scenario: str) -> list[str]:
    """Edits the dumped sandbox state in place; returns what it broke."""
    data: dict[str, dict[str, Any]] = state.get("convex", {}).get(drill.deployment, {})
    if scenario == "A":
        tables = [name for name in data if not name.startswith("_")]
        broken = [f"database table {name}: {len(data[name])} documents deleted" for name in sorted(tables)]
        for name in tables:
            del data[name]
        data["_tables"] = {}
        return broken
    table = drill.table = _critical(drill.baseline.resource_counts)
    documents = data.get(table, {})
    for document in documents.values():
        for field, value in document.items():
            if not field.startswith("_") and isinstance(value, str):
                document[field] = "CORRUPTED"
    removed = next(iter(documents), None)
    if removed is not None:
        del documents[removed]
    return [f"database table {table}: {len(documents)} documents corrupted, 1 deleted"]


def break_live(drill: DatabaseDrill, scenario: str, say: Say) -> list[str]:
    """Breaks the deployment through its public API: a fresh export, damaged as `damage` damages the
    sandbox's data, imported with replace (A: every table emptied; B: the critical table corrupted)."""
    target = settings.load(drill.stack, os.environ)
    with private_dir("drill") as work:
        convex_cli.export(target, work / "now.zip", False, say)
        live = Snapshot(work / "now.zip")
        state = {"convex": {drill.deployment: {t: live.by_id(t) for t in live.tables}}}
        broken = damage(drill, state, scenario)
        data = state["convex"][drill.deployment]
        tables = live.tables if scenario == "A" else [drill.table]
        numbered = [row for row in live.numbered if row.get("name") in tables]
        damaged = work / "damaged.zip"
        with zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as out:
            out.writestr(f"{TABLES}/documents.jsonl", "".join(canonical(r) + "\n" for r in numbered))
            for table in tables:
                rows = data.get(table, {}).values() if table else []
                out.writestr(f"{table}/documents.jsonl", "".join(canonical(d) + "\n" for d in rows))
        convex_cli.import_replace(target, damaged, say)
    return broken


def detect(drill: DatabaseDrill, say: Say) -> list[str]:
    """Tables whose live contents differ from the baseline backup (a fresh export, compared by digest)."""
    assert drill.baseline.database is not None
    target = settings.load(drill.stack, os.environ)
    with private_dir("drill") as work:
        convex_cli.export(target, work / "now.zip", False, say)
        live = Snapshot(work / "now.zip")
        changed = []
        for table, record in drill.baseline.database.tables.items():
            summary = live.summary(table)
            if (summary.count, summary.sha256) != (record.count, record.sha256):
                changed.append(table)
    return changed


def choose(drill: DatabaseDrill, disaster: datetime) -> Manifest:
    """The newest complete database backup taken before the disaster."""
    older = [
        b.manifest
        for b in list_backups(backups_dir(), drill.stack, DATABASE)
        if b.manifest and b.manifest.status == "complete" and b.manifest.created_at <= disaster
    ]
    if not older:
        raise DbInputError(f"no database backup of {drill.stack} taken before {disaster.isoformat()}")
    return max(older, key=lambda m: m.created_at)


def restore(
    drill: DatabaseDrill, chosen: Manifest, say: Say, approved_by: str | None = None
) -> DbRestoreReport:
    """`db restore` of the chosen backup (its table alone for B); the drill's own approval stands for it."""
    return restore_backup(chosen.id, None, drill.table, approved_by, say, drill=True)


def differences(drill: DatabaseDrill, state: dict[str, Any]) -> list[str]:
    """Every table of the baseline, in the sandbox's own data, equals the backup (count and contents)."""
    assert drill.baseline.database is not None
    data = state.get("convex", {}).get(drill.deployment, {})
    problems = []
    for table, record in drill.baseline.database.tables.items():
        summary = summarize(data.get(table, {}).values())
        if (summary.count, summary.sha256) != (record.count, record.sha256):
            problems.append(
                f"database table {table}: {summary.count} documents, not as backed up ({record.count})"
            )
    return problems
