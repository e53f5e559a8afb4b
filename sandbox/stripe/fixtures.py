"""The derrimut platform's Stripe accounts: a live-mode prod account and a test-mode staging account."""

from __future__ import annotations

from typing import Any

from sandbox.core.accounts import by_name
from sandbox.core.context import Sandbox
from sandbox.stripe.state import StripeAccount

BILLING_EVENTS = [
    "checkout.session.completed",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "invoice.paid",
    "invoice.payment_failed",
]
APP_EVENTS = [
    "checkout.session.completed",
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "charge.refunded",
]
SIDES = {
    "acct_derrimut_prod": ("https://spotted-gerbil-236.convex.site", "https://www.derrimut247.com.au", ""),
    "acct_derrimut_staging": (
        "https://quiet-otter-512.convex.site",
        "https://staging.derrimut247.com.au",
        " (staging)",
    ),
}


def derrimut(sandbox: Sandbox) -> dict[str, Any]:
    created: dict[str, Any] = {}
    for name, (convex, app, suffix) in SIDES.items():
        account = by_name("stripe", name)
        assert account is not None
        stripe = StripeAccount(sandbox, account)
        endpoints = [
            stripe.create_webhook_endpoint(
                {
                    "url": f"{convex}/stripe/webhook",
                    "enabled_events": BILLING_EVENTS,
                    "description": f"Membership billing events for the Convex backend{suffix}",
                    "api_version": "2026-08-26.dahlia",
                    "metadata": {"owner": "platform"},
                }
            ),
            stripe.create_webhook_endpoint(
                {
                    "url": f"{app}/api/webhooks/stripe",
                    "enabled_events": APP_EVENTS,
                    "description": f"Checkout and refund events for the Next.js app{suffix}",
                }
            ),
        ]
        created[name] = {"webhook_endpoints": [e["id"] for e in endpoints]}
    return created
