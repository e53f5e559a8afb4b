"""Which backups a verification restores: a seeded draw from the window's complete backups (repeatable),
the same day's database backup nearest in time, and windows written as 7d / 36h / 90m."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import pytest

from backstop.runbook.backups.catalogue import Backup
from backstop.runbook.backups.manifest import Manifest
from backstop.runbook.verify.choice import complete, parse_window, pick, same_day

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def backup(name: str, at: datetime, status: Literal["complete", "failed"] = "complete") -> Backup:
    manifest = Manifest.model_validate(
        {
            "id": name,
            "stack": "staging",
            "created_at": at,
            "label": "nightly",
            "class": "daily",
            "created_by": "ci",
            "git_commit": None,
            "tool_version": "0",
            "engine_version": "3.274.1",
            "resource_counts": {},
            "checksums": {},
            "status": status,
        }
    )
    return Backup(Path("/backups/staging") / name, manifest)


def test_a_draw_is_repeatable_by_its_seed_and_stays_in_the_window() -> None:
    week = [backup(f"b{d}", NOW - timedelta(days=d)) for d in range(10)]
    since = NOW - timedelta(days=7)
    drawn = {pick(week, since, seed).id for seed in range(200)}  # type: ignore[union-attr]
    assert drawn == {f"b{d}" for d in range(8)}
    assert all(pick(week, since, seed) == pick(list(reversed(week)), since, seed) for seed in range(20))


def test_failed_and_unreadable_backups_are_never_drawn() -> None:
    found = [backup("bad", NOW, "failed"), Backup(Path("/x/broken"), None, "no manifest"), backup("ok", NOW)]
    assert [b.id for b in complete(found)] == ["ok"]
    assert pick(found[:2], NOW - timedelta(days=1), 1) is None


def test_the_database_backup_is_the_same_days_nearest() -> None:
    chosen = backup("c", NOW)
    databases = [
        backup("early", NOW.replace(hour=1)),
        backup("near", NOW.replace(hour=10)),
        backup("next-day", NOW + timedelta(hours=16)),
        backup("failed", NOW, "failed"),
    ]
    assert same_day(databases, chosen).id == "near"  # type: ignore[union-attr]
    assert same_day(databases[2:], chosen) is None


@pytest.mark.parametrize(
    ("text", "span"),
    [("7d", timedelta(days=7)), ("36h", timedelta(hours=36)), ("90m", timedelta(minutes=90))],
)
def test_windows(text: str, span: timedelta) -> None:
    assert parse_window(text) == span


@pytest.mark.parametrize("text", ["", "7", "d", "0d", "-1d", "7w", "1.5d"])
def test_a_bad_window_names_the_form(text: str) -> None:
    with pytest.raises(ValueError, match="positive whole number and d, h or m"):
        parse_window(text)
