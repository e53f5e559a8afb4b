"""Named fixtures for `POST /_sandbox/fixtures/<name>`: each vendor seeds its part."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.apps import fixtures as apps_fixtures
from sandbox.clerk import fixtures as clerk_fixtures
from sandbox.convex import fixtures as convex_fixtures
from sandbox.core.accounts import by_name
from sandbox.core.context import Sandbox
from sandbox.stripe import fixtures as stripe_fixtures
from sandbox.stripe.state import StripeAccount
from sandbox.svix.state import SvixInstance
from sandbox.vapi import fixtures as vapi_fixtures
from sandbox.vercel import fixtures as vercel_fixtures

CONVEX_SIDES = {
    "spotted-gerbil-236": ("acct_derrimut_prod", "ins_derrimut_prod"),
    "quiet-otter-512": ("acct_derrimut_staging", "ins_derrimut_staging"),
}
"""Each Convex deployment's Stripe account and Clerk instance: their webhooks call its HTTP actions."""


def derrimut(sandbox: Sandbox) -> dict[str, Any]:
    """The runbook's platform: a prod and a staging side (see each vendor's fixtures module)."""
    made = {
        "stripe": stripe_fixtures.derrimut(sandbox),
        "clerk": clerk_fixtures.derrimut(sandbox),
        "vapi": vapi_fixtures.derrimut(sandbox),
    }
    # The app starts prod's voice agent (the first squad): its id is in the project's variables.
    made["vercel"] = vercel_fixtures.derrimut(sandbox, made["vapi"][vapi_fixtures.ORG]["squads"][0])
    made["convex"] = convex_fixtures.derrimut(sandbox, _convex_webhook_secrets(sandbox))
    made["apps"] = apps_fixtures.derrimut(sandbox)
    return made


def _convex_webhook_secrets(sandbox: Sandbox) -> dict[str, dict[str, str]]:
    """The secrets each deployment's HTTP actions verify with, as a team that set them right has them:
    its Stripe endpoint's and its Clerk instance's Svix endpoint's (both at `<deployment>.convex.site`)."""
    secrets: dict[str, dict[str, str]] = {}
    for deployment, (stripe_account, clerk_instance) in CONVEX_SIDES.items():
        site = f"https://{deployment}.convex.site"
        account = by_name("stripe", stripe_account)
        assert account is not None
        stripe = next(
            e
            for e in StripeAccount(sandbox, account).peek("webhook_endpoints").values()
            if e["url"].startswith(site)
        )
        svix = next(
            e
            for e in SvixInstance(sandbox, clerk_instance).objects("endpoints").values()
            if e["url"].startswith(site)
        )
        secrets[deployment] = {
            "STRIPE_WEBHOOK_SECRET": stripe["secret"],
            "CLERK_WEBHOOK_SECRET": svix["secret"],
        }
    return secrets


def kestrel(sandbox: Sandbox) -> dict[str, Any]:
    """Another team, so nothing quietly depends on derrimut's shape: Kestrel Physio, a staging side only,
    no Vapi and no Convex, two Vercel projects, and a catalog of one-time, recurring and metered prices."""
    return {
        "stripe": stripe_fixtures.kestrel(sandbox),
        "clerk": clerk_fixtures.kestrel(sandbox),
        "vercel": vercel_fixtures.kestrel(sandbox),
    }


FIXTURES: dict[str, Callable[[Sandbox], dict[str, Any]]] = {"derrimut": derrimut, "kestrel": kestrel}
