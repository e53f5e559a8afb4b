"""`backstop drill` on a stack with a database: scenario A loses every table and restores the whole
database, scenario B corrupts one critical table and restores that table alone, both verified against
the sandbox's own data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.rewind import Rewind, module_engine
from tests.support import ROOT, SandboxProcess

pytestmark = pytest.mark.e2e
STAGING = "quiet-otter-512"


@pytest.fixture(scope="module")
def applied(sandbox_server: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> Rewind:
    """The derrimut accounts and database, staging's document applied: once for both scenarios."""
    engine = module_engine(tmp_path_factory.mktemp("drill-db"), sandbox_server)
    sandbox_server.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    work = engine.home / "documents"
    work.mkdir()
    document = work / "staging.yaml"
    shutil.copyfile(ROOT / "snapshots" / "staging.yaml", document)
    engine.extra_env.update(BACKSTOP_SANDBOX_URL=sandbox_server.url, BACKSTOP_DESIRED_STATE=str(document))
    engine.init_stack("staging")
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", "staging")
    rewind = Rewind(engine, sandbox_server)
    rewind.save()
    return rewind


@pytest.mark.parametrize("scenario", ["A", "B"])
def test_drills_restore_the_database(applied: Rewind, sandbox_server: SandboxProcess, scenario: str) -> None:
    engine, sandbox = applied.engine(), sandbox_server
    before = {k: v for k, v in sandbox.dump()["convex"][STAGING].items() if not k.startswith("_")}
    prod_before = sandbox.dump()["convex"]["spotted-gerbil-236"]

    done = json.loads(engine.backstop("drill", "--stack", "staging", "--scenario", scenario, "--json").stdout)
    report = done["report"]
    assert report["restored_exactly"] is True, report["differences"]
    assert [p["name"] for p in report["phases"]] == ["detect", "decide", "restore", "verify"]
    broken = [b for b in report["broken"] if b.startswith("database table")]
    detect = report["phases"][0]["detail"]
    if scenario == "A":
        assert len(broken) == 26 and report["database_table"] is None
        assert "the database export differs in 26 table(s)" in detect
    else:
        assert broken == ["database table memberships: 2 documents corrupted, 1 deleted"]
        assert report["database_table"] == "memberships"
        assert "the database export differs in 1 table(s)" in detect
    assert report["database_backup_id"].startswith("staging-db-")
    assert report["database_data_loss_window_seconds"] >= 0
    assert "Database backup restored:" in Path(done["files"][1]).read_text()
    after = {k: v for k, v in sandbox.dump()["convex"][STAGING].items() if not k.startswith("_")}
    assert after == before
    assert sandbox.dump()["convex"]["spotted-gerbil-236"] == prod_before, "staging's drill never touches prod"
