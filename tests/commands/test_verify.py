"""`backstop verify`: the weekly backup verification as CI runs it. A configuration backup drawn at random
from the window and the same day's database backup are restored in a private sandbox, checked (drift, the
export against its manifest, the document's data checks, signed deliveries and smoke checks) and logged in
the Backup Verification Log; nothing live is called."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sandbox.core.accounts import keys
from tests.commands.test_restore import backup
from tests.rewind import module_engine
from tests.support import Engine, SandboxProcess

pytestmark = pytest.mark.e2e
Json = dict[str, Any]


@pytest.fixture(scope="module")
def week(sandbox_server: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """derrimut live (the sandbox plays the real services): configuration backups of staging, then two of
    prod, then staging again, and a database backup of each; then the sandbox URL is gone and prod is
    protected by the committed approval rules, as in the team's CI."""
    engine = module_engine(tmp_path_factory.mktemp("verify"), sandbox_server)
    sandbox_server.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    engine.extra_env["BACKSTOP_SANDBOX_URL"] = sandbox_server.url
    for stack in ("staging", "prod"):
        engine.init_stack(stack)
        engine.backstop("up", "--stack", stack)
    # prod reads staging's outputs, and prod's document configures the app's preview target with staging's
    # secrets: verifying either applies the other's backup of the time too.
    backup(engine, "staging", "Nightly 1")
    engine.extra_env["PROD_BACKUPS"] = " ".join(backup(engine, "prod", f"Nightly {n}") for n in (1, 2))
    engine.extra_env["STAGING_BACKUP"] = backup(engine, "staging", "Nightly 2")
    for stack in ("staging", "prod"):
        done = engine.backstop(
            "db", "backup", "--stack", stack, "--label", "Nightly", "--class", "daily", "--json"
        )
        engine.extra_env[f"{stack.upper()}_DB"] = json.loads(done.stdout)["backup"]["id"]
    del engine.extra_env["BACKSTOP_SANDBOX_URL"]
    engine.protect_prod()
    (engine.home / "tmp").mkdir()
    engine.extra_env["TMPDIR"] = str(engine.home / "tmp")
    return engine


def verify(engine: Engine, stack: str, *args: str, ok: tuple[int, ...] = (0,)) -> Json:
    done = engine.backstop("verify", "--stack", stack, "--tested-by", "Sam Dev", *args, "--json", ok=ok)
    result: Json = json.loads(done.stdout)
    return result


def log(engine: Engine) -> list[Json]:
    path = engine.project / "snapshots" / "verification-log.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_prod_backup_drawn_from_the_week_restores_checks_and_is_logged(
    week: Engine, sandbox_server: SandboxProcess
) -> None:
    """The weekly template's run: prod's configuration in a private sandbox, its database into staging."""
    engine, live = week, sandbox_server
    live.http.delete("/_sandbox/requests").raise_for_status()

    done = verify(engine, "prod", "--random", "--since", "7d", "--seed", "7")

    entry = done["entry"]
    assert done["ok"] is True, entry["issues_found"]
    assert entry["backup_tested"] in engine.extra_env["PROD_BACKUPS"].split()
    assert (entry["seed"], entry["window"], entry["database_backup"]) == (
        7,
        "7d",
        engine.extra_env["PROD_DB"],
    )
    assert entry["database_restored_to"] == "staging"
    assert (
        entry["restoration_successful"],
        entry["data_integrity_verified"],
        entry["application_functional"],
    ) == (
        True,
        True,
        True,
    )
    assert {c["key"]: c["passed"] for c in entry["data_checks"]} == {
        "users": True,
        "active-memberships": True,
        "orders": True,
        "confirmed-bookings": True,
    }
    assert entry["checks"]["ok"] is True and entry["checks"]["deliveries"], entry["checks"]
    requests = live.requests()["requests"]
    assert {r["vendor"] for r in requests} == {"convex"}, "only staging's database is restored live"
    assert all("spotted-gerbil-236" not in r["path"] for r in requests), "prod's database is never touched"
    assert not list((engine.home / "tmp").iterdir()), "the private sandbox's folder is removed"
    assert [e["backup_tested"] for e in log(engine)] == [entry["backup_tested"]]
    human = Path(done["files"][1]).read_text()
    assert f"| {entry['backup_tested']} + {engine.extra_env['PROD_DB']} |" in human
    assert "| Yes | Yes | Yes | none | Sam Dev |" in human
    written = Path(done["files"][0]).read_text() + human
    for key in (*keys("stripe").values(), *keys("clerk").values(), *keys("convex").values()):
        assert key not in written
    assert "example.com" not in written, "the log carries counts, never the data's values"
    history = (engine.home / "backups" / "prod" / "history.jsonl").read_text().splitlines()
    assert (json.loads(history[-1])["kind"], json.loads(history[-1])["ok"]) == ("verify", True)
    restored = (engine.home / "backups" / "staging" / "history.jsonl").read_text().splitlines()
    assert json.loads(restored[-1])["kind"] == "restore", "the restore into staging is in staging's history"


def test_a_damaged_database_export_fails_the_verification_and_says_why(week: Engine) -> None:
    engine = week
    before = len(log(engine))
    manifest = engine.home / "backups" / "staging" / engine.extra_env["STAGING_DB"] / "manifest.json"
    stored = engine.home / "store" / json.loads(manifest.read_text())["database"]["object"]
    original = stored.read_bytes()
    middle = len(original) // 2
    stored.write_bytes(original[:middle] + bytes([original[middle] ^ 0x01]) + original[middle + 1 :])
    try:
        done = verify(
            engine, "staging", "--backup", engine.extra_env["STAGING_BACKUP"], "--to", "sandbox", ok=(1,)
        )
    finally:
        stored.write_bytes(original)

    entry = done["entry"]
    assert (entry["restoration_successful"], entry["data_integrity_verified"], entry["passed"]) == (
        True,
        False,
        False,
    )
    assert any("damaged" in issue for issue in entry["issues_found"]), entry["issues_found"]
    assert entry["seed"] is None and entry["window"] is None
    assert len(log(engine)) == before + 1
    assert "| Yes | No | Yes |" in Path(done["files"][1]).read_text()
    status = json.loads(engine.backstop("status", "--stack", "staging", "--json", ok=(0, 1)).stdout)
    assert (status["last_verification_ok"], status["last_verification_backup"]) == (
        False,
        entry["backup_tested"],
    )
    entries = [e for e in log(engine) if e["stack"] == "staging"]
    assert status["verification_success_rate_30d"] == sum(e["passed"] for e in entries) / len(entries)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--stack", "staging", "--since", "7w"), "--since: '7w' is not a window"),
        (("--stack", "qa", "--since", "30d"), "no complete configuration backup of qa in the last 30d"),
        (
            ("--stack", "staging", "--backup", "staging-20200101T000000Z"),
            "--backup: no complete configuration",
        ),
        (("--stack", "staging", "--backup", "x", "--seed", "1"), "--random and --seed draw a backup"),
        (("--stack", "staging"), "--to: name the stack whose database receives staging's"),
        (("--stack", "staging", "--to", "staging"), "never over the data it verifies"),
        (("--stack", "staging", "--to", "prod"), "refused (missing): database of prod needs approval by cto"),
        (("--stack", "prod", "--to", "prod"), "never over the data it verifies"),
    ],
)
def test_bad_input_runs_nothing_and_logs_nothing(week: Engine, args: tuple[str, ...], message: str) -> None:
    before = len(log(week))
    done = week.backstop("verify", "--tested-by", "Sam Dev", *args, ok=(2,))
    assert message in " ".join(done.stderr.split())
    assert len(log(week)) == before
