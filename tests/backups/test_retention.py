"""The retention policy keeps and removes exactly the right backups (golden file)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backstop.runbook.backups.manifest import Manifest
from backstop.runbook.backups.retention import PolicyError, decide

GOLDEN = Path(__file__).parent / "golden" / "retention.json"
NOW = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)


def manifest(days_old: float, backup_class: str, status: str = "complete") -> Manifest:
    at = NOW - timedelta(days=days_old)
    return Manifest.model_validate(
        {
            "id": f"prod-{at:%Y%m%dT%H%M%SZ}",
            "stack": "prod",
            "created_at": at,
            "label": f"{backup_class} {days_old}",
            "class": backup_class,
            "created_by": "ci",
            "git_commit": None,
            "tool_version": "0.1.0",
            "engine_version": "3.274.1",
            "resource_counts": {},
            "checksums": {},
            "status": status,
        }
    )


CATALOGUE = [
    manifest(400, "release"),
    manifest(366, "critical"),
    manifest(364, "critical"),
    manifest(91, "manual"),
    manifest(89, "manual"),
    manifest(31, "daily"),
    manifest(30, "daily"),
    manifest(29.5, "daily"),
    manifest(2, "daily", status="failed"),
    manifest(45, "daily"),
]


def test_decisions_match_the_golden_file() -> None:
    got = [{"id": d.id, "keep": d.keep, "reason": d.reason} for d in decide(CATALOGUE, NOW)]
    assert got == json.loads(GOLDEN.read_text())


def test_the_newest_complete_backup_is_kept_whatever_its_age() -> None:
    only = [manifest(500, "daily")]
    assert decide(only, NOW)[0].keep


def test_an_empty_policy_is_refused() -> None:
    with pytest.raises(PolicyError, match="empty"):
        decide(CATALOGUE, NOW, {})
