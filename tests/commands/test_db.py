"""`backstop db backup|restore` as a user runs them: the real Convex CLI against the sandbox's deployments,
the pinned engine for the stack's config, an encrypted backup store outside git (a folder, or S3 on
versitygw), approvals, reports, and the catalogue's `backups`, `status` and `prune`."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from backstop.runbook.db import crypto
from tests.approvers import forge, key
from tests.support import ROOT, Engine, S3Server, SandboxProcess

pytestmark = pytest.mark.e2e
STAGING, PROD = "quiet-otter-512", "spotted-gerbil-236"
DEPLOYMENT = {"staging": STAGING, "prod": PROD}
CANARY = "canary-convex-plaintext-7Q2v"
Json = dict[str, Any]


@pytest.fixture
def seeded(engine: Engine, sandbox: SandboxProcess) -> Engine:
    """The derrimut fixture, a canary value in one user document, both stacks, a private TMPDIR."""
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    state = sandbox.dump()
    for deployment in (STAGING, PROD):
        user = next(iter(state["convex"][deployment]["users"].values()))
        user["notes"] = CANARY
    sandbox.load(state)
    (engine.home / "tmp").mkdir()
    engine.extra_env["TMPDIR"] = str(engine.home / "tmp")
    engine.init_stack("staging")
    engine.init_stack("prod")
    return engine


def tables(sandbox: SandboxProcess, deployment: str = STAGING) -> dict[str, Json]:
    return {k: v for k, v in sandbox.dump()["convex"][deployment].items() if not k.startswith("_")}


def edit(sandbox: SandboxProcess, change: Any, deployment: str = STAGING) -> None:
    state = sandbox.dump()
    change(state["convex"][deployment])
    sandbox.load(state)


def break_data(data: Json) -> None:
    """Two users deleted, every membership corrupted, and an order written after the backup."""
    for user_id in list(data["users"])[:2]:
        del data["users"][user_id]
    for membership in data["memberships"].values():
        membership["status"] = "CORRUPTED"
    data["orders"]["newer-than-the-backup"] = {"_id": "x", "_creationTime": 1.0, "status": "new"}


def db_backup(
    engine: Engine, stack: str = "staging", label: str = "Pre-deployment backup - v1.0.5", *flags: str
) -> Json:
    done = engine.backstop(
        "db", "backup", "--stack", stack, "--label", label, "--class", "manual", "--json", *flags
    )
    backup: Json = json.loads(done.stdout)["backup"]
    return backup


def db_restore(engine: Engine, *args: str, ok: tuple[int, ...] = (0,)) -> Json:
    done = engine.backstop("db", "restore", *args, "--json", ok=ok)
    result: Json = json.loads(done.stdout)
    return result


def convex_requests(sandbox: SandboxProcess) -> int:
    return sum(1 for r in sandbox.requests()["requests"] if r["vendor"] == "convex")


def assert_no_plaintext(engine: Engine) -> None:
    """Outside the private temporary folders (gone by now) no file holds a document value or a ZIP."""
    assert not list((engine.home / "tmp").glob("backstop-*")), "private folders are removed"
    assert engine.files_containing(CANARY) == []
    assert engine.files_containing("sandbox-fake-convex-deploy-key") == [], "the admin key stays in memory"
    assert engine.files_containing("AGE-SECRET-KEY-1") == [], "so does the age identity"
    zips = [p for p in engine.home.rglob("*") if p.is_file() and p.read_bytes()[:4] == b"PK\x03\x04"]
    assert zips == [], "no plaintext export is left on disk"


def audit_records(engine: Engine) -> list[Json]:
    return [json.loads(line) for line in (engine.home / "audit-log.jsonl").read_text().splitlines()]


def age_key(engine: Engine, stack: str) -> str:
    """The stack's dbBackupKey, as someone holding the stack's secrets reads it."""
    return engine.pulumi("config", "get", "dbBackupKey", "--stack", stack).stdout.strip()


def test_backup_then_restore_brings_back_deleted_and_corrupted_documents(
    seeded: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    engine = seeded
    before = tables(sandbox)
    backup = db_backup(engine)
    database = backup["database"]
    assert backup["kind"] == "database" and backup["class"] == "manual"
    assert len(database["tables"]) == 26 and backup["resource_counts"]["users"] == len(before["users"])
    assert database["store"] == (engine.home / "store").as_uri() and not str(engine.home).startswith(
        str(ROOT)
    )
    stored = engine.home / "store" / database["object"]
    sealed = stored.read_bytes()
    assert sealed.startswith(b"age-encryption.org/v1\n") and CANARY.encode() not in sealed
    manifest = engine.home / "backups" / "staging" / backup["id"] / "manifest.json"
    assert manifest.exists() and sorted(p.name for p in manifest.parent.iterdir()) == ["manifest.json"]
    opened = tmp_path / "opened.zip"
    crypto.decrypt(stored, opened, age_key(engine, "staging"), "the stored export")
    with zipfile.ZipFile(opened) as archive:
        assert CANARY in archive.read("users/documents.jsonl").decode(), "the export holds the real data"
    opened.unlink()

    edit(sandbox, break_data)
    result = db_restore(engine, "--backup", backup["id"])
    report = result["report"]
    assert result["ok"] and report["verified"] and report["differences"] == []
    assert report["counts"]["users"] == {"backup": 5, "live": 5} and len(report["tables_restored"]) == 26
    assert len(report["sampled"]) >= 20 and report["table"] is None
    assert report["duration_seconds"] > 0 and report["data_loss_window_seconds"] > 0
    markdown = Path(result["files"][1]).read_text()
    assert "| Duration (RTO) |" in markdown and "| Data-loss window |" in markdown
    assert tables(sandbox) == before, "every table is back as it was, the order written later is gone"
    safety = json.loads(
        (engine.home / "backups" / "staging" / report["safety_backup"] / "manifest.json").read_text()
    )
    assert safety["kind"] == "database" and safety["class"] == "critical"
    assert safety["label"].startswith(f"Pre-restore backup - {backup['id']}")
    assert safety["resource_counts"]["users"] == 3, "the safety export holds the data as it was before"
    assert_no_plaintext(engine)


def test_one_table_restore_leaves_the_other_tables(seeded: Engine, sandbox: SandboxProcess) -> None:
    engine = seeded
    before = tables(sandbox)
    backup = db_backup(engine)
    edit(sandbox, break_data)
    report = db_restore(engine, "--backup", backup["id"], "--table", "memberships")["report"]
    assert (
        report["verified"]
        and report["table"] == "memberships"
        and report["tables_restored"] == ["memberships"]
    )
    after = tables(sandbox)
    assert after["memberships"] == before["memberships"]
    assert len(after["users"]) == len(before["users"]) - 2, "users were not part of this restore"
    assert "newer-than-the-backup" in after["orders"]
    missing = db_restore(engine, "--backup", backup["id"], "--table", "payroll", ok=(2,))
    assert "table 'payroll' is not in backup" in missing["error"]


def test_a_prod_restore_needs_the_cto_and_changes_nothing_without(
    seeded: Engine, sandbox: SandboxProcess
) -> None:
    engine = seeded
    engine.protect_prod()
    backup = db_backup(engine, "prod")
    edit(sandbox, break_data, PROD)
    broken = tables(sandbox, PROD)
    calls = convex_requests(sandbox)
    folder = engine.home / "approvals"
    folder.mkdir()
    signed = ("approve", "--stack", "prod", "--backup", backup["id"])
    lead = engine.backstop(*signed, "--key", str(key("eli")), "--out", str(folder / "eli.json"), ok=(2,))
    assert "Eli Lead holds eng-lead; approving database of prod needs cto" in lead.stderr
    digest = hashlib.sha256((engine.home / "backups" / "prod" / backup["id"] / "manifest.json").read_bytes())
    forged = forge(
        folder, "eli", stack="prod", backup=backup["id"], manifest_sha256=digest.hexdigest(),
        kinds=["database"], approver="Eli Lead",
    )  # fmt: skip
    for approver, reason in (
        ([], "missing"),
        (["--approved-by", "Dana Cto"], "approved-by"),
        (["--approval", str(forged)], "wrong-role"),
    ):
        refused = db_restore(engine, "--backup", backup["id"], *approver, ok=(2,))
        assert refused["error"].startswith(f"refused ({reason})") and "cto" in refused["error"]
    assert convex_requests(sandbox) == calls, "a refused restore makes no call"
    assert tables(sandbox, PROD) == broken
    assert len(list((engine.home / "backups" / "prod").glob("*/manifest.json"))) == 1, "no safety export"
    engine.backstop(*signed, "--key", str(key("dana")), "--out", str(folder / "dana.json"))
    restored = db_restore(engine, "--backup", backup["id"], "--approval", str(folder / "dana.json"))
    assert restored["report"]["verified"] and restored["report"]["approved_by"] == "Dana Cto"
    assert restored["report"]["stack"] == "prod" and restored["report"]["deployment"] == PROD

    # The audit log: the backup, each refusal (a database change of prod, refused: no approval needed),
    # and the restore with the CTO's approval. It verifies.
    records = audit_records(engine)
    assert [(r["operation"], r["kind"], r["result"]) for r in records] == [
        ("db backup", "database", "ok"),
        *[("db restore", "database", "refused")] * 3,
        ("db restore", "database", "verified"),
    ]
    assert records[0]["backup"] == backup["id"] and records[0]["changes"] == {"backups": 1}
    assert [r["refusal"]["reason"] for r in records[1:4]] == ["missing", "approved-by", "wrong-role"]
    assert records[3]["refusal"]["signer"] == "Eli Lead" and records[3]["approval"] is None
    assert records[4]["approval"]["signer"] == "Dana Cto" and records[4]["changes"] == {
        "tables": len(restored["report"]["tables_restored"])
    }
    assert json.loads(engine.backstop("audit", "verify", "--json").stdout)["ok"] is True


def test_a_prod_backup_restores_into_staging(seeded: Engine, sandbox: SandboxProcess) -> None:
    engine = seeded
    prod = tables(sandbox, PROD)
    backup = db_backup(engine, "prod")
    report = db_restore(engine, "--backup", backup["id"], "--to", "staging")["report"]
    assert report["verified"] and report["stack"] == "staging" and report["backup_stack"] == "prod"
    assert tables(sandbox, STAGING) == prod
    assert tables(sandbox, PROD) == prod


def test_backups_status_and_prune_include_the_database(seeded: Engine, sandbox: SandboxProcess) -> None:
    engine = seeded
    old, new = db_backup(engine, label="Daily"), db_backup(engine, label="Daily again")
    listed = json.loads(engine.backstop("backups", "--stack", "staging", "--json").stdout)["backups"]
    assert [(r["id"], r["kind"], r["status"]) for r in listed][:2] == [
        (new["id"], "database", "ok"),
        (old["id"], "database", "ok"),
    ]
    status = json.loads(engine.backstop("status", "--stack", "staging", "--json", ok=(1,)).stdout)
    database = status["database"]
    assert database["declared"] and database["backups"] == 2 and database["export_problems"] == []
    assert database["rpo_breached"] is False and database["last_backup_age_seconds"] < 600

    (engine.home / "store" / new["database"]["object"]).write_bytes(b"tampered")
    (engine.home / "store" / old["database"]["object"]).unlink()
    status = json.loads(engine.backstop("status", "--stack", "staging", "--json", ok=(1,)).stdout)
    problems = status["database"]["export_problems"]
    assert any("does not match its checksum" in p for p in problems) and any(
        "is missing" in p for p in problems
    )
    listed = json.loads(engine.backstop("backups", "--stack", "staging", "--json").stdout)["backups"]
    assert {r["status"] for r in listed if r["kind"] == "database"} == {"broken"}
    damaged = db_restore(engine, "--backup", new["id"], ok=(2,))
    assert "is damaged" in damaged["error"]

    fresh = db_backup(engine, label="Daily, fresh")
    folder = engine.home / "backups" / "staging" / old["id"]
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.update({"class": "daily", "created_at": (datetime.now(UTC) - timedelta(days=40)).isoformat()})
    (folder / "manifest.json").write_text(json.dumps(manifest))
    pruned = json.loads(engine.backstop("prune", "--stack", "staging", "--json").stdout)
    assert pruned["removed"] == [old["id"]] and not folder.exists()
    kept = {d["id"] for d in pruned["decisions"] if d["keep"]}
    assert {new["id"], fresh["id"]} <= kept
    assert (engine.home / "store" / fresh["database"]["object"]).exists()


def test_an_old_database_backup_is_pruned_with_its_export(seeded: Engine, sandbox: SandboxProcess) -> None:
    engine = seeded
    old, _ = db_backup(engine, label="Old"), db_backup(engine, label="New")
    folder = engine.home / "backups" / "staging" / old["id"]
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.update({"class": "manual", "created_at": (datetime.now(UTC) - timedelta(days=91)).isoformat()})
    (folder / "manifest.json").write_text(json.dumps(manifest))
    dry = json.loads(engine.backstop("prune", "--stack", "staging", "--dry-run", "--json").stdout)
    assert dry["removed"] == [old["id"]] and folder.exists()
    assert [r["operation"] for r in audit_records(engine)] == ["db backup"] * 2, "a dry run is not recorded"
    engine.backstop("prune", "--stack", "staging")
    assert not folder.exists() and not (engine.home / "store" / old["database"]["object"]).exists()
    engine.backstop("prune", "--stack", "staging")  # nothing left to remove: nothing recorded
    *_, pruned = audit_records(engine)
    assert (pruned["operation"], pruned["result"], pruned["removed"]) == ("prune", "ok", [old["id"]])
    assert pruned["changes"] == {"database": 1} and pruned["actor"]["user"]
    assert len(audit_records(engine)) == 3
    assert json.loads(engine.backstop("audit", "verify", "--json").stdout)["ok"] is True


def test_an_s3_store_on_versitygw(seeded: Engine, sandbox: SandboxProcess, tmp_path: Path) -> None:
    engine = seeded
    s3 = S3Server(tmp_path)
    try:
        s3.create_bucket("derrimut-backups")
        engine.extra_env.update(s3.env(), BACKSTOP_STORE_URL="s3://derrimut-backups/convex-exports")
        before = tables(sandbox)
        backup = db_backup(engine, "staging", "Daily backup - 2026-11-27", "--require-bucket")
        assert backup["database"]["store"] == "s3://derrimut-backups/convex-exports"
        stored = s3.root / "derrimut-backups" / "convex-exports" / backup["database"]["object"]
        assert stored.read_bytes().startswith(b"age-encryption.org/v1\n")
        edit(sandbox, break_data)
        report = db_restore(engine, "--backup", backup["id"])["report"]
        assert report["verified"] and tables(sandbox) == before
        safety = engine.home / "backups" / "staging" / report["safety_backup"] / "manifest.json"
        assert json.loads(safety.read_text())["database"]["store"].startswith("s3://derrimut-backups/")
        status = json.loads(engine.backstop("status", "--stack", "staging", "--json", ok=(1,)).stdout)
        assert status["database"]["export_problems"] == []
        assert not list(s3.root.rglob("*.zip")) and engine.files_containing(CANARY) == []
    finally:
        s3.stop()


def test_a_failed_restore_leaves_no_plaintext(seeded: Engine, sandbox: SandboxProcess) -> None:
    engine = seeded
    backup = db_backup(engine)
    sandbox.http.post(
        "/_sandbox/faults",
        json={"vendor": "convex", "route": "/api/perform_import", "kind": "status", "status": 500},
    ).raise_for_status()
    done = engine.backstop("db", "restore", "--backup", backup["id"], ok=(3,))
    assert "`convex import` on quiet-otter-512 exited 1" in done.stderr
    assert "sandbox-fake-convex-deploy-key" not in done.output
    assert_no_plaintext(engine)


def test_bad_input_exits_2_before_any_call(seeded: Engine, sandbox: SandboxProcess) -> None:
    engine = seeded
    calls = convex_requests(sandbox)
    engine.extra_env["BACKSTOP_STORE_URL"] = str(ROOT / "snapshots" / "db-exports")
    inside = engine.backstop("db", "backup", "--stack", "staging", "--label", "x", ok=(2,))
    assert "database exports never go into git" in inside.stderr
    engine.extra_env["BACKSTOP_STORE_URL"] = str(engine.home / "store")
    folder = engine.backstop(
        "db", "backup", "--stack", "staging", "--label", "x", "--require-bucket", ok=(2,)
    )
    assert "BACKSTOP_STORE_URL" in folder.stderr and "s3://bucket" in folder.stderr
    assert not (engine.home / "store").exists()
    unknown = engine.backstop("db", "restore", "--backup", "staging-db-20990101T000000Z", ok=(2,))
    assert "no complete database backup 'staging-db-20990101T000000Z'" in unknown.stderr
    assert engine.backstop("db", "backup", "--stack", "nosuch", "--label", "x", ok=(2,)).code == 2
    assert convex_requests(sandbox) == calls
    assert not (ROOT / "snapshots" / "db-exports").exists()


def test_the_committed_stacks_name_their_deployments() -> None:
    for stack, deployment in DEPLOYMENT.items():
        config = YAML(typ="safe").load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"]
        assert config["platform-config:convexDeployment"] == deployment
        assert set(config["platform-config:dbBackupKey"]) == {"secure"}
        assert set(config["backstop:convexAdminKey"]) == {"secure"}
