"""`backstop drill`: each scenario restores exactly, in the sandbox only, with every phase timed."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from sandbox.core.accounts import keys
from tests.e2e.vercel_support import PROJECT, variables, vercel_api
from tests.rewind import Rewind, module_engine
from tests.support import ROOT, STRIPE_STAGING_KEY, Engine, SandboxProcess

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


def test_a_stack_out_of_sync_live_or_in_its_document_is_not_drilled(
    applied: Rewind, sandbox_server: SandboxProcess
) -> None:
    """The in-sync check before the disaster: a refresh that changed nothing, on a state whose last update
    applied today's document, needs no preview; any other case runs one, and a difference stops the drill
    (exit 1) before anything is broken."""
    engine = applied.engine()
    products = sandbox_server.stripe_objects("acct_derrimut_staging", "products")
    product = next(iter(products.values()))
    httpx.post(
        f"{sandbox_server.url}/stripe/v1/products/{product['id']}",
        data={"name": "Renamed out of band"},
        headers={"Authorization": f"Bearer {STRIPE_STAGING_KEY}"},
    ).raise_for_status()
    live = sandbox_server.dump()
    refused = engine.backstop("drill", "--stack", "staging", "--scenario", "A", ok=(1,))
    assert "staging is not in sync before the drill: restore it first" in refused.stderr
    assert sandbox_server.dump()["stripe"] == live["stripe"], "nothing broken, nothing restored"

    engine = applied.engine()
    document = Path(engine.extra_env["BACKSTOP_DESIRED_STATE"])
    declared = document.read_text()
    assert f"name: {product['name']}\n" in declared
    document.write_text(declared.replace(f"name: {product['name']}\n", "name: Renamed in the document\n", 1))
    live = sandbox_server.dump()
    refused = engine.backstop("drill", "--stack", "staging", "--scenario", "A", ok=(1,))
    assert "staging is not in sync before the drill: restore it first" in refused.stderr
    assert sandbox_server.dump()["stripe"] == live["stripe"]


def test_drills_refuse_real_services(engine: Engine, sandbox: SandboxProcess) -> None:
    engine.init_stack("staging")
    refused = engine.backstop("drill", "--stack", "staging", "--scenario", "A", "--in-place", ok=(2,))
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
    """Also the signed test deliveries (`backstop check`): they pass after the drill, fail naming the
    endpoint and the variable once the app's Vercel and Convex secrets are changed out of band, and pass
    again after a restore."""
    from tests.reliability.test_kill_vercel import lose_everything, small_prod_document

    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    folder = tmp_path / "snapshots"
    folder.mkdir()
    small_prod_document(folder, convex_secret=True)
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
    assert report["checks"]["ok"] is True, report["checks"]
    assert {d["endpoint"]: d["status"] for d in report["checks"]["deliveries"]} == {
        "stripe.webhook_endpoints.convex-billing": "passed",
        "stripe.webhook_endpoints.app-payments": "passed",
    }

    # The app's secrets changed out of band, in Vercel (production) and in the Convex deployment.
    secrets = [
        e["secret"] for e in sandbox.dump()["stripe"]["acct_derrimut_prod"]["webhook_endpoints"].values()
    ]
    vercel_var = next(e for e in variables(sandbox) if e["key"] == "STRIPE_WEBHOOK_SECRET")
    with vercel_api(sandbox) as api:
        api.patch(
            f"/v9/projects/{PROJECT}/env/{vercel_var['id']}", json={"value": "whsec_tampered_in_vercel"}
        ).raise_for_status()
    httpx.post(
        f"{sandbox.url}/convex/spotted-gerbil-236/api/update_environment_variables",
        headers={"Authorization": f"Convex {keys('convex')['spotted-gerbil-236']}"},
        json={"changes": [{"name": "STRIPE_WEBHOOK_SECRET", "value": "whsec_tampered_in_convex"}]},
    ).raise_for_status()
    failed = json.loads(engine.backstop("check", "--stack", "prod", "--json", ok=(1,)).stdout)["report"]
    by_endpoint = {d["endpoint"]: d for d in failed["deliveries"]}
    app, convex = (by_endpoint[f"stripe.webhook_endpoints.{k}"] for k in ("app-payments", "convex-billing"))
    assert (app["status"], app["http_status"], convex["status"], convex["http_status"]) == (
        "failed",
        400,
        "failed",
        400,
    )
    assert (
        '"variable":"STRIPE_WEBHOOK_SECRET"' in app["body"]
        and f"({PROJECT}), target production" in app["body"]
    )
    assert app["verifies_with"] == [
        f"STRIPE_WEBHOOK_SECRET in Vercel project platform ({PROJECT}), target production (stack prod)"
    ]
    assert convex["verifies_with"] == [
        "STRIPE_WEBHOOK_SECRET in Convex deployment spotted-gerbil-236 (stack prod)"
    ]
    assert "backstop restore --stack prod" in app["fix"]

    restored = json.loads(
        engine.backstop(
            "restore", "--stack", "prod", "--at", f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%S}", "--json"
        ).stdout
    )["report"]
    assert restored["checks"]["ok"] is True, restored["checks"]
    assert "STRIPE_WEBHOOK_SECRET (production)" in restored["rewritten"]
    for secret in [*secrets, "whsec_tampered_in_vercel", "whsec_tampered_in_convex"]:
        assert secret not in engine.all_output(), "a signing secret reached stdout or stderr"
        assert not engine.files_containing(secret), "a signing secret reached a file (state, reports)"
