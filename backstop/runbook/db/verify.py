"""Is the data back? Table counts and content digests, and a random sample of documents compared field
by field, between a backup's export and a fresh export of the deployment."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from backstop.runbook.backups.manifest import Manifest
from backstop.runbook.db.snapshot import Snapshot, canonical
from backstop.runbook.db.store import Store, object_problem

SAMPLE_SIZE = 25


@dataclass
class Verification:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    """Table -> {"backup": n, "live": n}."""
    sampled: list[str] = field(default_factory=list)
    """`table/_id` of every sampled document."""
    differences: list[str] = field(default_factory=list)


def compare(
    backup: Snapshot,
    live: Snapshot,
    tables: list[str],
    sample_size: int = SAMPLE_SIZE,
    seed: int | None = None,
) -> Verification:
    result = Verification()
    for table in tables:
        wanted, got = backup.summary(table), live.summary(table)
        result.counts[table] = {"backup": wanted.count, "live": got.count}
        if table not in live.tables:
            result.differences.append(f"table {table} is missing")
        elif wanted.count != got.count:
            result.differences.append(f"table {table}: {got.count} documents, the backup has {wanted.count}")
        elif wanted.sha256 != got.sha256:
            result.differences.append(f"table {table}: same count, different documents")
    rng = random.Random(seed)
    live_tables: dict[str, dict[str, dict[str, object]]] = {}
    for table, document in backup.sample(tables, sample_size, rng):
        found = live_tables.setdefault(table, live.by_id(table)).get(str(document.get("_id")))
        result.sampled.append(f"{table}/{document.get('_id')}")
        if found is None:
            result.differences.append(f"{table}/{document.get('_id')} is missing")
        elif canonical(found) != canonical(document):
            result.differences.append(f"{table}/{document.get('_id')} differs from the backup")
    return result


def unchanged(before: Manifest, live: Snapshot, tables: list[str]) -> list[str]:
    """Tables a one-table restore must not touch, compared with the safety export taken before it."""
    assert before.database is not None
    problems = []
    for table in tables:
        record = before.database.tables.get(table)
        summary = live.summary(table)
        if record is None or (record.count, record.sha256) != (summary.count, summary.sha256):
            problems.append(f"table {table} changed during the restore of another table")
    return problems


def stored_problem(manifest: Manifest, store: Store) -> str | None:
    """None when the export the manifest names is in the store with its checksum, else what is wrong."""
    database = manifest.database
    if database is None:
        return "the manifest names no database export"
    return object_problem(store, database.object, database.sha256)
