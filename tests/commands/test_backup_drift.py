"""`backstop backup`, `backups` and `drift` as a user runs them, with the real engine and the sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import stripe

from tests.support import ROOT, STRIPE_STAGING_KEY, Engine, SandboxProcess

pytestmark = pytest.mark.e2e
STACK = "staging"


def test_backup_writes_a_complete_folder_without_plaintext_secrets(
    engine: Engine, sandbox: SandboxProcess
) -> None:
    engine.init_stack(STACK)
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
    label = "Pre-deployment backup - v1.0.5 - 2025-01-09"
    done = engine.backstop("backup", "--stack", STACK, "--label", label, "--class", "manual", "--json")
    result = json.loads(done.stdout)
    manifest = result["backup"]
    folder = Path(result["folder"])
    assert manifest["label"] == label and manifest["class"] == "manual" and manifest["status"] == "complete"
    assert manifest["id"].startswith("staging-") and folder.name == manifest["id"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "desired.yaml",
        "manifest.json",
        "stack-config.yaml",
        "stack.json",
    ]
    assert manifest["resource_counts"]["backstop:stripe:WebhookEndpoint"] == 2
    assert manifest["engine_version"].startswith("3.274.1")
    assert (folder / "desired.yaml").read_text() == (ROOT / "snapshots" / "staging.yaml").read_text()
    secrets = [
        e["secret"] for e in sandbox.stripe_objects("acct_derrimut_staging", "webhook_endpoints").values()
    ]
    for path in folder.iterdir():
        text = path.read_text()
        assert STRIPE_STAGING_KEY not in text and not any(s in text for s in secrets), path.name

    listed = json.loads(engine.backstop("backups", "--stack", STACK, "--json").stdout)["backups"]
    assert [(b["id"], b["status"], b["class"]) for b in listed] == [(manifest["id"], "ok", "manual")]
    narrow = engine.backstop("backups", "--stack", STACK, columns=80).stdout
    assert manifest["id"] in narrow and max(map(len, narrow.splitlines())) <= 80, narrow
    (folder / "desired.yaml").write_text("tampered")
    listed = json.loads(engine.backstop("backups", "--stack", STACK, "--json").stdout)["backups"]
    assert listed[0]["status"] == "broken" and "checksum" in listed[0]["problem"]


def test_drift_reports_and_exits_1_then_0_once_restored(engine: Engine, sandbox: SandboxProcess) -> None:
    engine.init_stack(STACK)
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
    clean = json.loads(engine.backstop("drift", "--stack", STACK, "--json").stdout)
    # Nothing changed since the update: live is compared with the state, the program not run.
    assert (clean["in_sync"], clean["path"], clean["full_because"]) == (True, "refresh-only", None)
    client = stripe.StripeClient(STRIPE_STAGING_KEY, base_addresses={"api": f"{sandbox.url}/stripe"})
    by_url = {e.url: e for e in client.v1.webhook_endpoints.list().data}
    billing = by_url.pop("https://quiet-otter-512.convex.site/stripe/webhook")
    (app_payments,) = by_url.values()
    client.v1.webhook_endpoints.delete(billing.id)
    client.v1.webhook_endpoints.update(app_payments.id, params={"disabled": True})
    client.v1.products.update("no-lock-in", params={"active": False})
    mutations = sandbox.config_writes()

    report = json.loads(engine.backstop("drift", "--stack", STACK, "--json", ok=(1,)).stdout)
    assert report["in_sync"] is False
    assert report["path"] == "full" and report["full_because"].startswith("live differs from the state")
    full = json.loads(engine.backstop("drift", "--stack", STACK, "--full", "--json", ok=(1,)).stdout)
    assert (full["path"], full["full_because"]) == ("full", None)
    assert full["managed"] == report["managed"], "both paths report the same drift"
    found = {(c["name"], c["op"]) for c in report["managed"]}
    assert found == {
        ("stripe-webhook-convex-billing", "create"),
        ("stripe-webhook-app-payments", "update"),
        ("stripe-product-no-lock-in", "update"),
        # The Convex variable following the recreated endpoint's secret gets the new one.
        ("convex-env-stripe-webhook-secret", "update"),
    }
    assert sandbox.config_writes() == mutations, "drift changes nothing live"
    human = engine.backstop("drift", "--stack", STACK, ok=(1,))
    assert "drift in staging: 4 object(s)" in human.stdout

    engine.pulumi("up", "--refresh", "--yes", "--skip-preview", "--stack", STACK)
    after = json.loads(engine.backstop("drift", "--stack", STACK, "--json").stdout)
    assert (after["in_sync"], after["path"]) == (True, "refresh-only")
    # A secret set since the update could change what the program declares: the program runs again.
    engine.pulumi("config", "set", "--secret", "--stack", STACK, "platform-config:rotated", "canary-value-1")
    changed = json.loads(engine.backstop("drift", "--stack", STACK, "--json").stdout)
    assert (changed["in_sync"], changed["path"]) == (True, "full")
    assert (
        changed["full_because"]
        == "the document, the stack's config or the code changed since the last update"
    )
    assert "canary-value-1" not in json.dumps(changed)


def test_bad_input_exits_2_without_calling_any_api(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    engine.init_stack(STACK)
    bad = tmp_path / "staging.yaml"
    bad.write_text(
        (ROOT / "snapshots" / "staging.yaml").read_text().replace("currency: aud", "currency: dollars", 1)
    )
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(bad)
    for command in (["drift"], ["backup", "--label", "x"]):
        failed = engine.backstop(*command, "--stack", STACK, ok=(2,))
        assert f"{bad}:" in failed.stderr and "stripe.products[0].prices[0].currency" in failed.stderr
    assert engine.backstop("drift", "--stack", "nope", ok=(2,)).code == 2

    # A good document, but the store copy can't be encrypted: the stack has no dbBackupKey.
    del engine.extra_env["BACKSTOP_DESIRED_STATE"]
    engine.pulumi("config", "rm", "platform-config:dbBackupKey", "--stack", STACK)
    failed = engine.backstop("backup", "--stack", STACK, "--label", "x", ok=(2,))
    assert (
        f"{engine.project / 'Pulumi.staging.yaml'}: config.platform-config:dbBackupKey: missing"
        in failed.stderr
    )
    assert (
        "pulumi config set --secret dbBackupKey" in failed.stderr
        and "unset BACKSTOP_STORE_URL" in failed.stderr
    )
    assert not list((engine.home / "backups" / STACK).glob("staging-*")), "no backup was taken"
    assert sandbox.requests()["total"] == 0
