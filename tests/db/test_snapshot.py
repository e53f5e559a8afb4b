"""Reading snapshot ZIPs: tables (empty ones too), digests independent of order, the one-table ZIP."""

from __future__ import annotations

import json
import random
import zipfile
from pathlib import Path

import pytest

from backstop.runbook.db.snapshot import Snapshot, SnapshotError, one_table, summarize

USERS = [{"_id": f"u{i}", "_creationTime": 1.5 + i, "name": f"User {i}"} for i in range(5)]
ORDERS = [{"_id": f"o{i}", "_creationTime": 2.5 + i, "userId": f"u{i}"} for i in range(3)]


def write(path: Path, tables: dict[str, list[dict[str, object]]], listed: dict[str, int]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("README.md", "x")
        archive.writestr(
            "_tables/documents.jsonl",
            "".join(json.dumps({"name": n, "id": i}) + "\n" for n, i in listed.items()),
        )
        for table, documents in tables.items():
            archive.writestr(f"{table}/documents.jsonl", "".join(json.dumps(d) + "\n" for d in documents))
            archive.writestr(f"{table}/generated_schema.jsonl", '"uniform"\n')
    return path


def test_tables_counts_and_digests(tmp_path: Path) -> None:
    snapshot = Snapshot(
        write(
            tmp_path / "a.zip",
            {"users": USERS, "orders": ORDERS},
            {"users": 10001, "orders": 10002, "empty": 10003},
        )
    )
    assert snapshot.tables == ["empty", "orders", "users"]
    assert snapshot.summary("empty").count == 0 and snapshot.summary("users").count == 5
    reordered = Snapshot(write(tmp_path / "b.zip", {"users": USERS[::-1], "orders": ORDERS}, {}))
    assert reordered.summary("users") == snapshot.summary("users") == summarize(USERS)
    changed = [*USERS[:4], {**USERS[4], "name": "CORRUPTED"}]
    assert summarize(changed).count == 5 and summarize(changed).sha256 != summarize(USERS).sha256


def test_sample_covers_each_table_and_is_reproducible(tmp_path: Path) -> None:
    snapshot = Snapshot(write(tmp_path / "a.zip", {"users": USERS, "orders": ORDERS}, {}))
    first = snapshot.sample(snapshot.tables, 3, random.Random(4))
    assert len(first) == 3 and {t for t, _ in first} == {"users", "orders"}
    assert first == snapshot.sample(snapshot.tables, 3, random.Random(4))
    assert len(snapshot.sample(snapshot.tables, 100, random.Random(4))) == 8


def test_one_table_zip_holds_only_that_table(tmp_path: Path) -> None:
    snapshot = Snapshot(
        write(tmp_path / "a.zip", {"users": USERS, "orders": ORDERS}, {"users": 10001, "orders": 10002})
    )
    one_table(snapshot, "orders", tmp_path / "orders.zip")
    only = Snapshot(tmp_path / "orders.zip")
    assert only.tables == ["orders"] and only.summary("orders") == snapshot.summary("orders")
    assert only.numbered == [{"name": "orders", "id": 10002}]
    with pytest.raises(SnapshotError, match="'payments' is not in the snapshot"):
        one_table(snapshot, "payments", tmp_path / "p.zip")


def test_a_broken_zip_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.zip").write_bytes(b"not a zip")
    with pytest.raises(SnapshotError, match="not a readable ZIP"):
        Snapshot(tmp_path / "x.zip")
