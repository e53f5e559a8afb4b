"""The derrimut platform's Stripe accounts: a live-mode prod account and a test-mode staging account."""

from __future__ import annotations

from typing import Any

from sandbox.core.accounts import by_name
from sandbox.core.context import Sandbox
from sandbox.stripe import prices, products, webhook_endpoints
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
MEMBERSHIPS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "18-month-minimum",
        "18-Month Minimum Membership",
        {"unit_amount": 1995, "recurring": {"interval": "week", "interval_count": 2}},
    ),
    (
        "12-month-minimum",
        "12-Month Minimum Membership",
        {"unit_amount": 2495, "recurring": {"interval": "week", "interval_count": 2}},
    ),
    (
        "no-lock-in",
        "No Lock-in Membership",
        {"unit_amount": 3495, "recurring": {"interval": "week", "interval_count": 2}},
    ),
    ("12-month-upfront", "12-Month Upfront Membership", {"unit_amount": 64900}),
]
"""The runbook's four membership tiers, with AUD prices (fortnightly debits, or one payment upfront)."""
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
            webhook_endpoints.create(
                stripe,
                {
                    "url": f"{convex}/stripe/webhook",
                    "enabled_events": BILLING_EVENTS,
                    "description": f"Membership billing events for the Convex backend{suffix}",
                    "api_version": "2026-08-26.dahlia",
                    "metadata": {"owner": "platform"},
                },
            ),
            webhook_endpoints.create(
                stripe,
                {
                    "url": f"{app}/api/webhooks/stripe",
                    "enabled_events": APP_EVENTS,
                    "description": f"Checkout and refund events for the Next.js app{suffix}",
                },
            ),
        ]
        made_products, made_prices = [], []
        for product_id, title, price in MEMBERSHIPS:
            made_products.append(
                products.create(stripe, {"id": product_id, "name": title, "metadata": {"tier": product_id}})[
                    "id"
                ]
            )
            made = prices.create(
                stripe,
                {
                    "product": product_id,
                    "currency": "aud",
                    "lookup_key": product_id,
                    "tax_behavior": "inclusive",
                    **price,
                },
            )
            products.update(stripe, product_id, {"default_price": made["id"]})
            made_prices.append(made["id"])
        created[name] = {
            "webhook_endpoints": [e["id"] for e in endpoints],
            "products": made_products,
            "prices": made_prices,
        }
    return created
