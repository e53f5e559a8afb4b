"""`backstop status` reports the right ages and counts, as JSON and as a Prometheus textfile."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backstop.runbook.backups import history
from backstop.runbook.backups.manifest import Manifest
from backstop.runbook.db.store import sha256_file
from tests.receiver import Receiver
from tests.support import ROOT, VENV_BIN


def seed(backups_dir: Path, hours_old: list[float]) -> None:
    now = datetime.now(UTC)
    for hours in hours_old:
        at = (now - timedelta(hours=hours)).replace(microsecond=0)
        folder = backups_dir / "prod" / f"prod-{at:%Y%m%dT%H%M%SZ}"
        folder.mkdir(parents=True)
        manifest = Manifest.model_validate(
            {
                "id": folder.name,
                "stack": "prod",
                "created_at": at,
                "label": "daily",
                "class": "daily",
                "created_by": "ci",
                "git_commit": None,
                "tool_version": "0.1.0",
                "engine_version": "3.274.1",
                "resource_counts": {},
                "checksums": {},
                "status": "complete",
            }
        )
        (folder / "manifest.json").write_text(manifest.model_dump_json(by_alias=True))
    started = now - timedelta(seconds=12)
    for ok, size in ((True, 1000), (False, 0), (True, 1500)):
        history.record(backups_dir, history.event("backup", "prod", started, ok, size_bytes=size))
    history.record(backups_dir, history.event("drift", "prod", started, True, drifted=2))
    # A month-old failed backup counts in the all-time rate only; the last successful restore took 95 s.
    old = history.event("backup", "prod", now - timedelta(days=40), False)
    history.record(backups_dir, old.model_copy(update={"duration_seconds": 3.0}))
    for ok, seconds in ((True, 95.0), (False, 12.0)):
        restore = history.event("restore", "prod", now - timedelta(hours=5), ok, backup="prod-x")
        history.record(backups_dir, restore.model_copy(update={"duration_seconds": seconds}))
    history.record(backups_dir, history.event("drill", "prod", started, True, scenario="A"))


def seed_database(backups_dir: Path, hours_old: list[float]) -> None:
    """Database backups of prod, each with its (stand-in) encrypted export in a folder store."""
    now = datetime.now(UTC)
    store = backups_dir / "store"
    for hours in hours_old:
        at = (now - timedelta(hours=hours)).replace(microsecond=0)
        folder = backups_dir / "prod" / f"prod-db-{at:%Y%m%dT%H%M%SZ}"
        folder.mkdir(parents=True)
        key = f"convex/prod/{folder.name}.zip.age"
        (store / key).parent.mkdir(parents=True, exist_ok=True)
        (store / key).write_bytes(b"age-encryption.org/v1\n" + folder.name.encode())
        manifest = Manifest.model_validate(
            {
                "id": folder.name,
                "stack": "prod",
                "created_at": at,
                "label": "daily",
                "class": "daily",
                "created_by": "ci",
                "git_commit": None,
                "tool_version": "0.1.0",
                "engine_version": "convex 1.48.0",
                "resource_counts": {"users": 5},
                "checksums": {},
                "status": "complete",
                "kind": "database",
                "database": {
                    "deployment": "spotted-gerbil-236",
                    "snapshot_at": at,
                    "include_file_storage": False,
                    "file_storage_files": 0,
                    "tables": {"users": {"count": 5, "sha256": "0" * 64}},
                    "store": store.as_uri(),
                    "object": key,
                    "sha256": sha256_file(store / key),
                    "size_bytes": (store / key).stat().st_size,
                    "plaintext_sha256": "0" * 64,
                    "recipient": "age1example",
                },
            }
        )
        (folder / "manifest.json").write_text(manifest.model_dump_json(by_alias=True))


def status(
    backups_dir: Path, *args: str, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BACKSTOP_BACKUPS_DIR": str(backups_dir), **(extra or {})}
    return subprocess.run(
        [str(VENV_BIN / "backstop"), "status", "--stack", "prod", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_status_json_and_prometheus(tmp_path: Path) -> None:
    seed(tmp_path, [50, 30, 3])
    seed_database(tmp_path, [26, 2])
    textfile = tmp_path / "metrics" / "backstop.prom"
    done = status(tmp_path, "--json", "--prometheus", str(textfile))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert 3 * 3600 - 60 < report["last_backup_age_seconds"] < 3 * 3600 + 60
    assert report["rpo_breached"] is False and report["backups"] == 3
    assert report["backup_runs"] == 4 and report["backup_failures"] == 2
    assert report["backup_success_rate"] == 0.5 and abs(report["backup_success_rate_30d"] - 2 / 3) < 1e-9
    assert report["restore_success_rate_30d"] == 0.5 and report["last_restore_rto_seconds"] == 95.0
    assert report["last_drill_ok"] is True and report["last_drill_scenario"] == "A"
    assert report["store_size_bytes"] > 0 and report["store_over_limit"] is False
    assert report["backup_size_growth_bytes"] == 500 and report["last_drift_objects"] == 2
    metrics = textfile.read_text()
    assert 'backstop_backup_failures_total{stack="prod"} 2' in metrics
    assert 'backstop_last_restore_rto_seconds{stack="prod"} 95' in metrics
    assert 'backstop_last_drill_ok{stack="prod"} 1' in metrics
    assert 'backstop_rpo_breached{stack="prod"} 0' in metrics
    assert 'backstop_last_drift_objects{stack="prod"} 2' in metrics
    database = report["database"]
    assert database["declared"] and database["backups"] == 2 and database["export_problems"] == []
    assert 2 * 3600 - 60 < database["last_backup_age_seconds"] < 2 * 3600 + 60
    assert 'backstop_db_rpo_breached{stack="prod"} 0' in metrics
    assert 'backstop_db_export_problems{stack="prod"} 0' in metrics


def test_a_stale_or_missing_database_export_exits_1(tmp_path: Path) -> None:
    seed(tmp_path, [3])
    seed_database(tmp_path, [30])
    done = status(tmp_path)
    assert done.returncode == 1 and "database: last backup 30.0 h ago (RPO BREACHED)" in done.stdout
    seed_database(tmp_path, [1])
    assert status(tmp_path).returncode == 0
    for stored in (tmp_path / "store" / "convex" / "prod").glob("*.zip.age"):
        stored.unlink()
    done = status(tmp_path, "--json")
    problems = json.loads(done.stdout)["database"]["export_problems"]
    assert done.returncode == 1 and len(problems) == 2 and all("is missing from" in p for p in problems)


def test_an_rpo_breach_exits_1(tmp_path: Path) -> None:
    seed(tmp_path, [25])
    done = status(tmp_path)
    assert done.returncode == 1 and "RPO BREACHED" in done.stdout


def test_no_backup_at_all_is_a_breach(tmp_path: Path) -> None:
    done = status(tmp_path, "--json")
    assert done.returncode == 1 and json.loads(done.stdout)["last_backup_at"] is None


def test_a_store_over_its_limit_alerts_without_failing_the_status(tmp_path: Path) -> None:
    seed(tmp_path, [3])
    seed_database(tmp_path, [2, 1])
    receiver = Receiver()
    try:
        limited = {"BACKSTOP_STORE_MAX_BYTES": "10", "BACKSTOP_SLACK_WEBHOOK_URL": f"{receiver.url}/slack"}
        done = status(tmp_path, extra=limited)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "of 10 bytes OVER THE LIMIT" in done.stdout
        [posted] = receiver.posted_to("/slack")
        assert "the backup store holds more than its limit" in posted["text"]
    finally:
        receiver.close()


def test_the_documents_rpo_target_decides_a_breach(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from backstop.operations import status as operation

    seed(tmp_path, [3])
    document = tmp_path / "prod.yaml"
    document.write_text("version: 1\nstack: prod\nscope: {stripe: {mode: live}}\ntargets: {rpo_hours: 2}\n")
    monkeypatch.setenv("BACKSTOP_BACKUPS_DIR", str(tmp_path))
    monkeypatch.setattr(operation, "document_path", lambda stack: document)
    found = operation.status_of("prod", datetime.now(UTC), env={})
    assert (found["rpo_seconds"], found["rpo_breached"]) == (7200, True)
    document.write_text("version: 1\nstack: prod\nscope: {stripe: {mode: live}}\ntargets: {rpo_hours: 4}\n")
    assert operation.status_of("prod", datetime.now(UTC), env={})["rpo_breached"] is False
