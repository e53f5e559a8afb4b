"""`backstop restore --prune-unmanaged`: live objects in the stack's scope that no document declares are
removed (Stripe products archived), exactly those `drift` lists, `.backstopignore` respected, other stacks'
objects untouched; without the flag they stay, and `--dry-run` lists them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe

from sandbox.core.accounts import keys
from tests.e2e.test_clerk import KEYS as CLERK_KEYS
from tests.e2e.vercel_support import PROJECT, TEAM, vercel_api
from tests.reliability.test_kill_vercel import lose_everything, small_prod_document
from tests.support import ROOT, STRIPE_PROD_KEY, STRIPE_STAGING_KEY, Engine, SandboxProcess

pytestmark = pytest.mark.e2e
VAPI_ORG = "org_derrimut"
EXTRA_HOOK = "https://extra.example.com/stripe/hook"
EXTRA_REDIRECT = "https://extra.example.com/callback"


def stripe_client(sandbox: SandboxProcess, key: str) -> stripe.StripeClient:
    return stripe.StripeClient(key, base_addresses={"api": f"{sandbox.url}/stripe"})


def backup(engine: Engine, stack: str) -> str:
    done = engine.backstop("backup", "--stack", stack, "--label", "Before the extras", "--json")
    backup_id: str = json.loads(done.stdout)["backup"]["id"]
    return backup_id


def live_names(sandbox: SandboxProcess) -> dict[str, set[str]]:
    state = sandbox.dump()
    vapi = state["vapi"][VAPI_ORG]
    return {
        "stripe": {e["url"] for e in state["stripe"]["acct_derrimut_staging"]["webhook_endpoints"].values()},
        "redirects": {
            r["url"] for inst in state["clerk"].values() for r in (inst.get("redirect_urls") or {}).values()
        },
        "assistants": {a["name"] for a in vapi["assistants"].values()},
        "tools": {(t.get("function") or {}).get("name") for t in vapi["tools"].values()},
    }


def add_staging_extras(sandbox: SandboxProcess) -> None:
    stripe_client(sandbox, STRIPE_STAGING_KEY).v1.webhook_endpoints.create(
        params={"url": EXTRA_HOOK, "enabled_events": ["customer.created"]}
    )
    clerk = httpx.Client(
        base_url=f"{sandbox.url}/clerk/v1", headers={"Authorization": f"Bearer {CLERK_KEYS['staging']}"}
    )
    clerk.post("/redirect_urls", json={"url": EXTRA_REDIRECT}).raise_for_status()
    vapi = httpx.Client(
        base_url=f"{sandbox.url}/vapi", headers={"Authorization": f"Bearer {keys('vapi')[VAPI_ORG]}"}
    )
    tool: dict[str, Any] = vapi.post(
        "/tool",
        json={
            "type": "function",
            "function": {"name": "staging-extra_lookup"},
            "server": {"url": "https://extra.example.com/vapi/tool"},
        },
    ).json()
    model = {"provider": "openai", "model": "gpt-4o", "toolIds": [tool["id"]]}
    voice = {"provider": "11labs", "voiceId": "burt"}
    vapi.post("/assistant", json={"name": "staging-Extra", "model": model, "voice": voice}).raise_for_status()
    vapi.post("/assistant", json={"name": "Prod Experiment"}).raise_for_status()  # prod's scope


def test_staging_prunes_extras_in_its_scope_only(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    document = tmp_path / "staging.yaml"
    shutil.copyfile(ROOT / "snapshots" / "staging.yaml", document)
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(document)
    engine.init_stack("staging")
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", "staging")
    taken = backup(engine, "staging")
    add_staging_extras(sandbox)
    prod_before = sandbox.dump()["stripe"].get("acct_derrimut_prod")
    extras = [
        f"stripe.webhook_endpoints:{EXTRA_HOOK}",
        f"clerk.redirect_urls:{EXTRA_REDIRECT}",
        "vapi.assistants:staging-Extra",
        "vapi.tools:staging-extra_lookup",
    ]

    writes = sandbox.config_writes()
    planned = engine.backstop(
        "restore", "--stack", "staging", "--backup", taken, "--prune-unmanaged", "--dry-run", "--json"
    )
    assert sorted(p for p in json.loads(planned.stdout)["plan"] if p.startswith("prune ")) == sorted(
        f"prune {e}" for e in extras
    )
    assert sandbox.config_writes() == writes, "a dry run changes nothing"

    kept = json.loads(engine.backstop("restore", "--stack", "staging", "--backup", taken, "--json").stdout)
    assert kept["report"]["pruned_unmanaged"] == []
    assert EXTRA_HOOK in live_names(sandbox)["stripe"], "without the flag, unmanaged objects stay"

    done = engine.backstop("restore", "--stack", "staging", "--backup", taken, "--prune-unmanaged", "--json")
    report = json.loads(done.stdout)["report"]
    assert report["verified"] is True, report["remaining_drift"]
    assert sorted(report["pruned_unmanaged"]) == sorted(extras)
    live = live_names(sandbox)
    assert EXTRA_HOOK not in live["stripe"] and EXTRA_REDIRECT not in live["redirects"]
    assert "staging-Extra" not in live["assistants"] and "staging-extra_lookup" not in live["tools"]
    assert "Prod Experiment" in live["assistants"], "prod's part of the shared Vapi org is left alone"
    assert sandbox.dump()["stripe"].get("acct_derrimut_prod") == prod_before
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "staging")


def test_prod_prunes_a_variable_and_an_endpoint_respects_the_ignore_file_and_rewrites_a_follower(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    folder = tmp_path / "snapshots"
    folder.mkdir()
    small_prod_document(folder)  # declares no products: the ignore file keeps the live ones
    (engine.project / ".backstopignore").write_text("# products are managed elsewhere\nstripe.products:*\n")
    engine.extra_env["BACKSTOP_SNAPSHOTS_DIR"] = str(folder)
    lose_everything(sandbox)
    engine.init_stack("prod")
    engine.backstop("up", "--stack", "prod")
    taken = backup(engine, "prod")
    extra = stripe_client(sandbox, STRIPE_PROD_KEY).v1.webhook_endpoints.create(
        params={"url": EXTRA_HOOK, "enabled_events": ["customer.created"]}
    )
    follower = next(
        e
        for e in sandbox.dump()["vercel"][TEAM]["projects"][PROJECT]["env"]
        if e["key"] == "STRIPE_WEBHOOK_SECRET" and e["target"] == ["production"]
    )
    with vercel_api(sandbox) as vercel:
        vercel.patch(f"/v9/projects/{PROJECT}/env/{follower['id']}", json={"value": "whsec_pasted_wrong"})
        vercel.post(
            f"/v10/projects/{PROJECT}/env",
            json={"key": "LEGACY_FLAG", "value": "on", "type": "encrypted", "target": ["preview"]},
        ).raise_for_status()
    staging_before = sandbox.dump()["stripe"]["acct_derrimut_staging"]
    products_before = sandbox.dump()["stripe"]["acct_derrimut_prod"]["products"]

    done = engine.backstop(
        "restore", "--stack", "prod", "--backup", taken, "--prune-unmanaged",
        "--approved-by", "Eli Lead", "--json",
    )  # fmt: skip
    report = json.loads(done.stdout)["report"]
    assert report["verified"] is True, report["remaining_drift"]
    assert report["pruned_unmanaged"] == [
        f"stripe.webhook_endpoints:{EXTRA_HOOK}",
        f"vercel.env:{PROJECT}/LEGACY_FLAG (preview)",
    ]
    assert report["rewritten"] == ["STRIPE_WEBHOOK_SECRET (production)"], "a followed value written by hand"
    state = sandbox.dump()
    app = next(
        e
        for e in state["stripe"]["acct_derrimut_prod"]["webhook_endpoints"].values()
        if e["url"].endswith("/api/webhooks/stripe")
    )
    values = [
        e["value"]
        for e in state["vercel"][TEAM]["projects"][PROJECT]["env"]
        if e["key"] == "STRIPE_WEBHOOK_SECRET" and e["target"] == ["production"]
    ]
    assert values == [app["secret"]], "the follower holds the live endpoint's secret again, once"
    assert extra.id not in state["stripe"]["acct_derrimut_prod"]["webhook_endpoints"]
    assert "LEGACY_FLAG" not in {v["key"] for v in state["vercel"][TEAM]["projects"][PROJECT]["env"]}
    assert state["stripe"]["acct_derrimut_prod"]["products"] == products_before, "ignored, so untouched"
    assert state["stripe"]["acct_derrimut_staging"] == staging_before
