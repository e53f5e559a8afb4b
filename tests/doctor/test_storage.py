"""The backup-folder and database checks without the engine."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pulumi import automation as auto

from backstop.runbook.doctor import storage


def test_a_writable_folder_passes_and_leaves_nothing_behind(tmp_path: Path) -> None:
    check = storage.backups_folder(tmp_path / "backups" / "staging")
    assert check.ok and list((tmp_path / "backups" / "staging").iterdir()) == []


def test_a_folder_that_cant_be_created_fails_with_the_fix(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    check = storage.backups_folder(blocker / "staging")
    assert not check.ok and str(blocker / "staging") in check.detail
    assert "BACKSTOP_BACKUPS_DIR" in check.fix


def test_database_checks_run_only_for_a_stack_with_a_database(tmp_path: Path) -> None:
    assert storage.database({}, {}) == []
    config = {"platform-config:convexDeployment": auto.ConfigValue("quiet-otter-512")}
    checks = storage.database(config, {"BACKSTOP_STORE_URL": str(tmp_path / "store")})
    names = [c.name for c in checks]
    assert names == ["database: Node", "database: Convex CLI", "database: backup store"]
    assert checks[2].ok and not list((tmp_path / "store").rglob("probe-*"))


def test_a_store_inside_the_repository_or_without_node_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support import ROOT

    config = {"platform-config:convexDeployment": auto.ConfigValue("quiet-otter-512")}
    monkeypatch.setattr(shutil, "which", lambda name: None)
    node, _, store = storage.database(config, {"BACKSTOP_STORE_URL": str(ROOT / "exports")})
    assert not node.ok and node.fix == "install Node 20 or newer"
    assert not store.ok and "git work tree" in store.detail and "BACKSTOP_STORE_URL" in store.fix
