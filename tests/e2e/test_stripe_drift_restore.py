"""The whole loop on Stripe webhook endpoints, with the real engine against the sandbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import stripe
from ruamel.yaml import YAML

from backstop.plugin.model import load_document
from tests.support import ROOT, STRIPE_STAGING_KEY, Engine, SandboxProcess

pytestmark = pytest.mark.e2e
ACCOUNT = "acct_derrimut_staging"
STACK = "staging"


def stripe_client(sandbox: SandboxProcess) -> stripe.StripeClient:
    return stripe.StripeClient(STRIPE_STAGING_KEY, base_addresses={"api": f"{sandbox.url}/stripe"})


def live_by_url(sandbox: SandboxProcess) -> dict[str, dict[str, Any]]:
    endpoints = sandbox.stripe_objects(ACCOUNT, "webhook_endpoints").values()
    by_url: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        assert endpoint["url"] not in by_url, f"duplicate endpoint for {endpoint['url']}"
        by_url[endpoint["url"]] = endpoint
    return by_url


def assert_matches_desired(sandbox: SandboxProcess, document: Path) -> None:
    """Every declared field of every declared endpoint equals the vendor's own data."""
    desired = load_document(document)
    assert desired.stripe is not None
    live = live_by_url(sandbox)
    assert set(live) == {e.url for e in desired.stripe.webhook_endpoints}
    for endpoint in desired.stripe.webhook_endpoints:
        got = live[endpoint.url]
        assert got["enabled_events"] == endpoint.enabled_events
        assert got["description"] == endpoint.description
        assert got["api_version"] == endpoint.api_version
        assert got["status"] == ("disabled" if endpoint.disabled else "enabled")
        user_metadata = {k: v for k, v in got["metadata"].items() if not k.startswith("backstop_")}
        assert user_metadata == endpoint.metadata


def assert_no_leaks(engine: Engine, export: dict[str, Any], secrets: list[str]) -> None:
    exported = json.dumps(export)
    for secret in secrets:
        assert secret not in exported, "a secret is in plaintext in the stack export"
        assert secret not in engine.all_output(), "a secret is in plaintext in the engine's output"
        assert not engine.files_containing(secret), "a secret is in plaintext in a file of the backend"


def resource(export: dict[str, Any], name: str) -> dict[str, Any]:
    for res in export["deployment"]["resources"]:
        if res["urn"].endswith(f"::{name}"):
            found: dict[str, Any] = res
            return found
    raise AssertionError(f"{name} is not in the stack state")


def test_out_of_band_delete_and_edit_are_reported_then_restored(
    engine: Engine, sandbox: SandboxProcess
) -> None:
    document = ROOT / "snapshots" / "staging.yaml"
    engine.init_stack(STACK)
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
    assert_matches_desired(sandbox, document)
    first = live_by_url(sandbox)
    app = first["https://staging.derrimut247.com.au/api/webhooks/stripe"]
    convex = first["https://quiet-otter-512.convex.site/stripe/webhook"]

    # A dashboard user deletes one endpoint and edits another.
    client = stripe_client(sandbox)
    client.v1.webhook_endpoints.delete(app["id"])
    client.v1.webhook_endpoints.update(
        convex["id"], params={"enabled_events": ["invoice.paid"], "disabled": True, "metadata": {"owner": ""}}
    )

    mutations = sandbox.config_writes()
    drift = engine.pulumi("preview", "--refresh", "--expect-no-changes", "--diff", "--stack", STACK, ok=(7,))
    assert "stripe-webhook-app-payments" in drift.stdout
    assert "+ backstop:stripe:WebhookEndpoint: (create)" in drift.stdout
    assert "~ backstop:stripe:WebhookEndpoint: (update)" in drift.stdout
    assert "disabled     : true => false" in drift.stdout
    assert sandbox.config_writes() == mutations, "a preview must not change anything live"

    engine.pulumi("up", "--refresh", "--yes", "--stack", STACK)
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", STACK)
    assert_matches_desired(sandbox, document)

    restored = live_by_url(sandbox)
    assert restored[convex["url"]]["id"] == convex["id"], "the edited endpoint is updated in place"
    assert restored[app["url"]]["id"] != app["id"], "the deleted endpoint is recreated"
    assert restored[convex["url"]]["secret"] == convex["secret"], "an update never rotates the secret"

    export = engine.export(STACK)
    recreated = resource(export, "stripe-webhook-app-payments")["outputs"]["secret"]
    assert isinstance(recreated, dict) and recreated.get("ciphertext"), "the new secret is kept, encrypted"
    secrets = [e["secret"] for e in first.values()] + [e["secret"] for e in restored.values()]
    assert_no_leaks(engine, export, [*secrets, STRIPE_STAGING_KEY])


def test_lost_state_adopts_instead_of_duplicating(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    engine.init_stack(STACK)
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
    before = {e["id"] for e in live_by_url(sandbox).values()}

    fresh = Engine(home=tmp_path / "fresh", sandbox=sandbox)
    fresh.init_stack(STACK)
    fresh.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
    fresh.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", STACK)
    assert {e["id"] for e in live_by_url(sandbox).values()} == before
    # Within Stripe's idempotency window the plugin replays its own create, so the secret comes back.
    revealed = json.loads(fresh.pulumi("stack", "export", "--show-secrets", "--stack", STACK).stdout)
    adopted = resource(revealed, "stripe-webhook-convex-billing")
    live = sandbox.stripe_objects(ACCOUNT, "webhook_endpoints")[adopted["id"]]
    assert adopted["outputs"]["secret"]["plaintext"] == json.dumps(live["secret"])


def test_import_of_an_endpoint_created_outside(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    engine.init_stack(STACK)
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
    outside = stripe_client(sandbox).v1.webhook_endpoints.create(
        params={
            "url": "https://partner.example.com/hooks/stripe",
            "enabled_events": ["customer.created"],
            "description": "Made in the dashboard",
        }
    )

    document = tmp_path / "staging.yaml"
    yaml = YAML()
    data = yaml.load((ROOT / "snapshots" / "staging.yaml").read_text())
    data["stripe"]["webhook_endpoints"].append(
        {
            "key": "partner",
            "url": "https://partner.example.com/hooks/stripe",
            "description": "Made in the dashboard",
            "enabled_events": ["customer.created"],
        }
    )
    with document.open("w") as fh:
        yaml.dump(data, fh)
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(document)
    parent = f"urn:pulumi:{STACK}::platform-config::backstop:components:StripeBilling::stripe"
    engine.pulumi(
        "import",
        "backstop:stripe:WebhookEndpoint",
        "stripe-webhook-partner",
        outside.id,
        "--parent",
        f"stripe={parent}",
        "--yes",
        "--generate-code=false",
        "--stack",
        STACK,
    )
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", STACK)
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
    assert_matches_desired(sandbox, document)
    revealed = json.loads(engine.pulumi("stack", "export", "--show-secrets", "--stack", STACK).stdout)
    imported = resource(revealed, "stripe-webhook-partner")
    assert imported["id"] == outside.id
    assert imported["outputs"]["secret"]["plaintext"] == "null", (
        "Stripe never returns the secret after creation"
    )


def test_a_bad_document_stops_preview_before_any_api_call(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    document = tmp_path / "staging.yaml"
    text = (ROOT / "snapshots" / "staging.yaml").read_text()
    document.write_text(text.replace("invoice.payment_failed", "invoice.payment_faild"))
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(document)
    engine.init_stack(STACK)
    failed = engine.pulumi("preview", "--stack", STACK, ok=(1,))
    line = text.splitlines().index("      enabled_events:") + 1  # the first endpoint's
    assert (
        f"{document}:{line}: stripe.webhook_endpoints[0].enabled_events: unknown Stripe event type(s): "
        in failed.output
    )
    failed = engine.pulumi("up", "--yes", "--stack", STACK, ok=(1,))
    assert "invoice.payment_faild" in failed.output
    assert sandbox.requests()["total"] == 0
