"""Data checks run on a snapshot ZIP: JSON comparisons by type, ordering only within numbers or strings,
presence, `now`, bounds, a table missing from the export; results carry counts, never a value."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest

from backstop.plugin.model.data_checks import Condition, DataCheck
from backstop.runbook.db.snapshot import Snapshot
from backstop.runbook.verify.data_checks import run_data_checks

NOW = 1_800_000_000_000
CANARY = "canary-member-email@example.com"


@pytest.fixture
def snapshot(tmp_path: Path) -> Snapshot:
    tables: dict[str, list[dict[str, object]]] = {
        "memberships": [
            {"_id": "m1", "status": "active", "amount": 5, "endsAt": NOW + 1},
            {"_id": "m2", "status": "active", "amount": 5.0, "endsAt": NOW - 1},
            {"_id": "m3", "status": "paused", "amount": "5", "cancelledAt": None},
            {"_id": "m4", "status": True, "plan": {"tier": "gold"}},
        ],
        "users": [{"_id": "u1", "email": CANARY}],
    }
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for table, documents in tables.items():
            archive.writestr(f"{table}/documents.jsonl", "".join(json.dumps(d) + "\n" for d in documents))
    return Snapshot(path)


def check(*where: Mapping[str, object], table: str = "memberships", **bounds: int) -> DataCheck:
    return DataCheck(key="k", table=table, where=[Condition.model_validate(w) for w in where], **bounds)


@pytest.mark.parametrize(
    ("where", "count"),
    [
        ([], 4),
        ([{"field": "status", "op": "==", "value": "active"}], 2),
        ([{"field": "status", "op": "!=", "value": "active"}], 2),
        ([{"field": "amount", "op": "==", "value": 5}], 2),
        ([{"field": "amount", "op": ">=", "value": 5}], 2),
        ([{"field": "amount", "op": "<", "value": "6"}], 1),
        ([{"field": "status", "op": "==", "value": 1}], 0),
        ([{"field": "endsAt", "op": ">", "value": "now"}], 1),
        ([{"field": "cancelledAt", "op": "exists"}], 1),
        ([{"field": "cancelledAt", "op": "missing"}], 3),
        ([{"field": "cancelledAt", "op": "==", "value": None}], 1),
        ([{"field": "plan.tier", "op": "==", "value": "gold"}], 1),
        (
            [
                {"field": "status", "op": "==", "value": "active"},
                {"field": "endsAt", "op": "<", "value": "now"},
            ],
            1,
        ),
    ],
)
def test_conditions_count_the_documents_that_meet_them(
    snapshot: Snapshot, where: list[dict[str, object]], count: int
) -> None:
    (result,) = run_data_checks([check(*where, min_count=0)], snapshot, NOW)
    assert result.count == count and result.passed


def test_bounds_decide_and_read_as_a_person_writes_them(snapshot: Snapshot) -> None:
    active = {"field": "status", "op": "==", "value": "active"}
    results = run_data_checks(
        [
            check(active, min_count=3),
            check(active, max_count=2, min_count=0),
            check(active, min_count=2, max_count=2),
        ],
        snapshot,
        NOW,
    )
    assert [(r.passed, r.expected) for r in results] == [(False, "≥ 3"), (True, "≤ 2"), (True, "exactly 2")]
    assert results[0].detail == "2 of 4 memberships match (status == active): expected ≥ 3"


def test_a_table_missing_from_the_export_fails(snapshot: Snapshot) -> None:
    (result,) = run_data_checks([check(table="bookings", min_count=0)], snapshot, NOW)
    assert not result.passed and "not in the export" in result.detail


def test_results_never_carry_values_from_the_data(snapshot: Snapshot) -> None:
    (result,) = run_data_checks([check({"field": "email", "op": "exists"}, table="users")], snapshot, NOW)
    assert result.passed and CANARY not in json.dumps(result.to_json())
