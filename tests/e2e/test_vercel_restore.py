"""Vercel variables restored: values back, new webhook secrets and squad ids wired in, out-of-band writes
undone."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import stripe

from sandbox.core.accounts import keys
from tests.e2e.vercel_support import (
    PROJECT,
    TEAM,
    seeded_stacks,
    squad_id,
    value_of,
    variables,
    vercel_api,
)
from tests.rewind import Rewind, module_engine
from tests.support import STRIPE_PROD_KEY, Engine, SandboxProcess

pytestmark = pytest.mark.e2e
APPROVER = ("--approved-by", "Eli Lead")
APP_PAYMENTS = {
    "prod": "https://www.derrimut247.com.au/api/webhooks/stripe",
    "staging": "https://staging.derrimut247.com.au/api/webhooks/stripe",
}
ALL_TARGETS = ["production", "preview", "development"]


def adopted(engine: Engine, sandbox: SandboxProcess, tmp_path: Path) -> str:
    """Both stacks on the derrimut accounts, prod's variables adopted, and a prod backup; its id."""
    seeded_stacks(engine, sandbox, tmp_path)
    engine.backstop("up", "--stack", "prod")
    done = engine.backstop("backup", "--stack", "prod", "--label", "Adopted", "--json")
    backup_id: str = json.loads(done.stdout)["backup"]["id"]
    return backup_id


@pytest.fixture(scope="module")
def adopted_once(
    sandbox_server: SandboxProcess, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Rewind, Path, str]:
    """`adopted`, once for the module: the work folder (documents) and the prod backup's id."""
    engine = module_engine(tmp_path_factory.mktemp("vercel-restore"), sandbox_server)
    work = engine.home / "documents"
    work.mkdir()
    backup_id = adopted(engine, sandbox_server, work)
    rewind = Rewind(engine, sandbox_server)
    rewind.save()
    return rewind, work, backup_id


def endpoint_secret(sandbox: SandboxProcess, stack: str) -> str:
    account = "acct_derrimut_prod" if stack == "prod" else "acct_derrimut_staging"
    found = [
        e
        for e in sandbox.stripe_objects(account, "webhook_endpoints").values()
        if e["url"] == APP_PAYMENTS[stack]
    ]
    assert len(found) == 1
    secret: str = found[0]["secret"]
    return secret


def test_all_variables_deleted_then_restored_with_rotated_secrets_chained_across_stacks(
    adopted_once: tuple[Rewind, Path, str], sandbox_server: SandboxProcess
) -> None:
    rewind, _, prod_backup = adopted_once
    engine, sandbox = rewind.engine(), sandbox_server
    staging_backup = json.loads(
        engine.backstop("backup", "--stack", "staging", "--label", "Adopted", "--json").stdout
    )["backup"]["id"]
    before = {(e["key"], tuple(sorted(e["target"]))): e["value"] for e in variables(sandbox)}
    with vercel_api(sandbox) as api:
        for env in variables(sandbox):
            api.delete(f"/v9/projects/prj_DerrimutPlatformSandbox00001/env/{env['id']}").raise_for_status()
    assert variables(sandbox) == []

    preview = engine.pulumi("preview", "--refresh", "--stack", "prod")
    assert "22 to create" in preview.output
    engine.pulumi("up", "--yes", "--skip-preview", "--refresh", "--stack", "prod")
    restored = {(e["key"], tuple(sorted(e["target"]))): e["value"] for e in variables(sandbox)}
    missing = set(before) - set(restored)
    assert missing == {("STRIPE_WEBHOOK_SECRET", ("production",)), ("STRIPE_WEBHOOK_SECRET", ("preview",))}
    assert all(restored[slot] == before[slot] for slot in restored), "every value is the declared one"
    assert value_of(sandbox, "NEXT_PUBLIC_VAPI_SQUAD_ID", ALL_TARGETS) == squad_id(sandbox)

    unverified = json.loads(
        engine.backstop(
            "restore", "--stack", "prod", "--backup", prod_backup, *APPROVER, "--json", ok=(1,)
        ).stdout
    )["report"]
    assert unverified["verified"] is False
    assert any(
        "--rotate-secrets" in line and "STRIPE_WEBHOOK_SECRET (production)" in line
        for line in unverified["remaining_drift"]
    )

    # prod's squad deleted out of band too: the restore recreates it, and the variable that follows its id
    # gets the new one in the same run.
    old_squad = squad_id(sandbox)
    bearer = {"Authorization": f"Bearer {keys('vapi')['org_derrimut']}"}
    with httpx.Client(base_url=f"{sandbox.url}/vapi", headers=bearer) as vapi:
        vapi.delete(f"/squad/{old_squad}").raise_for_status()
    rotated = json.loads(
        engine.backstop(
            "restore",
            "--stack",
            "prod",
            "--backup",
            prod_backup,
            "--rotate-secrets",
            *APPROVER,
            "--json",
            ok=(1,),
        ).stdout
    )["report"]
    assert rotated["rotated"] == ["stripe-webhook-app-payments", "stripe-webhook-convex-billing"]
    assert value_of(sandbox, "STRIPE_WEBHOOK_SECRET", ["production"]) == endpoint_secret(sandbox, "prod")
    assert squad_id(sandbox) != old_squad
    assert value_of(sandbox, "NEXT_PUBLIC_VAPI_SQUAD_ID", ALL_TARGETS) == squad_id(sandbox)
    assert [line for line in rotated["remaining_drift"] if "stack staging's" in line], (
        "preview still follows staging"
    )
    assert not [line for line in rotated["remaining_drift"] if "squad" in line.lower()], (
        "the restore's verification finds the follower holding the new id"
    )

    chained = json.loads(
        engine.backstop(
            "restore",
            "--stack",
            "staging",
            "--backup",
            staging_backup,
            "--rotate-secrets",
            "--chain",
            "--json",
        ).stdout
    )["report"]
    assert chained["verified"] is True and chained["chained"] == ["prod"]
    assert value_of(sandbox, "STRIPE_WEBHOOK_SECRET", ["preview"]) == endpoint_secret(sandbox, "staging")
    assert len(variables(sandbox)) == len(before), "no duplicate variables"
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "prod")

    # With the variable managed, a recreated endpoint's new secret lands in the same `pulumi up`.
    client = stripe.StripeClient(STRIPE_PROD_KEY, base_addresses={"api": f"{sandbox.url}/stripe"})
    old = endpoint_secret(sandbox, "prod")
    for endpoint in client.v1.webhook_endpoints.list().data:
        if endpoint.url == APP_PAYMENTS["prod"]:
            client.v1.webhook_endpoints.delete(endpoint.id)
    engine.pulumi("up", "--yes", "--skip-preview", "--refresh", "--stack", "prod")
    assert endpoint_secret(sandbox, "prod") != old
    assert value_of(sandbox, "STRIPE_WEBHOOK_SECRET", ["production"]) == endpoint_secret(sandbox, "prod")

    # prod was updated last: its drift compares live with its state, without running the program...
    drift = json.loads(engine.backstop("drift", "--stack", "prod", "--json").stdout)
    assert (drift["in_sync"], drift["path"]) == (True, "refresh-only")
    # ...until staging, whose outputs prod's document reads, is updated after it.
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", "staging")
    drift = json.loads(engine.backstop("drift", "--stack", "prod", "--json").stdout)
    assert (drift["in_sync"], drift["path"]) == (True, "full")
    assert drift["full_because"] == "staging, whose outputs the document reads, was updated since"


def test_a_sensitive_value_written_out_of_band_is_reported_and_put_back(
    adopted_once: tuple[Rewind, Path, str], sandbox_server: SandboxProcess
) -> None:
    rewind, tmp_path, prod_backup = adopted_once
    engine, sandbox = rewind.engine(), sandbox_server
    hook = sandbox.dump()["vercel"][TEAM]["projects"][PROJECT]["link"]["deployHooks"][0]
    url = f"{sandbox.url}/vercel/v1/integrations/deploy/{PROJECT}/{hook['id']}"
    engine.pulumi("config", "set", "--secret", "vercel-redeploy-hook", url, "--stack", "prod")
    document = tmp_path / "snapshots" / "prod.yaml"
    document.write_text(
        document.read_text().replace(
            "vercel:\n  projects:", "vercel:\n  redeploy_hook: vercel-redeploy-hook\n  projects:"
        )
    )
    first = json.loads(engine.backstop("drift", "--stack", "prod", "--json").stdout)
    assert first["in_sync"] is True, "unmanaged objects are reported, not counted, without --strict"
    assert "stripe.products:no-lock-in" in first["unmanaged"]  # this copy of prod declares no products
    engine.backstop("drift", "--stack", "prod", "--strict", ok=(1,))
    declared = value_of(sandbox, "CONVEX_DEPLOY_KEY", ["production"])
    target = next(
        e for e in variables(sandbox) if e["key"] == "CONVEX_DEPLOY_KEY" and e["target"] == ["production"]
    )
    with vercel_api(sandbox) as api:
        api.patch(
            f"/v9/projects/prj_DerrimutPlatformSandbox00001/env/{target['id']}",
            json={"value": "prod:tampered"},
        ).raise_for_status()

    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "prod")  # refresh can't see it
    engine.pulumi("refresh", "--yes", "--stack", "prod")  # and a saved refresh doesn't hide it
    drift = json.loads(engine.backstop("drift", "--stack", "prod", "--json", ok=(1,)).stdout)
    assert [(o["name"], o["targets"]) for o in drift["out_of_band"]] == [
        ("CONVEX_DEPLOY_KEY", ["production"])
    ]
    assert "vercel CONVEX_DEPLOY_KEY (production): sensitive value" in drift["asserted_not_observed"]

    report = json.loads(
        engine.backstop(
            "restore", "--stack", "prod", "--backup", prod_backup, *APPROVER, "--json", ok=(0, 1)
        ).stdout
    )["report"]
    assert report["rewritten"] == ["CONVEX_DEPLOY_KEY (production)"]
    deployments = sandbox.dump()["vercel"][TEAM].get("deployments", {})
    assert report["redeployed"], report
    assert report["redeployed"] in {d["job"]["id"] for d in deployments.values()}
    assert value_of(sandbox, "CONVEX_DEPLOY_KEY", ["production"]) == declared
    assert json.loads(engine.backstop("drift", "--stack", "prod", "--json").stdout)["out_of_band"] == []
    for canary in (declared, "prod:tampered", url, endpoint_secret(sandbox, "staging")):
        assert canary and canary not in engine.all_output(), "a secret reached stdout or stderr"
        assert engine.files_containing(canary) == [], "a secret reached a file (state, backups, reports)"
