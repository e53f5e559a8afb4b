"""Convex deployment environment variables with the real engine against the sandbox: adopted as they are,
out-of-band changes seen by drift and put back by restore, and the signing secrets of recreated convex.site
endpoints written into the variables the deployment's HTTP actions verify with, in the same update."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import stripe

from sandbox.core.accounts import keys
from tests.support import STRIPE_STAGING_KEY, Engine, SandboxProcess

pytestmark = pytest.mark.e2e
STACK, DEPLOYMENT, INSTANCE = "staging", "quiet-otter-512", "ins_derrimut_staging"
SITE = f"https://{DEPLOYMENT}.convex.site"


def variables(sandbox: SandboxProcess) -> dict[str, str]:
    rows = sandbox.dump()["convex"][DEPLOYMENT].get("_environment_variables", {})
    return {name: row["value"] for name, row in rows.items()}


def convex_env(sandbox: SandboxProcess, changes: list[dict[str, Any]]) -> None:
    """What `npx convex env set|remove` sends."""
    httpx.post(
        f"{sandbox.url}/convex/{DEPLOYMENT}/api/update_environment_variables",
        headers={"Authorization": f"Convex {keys('convex')[DEPLOYMENT]}"},
        json={"changes": changes},
    ).raise_for_status()


def convex_writes(sandbox: SandboxProcess) -> int:
    return sum(
        1
        for r in sandbox.requests()["requests"]
        if r["vendor"] == "convex" and r["path"].endswith("/update_environment_variables")
    )


def webhook_secrets(sandbox: SandboxProcess) -> tuple[str, str]:
    """The live signing secrets of the two endpoints at the deployment's site: Stripe's and Svix's."""
    dump = sandbox.dump()
    (stripe_secret,) = [
        e["secret"]
        for e in dump["stripe"]["acct_derrimut_staging"]["webhook_endpoints"].values()
        if e["url"].startswith(SITE)
    ]
    (svix_secret,) = [
        e["secret"] for e in dump["svix"][INSTANCE]["endpoints"].values() if e["url"].startswith(SITE)
    ]
    return stripe_secret, svix_secret


def test_convex_variables_are_adopted_drift_checked_and_follow_recreated_endpoints(
    engine: Engine, sandbox: SandboxProcess
) -> None:
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    before = variables(sandbox)
    assert (before["STRIPE_WEBHOOK_SECRET"], before["CLERK_WEBHOOK_SECRET"]) == webhook_secrets(sandbox)

    # Adoption: every declared variable already holds its value, so nothing is written.
    engine.init_stack(STACK)
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
    assert variables(sandbox) == before and convex_writes(sandbox) == 0
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", STACK)
    backup_id = json.loads(engine.backstop("backup", "--stack", STACK, "--label", "Before", "--json").stdout)[
        "backup"
    ]["id"]

    # Out of band: a model switched, the issuer removed, a variable nobody declared added; and both
    # endpoints whose secrets the deployment verifies with are deleted.
    convex_env(
        sandbox,
        [
            {"name": "GEMINI_MODEL", "value": "gemini-1.0-pro"},
            {"name": "CLERK_JWT_ISSUER_DOMAIN", "value": None},
            {"name": "DEBUG_WEBHOOKS", "value": "1"},
        ],
    )
    report = json.loads(engine.backstop("drift", "--stack", STACK, "--json", ok=(1,)).stdout)
    found = {(c["name"], c["op"]) for c in report["managed"]}
    assert ("convex-env-gemini-model", "update") in found
    assert ("convex-env-clerk-jwt-issuer-domain", "create") in found
    assert "convex.env:DEBUG_WEBHOOKS" in report["unmanaged"]
    assert "gemini-1.0-pro" not in json.dumps(report)

    client = stripe.StripeClient(STRIPE_STAGING_KEY, base_addresses={"api": f"{sandbox.url}/stripe"})
    for endpoint in client.v1.webhook_endpoints.list().data:
        if endpoint.url.startswith(SITE):
            client.v1.webhook_endpoints.delete(endpoint.id)
    dump = sandbox.dump()
    svix = dump["svix"][INSTANCE]["endpoints"]
    for endpoint_id in [k for k, e in svix.items() if e["url"].startswith(SITE)]:
        del svix[endpoint_id]
    sandbox.load(dump)

    done = json.loads(engine.backstop("restore", "--stack", STACK, "--backup", backup_id, "--json").stdout)
    assert done["report"]["verified"] is True
    after = variables(sandbox)
    new_stripe, new_svix = webhook_secrets(sandbox)
    assert new_stripe != before["STRIPE_WEBHOOK_SECRET"] and new_svix != before["CLERK_WEBHOOK_SECRET"]
    assert after["STRIPE_WEBHOOK_SECRET"] == new_stripe and after["CLERK_WEBHOOK_SECRET"] == new_svix
    assert after["GEMINI_MODEL"] == "gemini-2.5-flash"
    assert after["CLERK_JWT_ISSUER_DOMAIN"] == before["CLERK_JWT_ISSUER_DOMAIN"]
    assert after["DEBUG_WEBHOOKS"] == "1", "an unmanaged variable is left alone unless pruning is asked for"

    for secret in (new_stripe, new_svix, before["GEMINI_API_KEY"]):
        assert secret not in engine.all_output(), "a secret is in plaintext in the engine's output"
        assert not engine.files_containing(secret), "a secret is in plaintext in a file of the backend"
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", STACK)
