"""The Stripe client's listings, taken page by page through the SDK's raw request: every object once, in
Stripe's order, filters sent as the SDK's list methods send them, a 429 page retried after its
Retry-After, and a refused key reported as the vendor's error with its status."""

from __future__ import annotations

import asyncio

import pytest

from backstop.plugin.clients.errors import VendorError
from backstop.plugin.clients.retry import RetryPolicy
from backstop.plugin.clients.stripe_client import PAGE, StripeApi
from tests.support import STRIPE_STAGING_KEY, SandboxProcess

FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)
PRODUCTS = PAGE + 5


def api(sandbox: SandboxProcess, key: str = STRIPE_STAGING_KEY) -> StripeApi:
    return StripeApi(key, f"{sandbox.url}/stripe", FAST)


def listing_requests(sandbox: SandboxProcess, route: str) -> list[dict[str, object]]:
    return [
        e
        for e in sandbox.requests()["requests"]
        if e["method"] == "GET" and str(e["route"]).startswith(route)
    ]


def test_a_listing_follows_every_page_and_keeps_filters(sandbox: SandboxProcess) -> None:
    async def seed_and_list() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
        stripe = api(sandbox)
        created = []
        for i in range(PRODUCTS):
            created.append(await stripe.create("products", {"name": f"Plan {i:03d}"}, f"listing-product-{i}"))
        await stripe.create(
            "prices",
            {"product": created[0]["id"], "currency": "aud", "unit_amount": 900, "lookup_key": "plan-000"},
            "listing-price-0",
        )
        sandbox.http.delete("/_sandbox/requests").raise_for_status()
        return await stripe.list_all("products"), await stripe.list_all(
            "prices", {"lookup_keys": ["plan-000"]}
        )

    products, prices = asyncio.run(seed_and_list())
    assert len(products) == PRODUCTS
    assert len({p["id"] for p in products}) == PRODUCTS, "no object listed twice"
    assert all(isinstance(p, dict) and p["object"] == "product" for p in products)
    assert [p["lookup_key"] for p in prices] == ["plan-000"]
    assert len(listing_requests(sandbox, "/v1/products")) == 2, "two pages of 100"
    assert len(listing_requests(sandbox, "/v1/prices")) == 1


def test_a_rate_limited_page_is_retried_and_a_refused_key_names_its_status(sandbox: SandboxProcess) -> None:
    fault = {
        "vendor": "stripe",
        "method": "GET",
        "kind": "status",
        "status": 429,
        "headers": {"Retry-After": "0"},
        "times": 1,
    }
    sandbox.http.post("/_sandbox/faults", json=fault).raise_for_status()
    assert asyncio.run(api(sandbox).list_all("webhook_endpoints")) is not None
    assert [e["status"] for e in listing_requests(sandbox, "/v1/webhook_endpoints")] == [429, 200]

    with pytest.raises(VendorError) as refused:
        asyncio.run(api(sandbox, "sk_test_not_a_sandbox_key").list_all("billing_meters"))
    assert refused.value.status == 401
    assert "sk_test_not_a_sandbox_key" not in str(refused.value)
