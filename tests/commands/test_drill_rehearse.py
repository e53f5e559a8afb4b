"""`backstop drill --rehearse`: the team's own configuration drilled from its backups in a private sandbox,
never touching the live services, the stack's state or the team's secrets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from backstop.runbook.drill.database import CRITICAL
from sandbox.core.accounts import keys
from tests.commands.test_restore import backup
from tests.proxy import RecordingProxy
from tests.rewind import module_engine
from tests.support import Engine, SandboxProcess

pytestmark = pytest.mark.e2e


VENDOR_URLS = (
    "BACKSTOP_STRIPE_BASE_URL",
    "BACKSTOP_CLERK_BASE_URL",
    "BACKSTOP_CLERK_FRONTEND_BASE_URL",
    "BACKSTOP_SVIX_BASE_URL",
    "BACKSTOP_VAPI_BASE_URL",
    "BACKSTOP_VERCEL_BASE_URL",
    "BACKSTOP_CONVEX_BASE_URL",
    "BACKSTOP_DELIVERY_BASE_URL",
)


@pytest.fixture(scope="module")
def proxy() -> Iterator[RecordingProxy]:
    """Every connection outside the machine goes here and is refused: the rehearsal must make none."""
    with RecordingProxy() as recording:
        with pytest.raises(httpx.ProxyError):
            httpx.get("https://api.stripe.com/v1/webhook_endpoints", proxy=recording.url)
        assert recording.connections == ["CONNECT api.stripe.com:443 HTTP/1.1"], "the proxy records"
        recording.connections.clear()
        yield recording


@pytest.fixture(scope="module")
def backed_up(
    sandbox_server: SandboxProcess, tmp_path_factory: pytest.TempPathFactory, proxy: RecordingProxy
) -> Engine:
    """derrimut's staging and prod live (the sandbox plays the real services here), each backed up; then
    the engine loses the way to both: another backend, another passphrase, no sandbox URL, the vendors'
    base URLs unset (so a call that escaped the rehearsal would go to the real vendors) and every process's
    HTTP(S) traffic sent to a recording proxy, with no NO_PROXY."""
    engine = module_engine(tmp_path_factory.mktemp("rehearse"), sandbox_server)
    sandbox_server.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    engine.extra_env["BACKSTOP_SANDBOX_URL"] = sandbox_server.url
    for stack in ("staging", "prod"):
        engine.init_stack(stack)
        engine.backstop("up", "--stack", stack)
    engine.extra_env["STAGING_BACKUP"] = backup(engine, stack="staging")
    engine.extra_env["PROD_BACKUP"] = backup(engine, stack="prod")
    db = json.loads(engine.backstop("db", "backup", "--stack", "prod", "--label", "Nightly", "--json").stdout)
    engine.extra_env["PROD_DB_BACKUP"] = db["backup"]["id"]
    # The one secret a rehearsal of the database needs, as a CI job would be given it.
    key = engine.pulumi("config", "get", "platform-config:dbBackupKey", "--stack", "prod").stdout.strip()
    engine.extra_env["PROD_DB_KEY"] = key
    del engine.extra_env["BACKSTOP_SANDBOX_URL"]
    engine.extra_env.update(
        PULUMI_BACKEND_URL=f"file://{engine.home / 'nowhere'}",
        PULUMI_CONFIG_PASSPHRASE="not-the-teams-passphrase",
        TMPDIR=str(engine.home / "tmp"),
        NO_PROXY="",
        no_proxy="",
        **dict.fromkeys(VENDOR_URLS, ""),
        **proxy.env(),
    )
    (engine.home / "tmp").mkdir()
    return engine


def test_prod_rehearses_from_its_backups_without_touching_anything_live(
    backed_up: Engine, sandbox_server: SandboxProcess, proxy: RecordingProxy
) -> None:
    """Scenario B, with the database backup of the same day restored into the private sandbox first (the
    one secret it needs comes from BACKSTOP_DB_BACKUP_KEY, as in CI)."""
    engine, live = backed_up, sandbox_server
    before = live.dump()
    live.http.delete("/_sandbox/requests").raise_for_status()
    project_files = {p: p.read_bytes() for p in engine.project.rglob("*.yaml")}
    engine.extra_env["BACKSTOP_DB_BACKUP_KEY"] = engine.extra_env["PROD_DB_KEY"]
    try:
        done = json.loads(engine.backstop("drill", "--stack", "prod", "--scenario", "B", "--json").stdout)
    finally:
        del engine.extra_env["BACKSTOP_DB_BACKUP_KEY"]

    report = done["report"]
    assert report["restored_exactly"] is True, report["differences"]
    assert {b.split()[0] for b in report["broken"]} == {"webhook", "product", "vapi", "database"}, report[
        "broken"
    ]
    rehearsal = report["rehearsal"]
    # prod's document reads staging's outputs: staging's newest backup is applied first.
    assert rehearsal["backup_id"] == engine.extra_env["PROD_BACKUP"]
    assert list(rehearsal["seeded"].items()) == [
        ("staging", engine.extra_env["STAGING_BACKUP"]),
        ("prod", engine.extra_env["PROD_BACKUP"]),
    ]
    assert "www.derrimut247.com.au" in rehearsal["hosts"]
    # The database: prod's export restored into the sandbox, then one critical table corrupted and restored.
    assert rehearsal["database_backup_id"] == engine.extra_env["PROD_DB_BACKUP"]
    assert rehearsal["database_not_rehearsed"] is None
    table = report["database_table"]
    assert table in CRITICAL
    assert any(b.startswith(f"database table {table}: ") for b in report["broken"]), report["broken"]
    assert "the database export differs in 1 table(s)" in report["phases"][0]["detail"]
    # The sandbox played the apps: the restored secrets reached Vercel and Convex in the rehearsal too.
    assert report["checks"]["ok"] is True, report["checks"]
    markdown = Path(done["files"][1]).read_text()
    assert "rehearsal in a private sandbox" in markdown
    assert f"Rehearsal of backup {engine.extra_env['PROD_BACKUP']}" in markdown
    assert f"Database backup {engine.extra_env['PROD_DB_BACKUP']} restored into the sandbox" in markdown

    assert live.requests()["total"] == 0, "a rehearsal never calls the live services"
    assert proxy.connections == [], "nor anything else outside its private sandbox"
    assert live.dump() == before
    assert {p: p.read_bytes() for p in engine.project.rglob("*.yaml")} == project_files
    assert not list((engine.home / "tmp").iterdir()), "the rehearsal's folder is removed"
    assert not (engine.home / "nowhere").exists(), "the stack's state backend is never opened"
    written = "\n".join(p.read_text() for p in Path(done["files"][0]).parent.iterdir())
    for key in (*keys("stripe").values(), *keys("clerk").values(), *keys("vercel").values()):
        assert key not in written
    assert engine.extra_env["PROD_DB_KEY"] not in written
    history = (engine.home / "backups" / "prod" / "history.jsonl").read_text().splitlines()
    last = json.loads(history[-1])
    assert (last["kind"], last["ok"], last["details"]["rehearsed"]) == (
        "drill",
        True,
        engine.extra_env["PROD_BACKUP"],
    )


def test_a_rehearsal_needs_the_backups_it_applies(backed_up: Engine, sandbox_server: SandboxProcess) -> None:
    engine = backed_up
    sandbox_server.http.delete("/_sandbox/requests").raise_for_status()
    unknown = engine.backstop(
        "drill", "--stack", "prod", "--scenario", "A", "--backup", "prod-20200101T000000Z", ok=(2,)
    )
    assert "no complete backup 'prod-20200101T000000Z' of prod" in " ".join(unknown.stderr.split())

    staging_backups = engine.home / "backups" / "staging"
    hidden = engine.home / "staging-backups"
    staging_backups.rename(hidden)
    try:
        refused = engine.backstop("drill", "--stack", "prod", "--scenario", "D", ok=(2,))
    finally:
        hidden.rename(staging_backups)
    message = " ".join(refused.stderr.split())
    assert "prod's document reads outputs of staging" in message
    assert "backstop backup --stack staging" in message

    wrong = engine.backstop(
        "drill", "--stack", "prod", "--scenario", "A", "--in-place", "--backup", "x", ok=(2,)
    )
    assert "--backup chooses what a rehearsal applies" in " ".join(wrong.stderr.split())
    assert sandbox_server.requests()["total"] == 0
    assert not list((engine.home / "tmp").iterdir())
