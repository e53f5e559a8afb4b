"""Which database backup a rehearsal restores into its sandbox, and why a stack with a database can have
its configuration rehearsed alone (the drill itself is driven end to end in test_drill_rehearse.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from backstop.operations import rehearsal
from backstop.runbook.backups.catalogue import Backup
from backstop.runbook.db import crypto
from backstop.runbook.db import settings as db_settings
from tests.runbook.verify.test_choice import backup

AT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def configuration(tmp_path: Path) -> Backup:
    folder = tmp_path / "prod-20261207T090000Z"
    folder.mkdir()
    (folder / "stack-config.yaml").write_text(
        "config:\n  platform-config:convexDeployment: spotted-gerbil-236\n"
    )
    found = backup("prod-20261207T090000Z", AT)
    return Backup(folder, found.manifest)


def databases(monkeypatch: pytest.MonkeyPatch, *found: Any) -> None:
    monkeypatch.setattr(rehearsal, "list_backups", lambda folder, stack, kind: list(found))
    monkeypatch.setattr(rehearsal, "same_day", lambda found, chosen: found[0] if found else None)


def test_scenarios_c_and_d_and_stacks_without_a_deployment_have_no_database_side(
    configuration: Backup, tmp_path: Path
) -> None:
    assert rehearsal._database_seed("prod", "C", configuration) == (None, None)
    bare = backup("staging-x", AT)
    assert rehearsal._database_seed("prod", "A", Backup(tmp_path, bare.manifest)) == (None, None)


def test_without_that_days_database_backup_the_report_says_so(
    configuration: Backup, monkeypatch: pytest.MonkeyPatch
) -> None:
    databases(monkeypatch)
    seed, note = rehearsal._database_seed("prod", "B", configuration)
    assert seed is None
    assert note == "no complete database backup of prod from 2026-12-07, the configuration backup's day"


def test_a_key_that_cannot_be_read_leaves_the_configuration_rehearsed_alone(
    configuration: Backup, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = SimpleNamespace(id="prod-db-1", manifest=SimpleNamespace(database=object()))
    databases(monkeypatch, found)
    monkeypatch.delenv(rehearsal.BACKUP_KEY_ENV, raising=False)

    def refuse(stack: str) -> None:
        raise RuntimeError("error: incorrect passphrase\nmore detail")

    monkeypatch.setattr(db_settings, "backup_key", refuse)
    seed, note = rehearsal._database_seed("prod", "A", configuration)
    assert seed is None
    assert note is not None and note.startswith(
        "the identity prod-db-1 is encrypted to could not be read (error: incorrect passphrase): set "
        "BACKSTOP_DB_BACKUP_KEY"
    )

    monkeypatch.setenv(rehearsal.BACKUP_KEY_ENV, "not-a-key")
    assert rehearsal._database_seed("prod", "A", configuration)[1] == (
        "BACKSTOP_DB_BACKUP_KEY: not an age identity: it must start with AGE-SECRET-KEY-1 (`age-keygen` makes one)"
    )

    key = crypto.new_identity()
    monkeypatch.setenv(rehearsal.BACKUP_KEY_ENV, key)
    seed, note = rehearsal._database_seed("prod", "A", configuration)
    assert note is None and seed is not None
    assert (seed.backup.id, seed.source.deployment, seed.source.backup_key) == (
        "prod-db-1",
        "spotted-gerbil-236",
        key,
    )
    assert key not in repr(seed)
