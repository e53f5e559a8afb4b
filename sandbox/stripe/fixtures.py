"""The derrimut platform's Stripe accounts: a live-mode prod account and a test-mode staging account."""

from __future__ import annotations

from typing import Any

from sandbox.core.accounts import by_name
from sandbox.core.context import Sandbox
from sandbox.stripe import meters, prices, products, webhook_endpoints
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


KESTREL_EVENTS = [
    "checkout.session.completed",
    "invoice.paid",
    "invoice.payment_failed",
    "customer.subscription.updated",
]
KESTREL_CATALOG: list[tuple[str, str, list[dict[str, Any]]]] = [
    (
        "initial-assessment",
        "Initial Assessment (60 min)",
        [{"lookup_key": "initial-assessment", "unit_amount": 9500, "default": True}],
    ),
    (
        "follow-up",
        "Follow-up Session (45 min)",
        [
            {"lookup_key": "follow-up", "unit_amount": 7000, "default": True},
            {"lookup_key": "follow-up-concession", "unit_amount": 5500, "nickname": "Concession"},
        ],
    ),
    (
        "telehealth",
        "Telehealth Consults",
        [
            {
                "lookup_key": "telehealth-per-minute",
                "unit_amount": 150,
                "recurring": {"interval": "month", "usage_type": "metered", "meter": "telehealth_minutes"},
                "default": True,
            }
        ],
    ),
    (
        "clinic-plan",
        "Clinic Plan",
        [
            {"lookup_key": "clinic-plan-monthly", "unit_amount": 4900, "recurring": {"interval": "month"}},
            {"lookup_key": "clinic-plan-yearly", "unit_amount": 49000, "recurring": {"interval": "year"}},
        ],
    ),
]
"""Kestrel Physio's NZD catalog: one-time sessions, metered telehealth, a monthly and a yearly plan."""


def kestrel(sandbox: Sandbox) -> dict[str, Any]:
    account = by_name("stripe", "acct_kestrel_staging")
    assert account is not None
    stripe = StripeAccount(sandbox, account)
    endpoint = webhook_endpoints.create(
        stripe,
        {
            "url": "https://staging.kestrelphysio.co.nz/api/stripe/webhook",
            "enabled_events": KESTREL_EVENTS,
            "description": "Bookings and billing (staging)",
        },
    )
    meter = meters.create(
        stripe,
        {
            "display_name": "Telehealth minutes",
            "event_name": "telehealth_minutes",
            "default_aggregation": {"formula": "sum"},
            "value_settings": {"event_payload_key": "minutes"},
        },
    )
    made_products, made_prices = [], []
    for product_id, title, catalog in KESTREL_CATALOG:
        made_products.append(products.create(stripe, {"id": product_id, "name": title})["id"])
        for entry in catalog:
            params = {k: v for k, v in entry.items() if k != "default"}
            if "recurring" in params and "meter" in params["recurring"]:
                params["recurring"] = {**params["recurring"], "meter": meter["id"]}
            made = prices.create(
                stripe, {"product": product_id, "currency": "nzd", "tax_behavior": "exclusive", **params}
            )
            if entry.get("default"):
                products.update(stripe, product_id, {"default_price": made["id"]})
            made_prices.append(made["id"])
    return {
        "acct_kestrel_staging": {
            "webhook_endpoints": [endpoint["id"]],
            "billing_meters": [meter["id"]],
            "products": made_products,
            "prices": made_prices,
        }
    }
