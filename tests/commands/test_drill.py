"""`backstop drill`: each scenario restores exactly, in the sandbox only, with every phase timed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.rewind import Rewind, module_engine
from tests.support import ROOT, Engine, SandboxProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def applied(sandbox_server: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> Rewind:
    """Staging's document applied to an empty sandbox: once for the scenarios."""
    engine = module_engine(tmp_path_factory.mktemp("drill"), sandbox_server)
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


@pytest.mark.parametrize("scenario", ["A", "B", "D"])
def test_each_scenario_restores_exactly(
    applied: Rewind, sandbox_server: SandboxProcess, scenario: str
) -> None:
    engine, sandbox = applied.engine(), sandbox_server
    prod_before = sandbox.dump()["stripe"].get("acct_derrimut_prod")

    done = json.loads(engine.backstop("drill", "--stack", "staging", "--scenario", scenario, "--json").stdout)
    report = done["report"]
    assert report["restored_exactly"] is True, report["differences"]
    assert [p["name"] for p in report["phases"]] == ["detect", "decide", "restore", "verify"]
    assert report["broken"] and report["decision_rule"].startswith("the newest complete backup")
    assert Path(done["files"][1]).read_text().startswith(f"# Disaster-recovery drill {scenario}")
    assert sandbox.dump()["stripe"].get("acct_derrimut_prod") == prod_before, (
        "staging's drill never touches prod"
    )


def test_drills_refuse_real_services(engine: Engine, sandbox: SandboxProcess) -> None:
    engine.init_stack("staging")
    refused = engine.backstop("drill", "--stack", "staging", "--scenario", "A", ok=(2,))
    assert "drills run only against the sandbox" in refused.stderr
    engine.extra_env["BACKSTOP_SANDBOX_URL"] = sandbox.url
    unavailable = engine.backstop("drill", "--stack", "staging", "--scenario", "C", ok=(2,))
    assert "staging owns no Vercel project" in " ".join(unavailable.stderr.split())
    assert sandbox.requests()["total"] == 0


@pytest.mark.parametrize("vendor", ["CLERK", "SVIX"])
def test_drills_refuse_when_any_vendor_is_real(engine: Engine, sandbox: SandboxProcess, vendor: str) -> None:
    engine.init_stack("staging")
    engine.extra_env.update(BACKSTOP_SANDBOX_URL=sandbox.url, **{f"BACKSTOP_{vendor}_BASE_URL": ""})
    refused = engine.backstop("drill", "--stack", "staging", "--scenario", "A", ok=(2,))
    assert "drills run only against the sandbox" in refused.stderr
    assert sandbox.requests()["total"] == 0


def test_scenario_c_brings_back_every_environment_variable(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    from tests.reliability.test_kill_vercel import lose_everything, small_prod_document

    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    folder = tmp_path / "snapshots"
    folder.mkdir()
    small_prod_document(folder)
    engine.extra_env.update(BACKSTOP_SANDBOX_URL=sandbox.url, BACKSTOP_SNAPSHOTS_DIR=str(folder))
    lose_everything(sandbox)  # prod creates its endpoints, so their secrets are known
    engine.init_stack("prod")
    engine.backstop("up", "--stack", "prod")
    staging_before = sandbox.dump()["stripe"]["acct_derrimut_staging"]

    done = json.loads(engine.backstop("drill", "--stack", "prod", "--scenario", "C", "--json").stdout)
    report = done["report"]
    assert report["restored_exactly"] is True, report["differences"]
    assert report["broken"] == ["vercel prj_DerrimutPlatformSandbox00001: 6 environment variables deleted"]
    assert sandbox.dump()["stripe"]["acct_derrimut_staging"] == staging_before
