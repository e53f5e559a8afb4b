"""The audit log's hash chain: every record holds the SHA-256 of the line before it, so an edit, a deletion
or a reordering is found at the first record that no longer holds; each stack's head (kept in its state
backend) catches the last records deleted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backstop.runbook.audit_log import GENESIS, append, head_problem, line_hash, read_chain


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "audit-log.jsonl"
    monkeypatch.setenv("BACKSTOP_AUDIT_LOG", str(path))
    for n, stack in enumerate(["prod", "staging", "prod", "prod"]):
        append({"operation": "restore", "stack": stack, "result": "verified", "changes": {"update": n}})
    return path


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


def test_records_chain_from_the_first(log: Path) -> None:
    records, raw, broken = read_chain(log)
    assert broken is None and [r["seq"] for r in records] == [1, 2, 3, 4]
    assert records[0]["previous"] == GENESIS and records[1]["previous"] == line_hash(raw[0])
    assert {"operation", "stack", "time", "result", "changes"} <= set(records[0])


def test_an_edited_record_is_named(log: Path) -> None:
    edited = lines(log)
    record = json.loads(edited[1])
    record["changes"] = {"update": 0}
    edited[1] = json.dumps(record, sort_keys=True, separators=(",", ":"))
    log.write_text("\n".join(edited) + "\n")
    assert read_chain(log)[2] is not None
    broken = read_chain(log)[2]
    assert broken is not None and broken.seq == 3 and "record 2 was edited" in broken.reason


def test_a_deleted_or_moved_record_breaks_the_chain(log: Path) -> None:
    kept = lines(log)
    log.write_text("\n".join([kept[0], kept[2], kept[3]]) + "\n")
    broken = read_chain(log)[2]
    assert broken is not None and broken.seq == 2
    log.write_text("\n".join([kept[1], kept[0], *kept[2:]]) + "\n")
    broken = read_chain(log)[2]
    assert broken is not None and (broken.seq, broken.reason) == (
        1,
        "it doesn't start the chain: records before it were deleted",
    )


def test_the_heads_catch_the_last_records_deleted(log: Path) -> None:
    records, raw, _ = read_chain(log)
    head = json.dumps({"seq": 4, "hash": line_hash(raw[3])})
    assert head_problem("prod", records, raw, head) is None
    shortened = log.read_text().splitlines()[:3]
    log.write_text("\n".join(shortened) + "\n")
    records, raw, broken = read_chain(log)
    assert broken is None, "a truncated log is still a valid chain"
    problem = head_problem("prod", records, raw, head)
    assert problem is not None and problem.startswith("prod: its state backend names record 4")
    assert head_problem("prod", records, raw, None) == "prod: its state backend names no audit head"
    assert head_problem("qa", records, raw, None) is None, "a stack with no records needs no head"
