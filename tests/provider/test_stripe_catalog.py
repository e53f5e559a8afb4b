"""Diff and replace rules of backstop:stripe:Product and backstop:stripe:Price, as the engine asks them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pulumi.provider.experimental.provider import (
    CheckRequest,
    CreateRequest,
    DiffRequest,
    PropertyDiffKind,
    ReadRequest,
)

from backstop.plugin.provider.dispatcher import BackstopProvider
from backstop.plugin.provider.props import plain_map, property_map
from tests.provider.test_stripe_webhook_endpoint import provider, sdk
from tests.support import SandboxProcess

PRICE = "urn:pulumi:staging::platform-config::backstop:components:StripeBilling$backstop:stripe:Price::stripe-price-a"
PRODUCT = "urn:pulumi:staging::platform-config::backstop:components:StripeBilling$backstop:stripe:Product::p"
PRICE_INPUTS: dict[str, Any] = {
    "product": "no-lock-in",
    "lookupKey": "no-lock-in",
    "currency": "aud",
    "unitAmount": 3495,
    "recurring": {"interval": "week", "interval_count": 2, "usage_type": "licensed"},
    "taxBehavior": "inclusive",
    "nickname": None,
    "active": True,
    "metadata": {},
    "isDefault": True,
}
PRODUCT_INPUTS: dict[str, Any] = {
    "productId": "no-lock-in",
    "name": "No lock-in",
    "description": None,
    "metadata": {},
}


def diff(urn: str, olds: dict[str, Any], news: dict[str, Any]) -> Any:
    request = DiffRequest(urn, "id", property_map(olds), property_map(news), [])
    return asyncio.run(BackstopProvider().diff(request))


@pytest.mark.parametrize(
    "change",
    [
        {"unitAmount": 3995},
        {"currency": "nzd"},
        {"product": "other"},
        {"recurring": {"interval": "month", "interval_count": 1, "usage_type": "licensed"}},
        {"recurring": None},
    ],
)
def test_fields_stripe_cannot_update_replace_the_price(change: dict[str, Any]) -> None:
    result = diff(PRICE, PRICE_INPUTS, {**PRICE_INPUTS, **change})
    assert result.replaces == list(change) and result.delete_before_replace is False, (
        "create first, then archive"
    )


@pytest.mark.parametrize(
    "change",
    [
        {"nickname": "fortnightly"},
        {"metadata": {"a": "b"}},
        {"active": False},
        {"isDefault": False},
        {"lookupKey": "other"},
        {"taxBehavior": "exclusive"},
    ],
)
def test_updatable_price_fields_update_in_place(change: dict[str, Any]) -> None:
    result = diff(PRICE, PRICE_INPUTS, {**PRICE_INPUTS, **change})
    assert result.replaces == [] and {k: v.kind for k, v in result.detailed_diff.items()} == {
        next(iter(change)): PropertyDiffKind.UPDATE
    }


def test_recurring_defaults_do_not_show_as_drift() -> None:
    olds = {
        **PRICE_INPUTS,
        "recurring": {
            "interval": "week",
            "interval_count": 2,
            "usage_type": "licensed",
            "meter": None,
            "trial_period_days": None,
        },
    }
    news = {**PRICE_INPUTS, "recurring": {"interval": "week", "interval_count": 2}}
    assert diff(PRICE, olds, news).changes is False


def test_product_id_replaces_and_the_rest_updates() -> None:
    assert diff(PRODUCT, PRODUCT_INPUTS, {**PRODUCT_INPUTS, "productId": "renamed"}).replaces == ["productId"]
    result = diff(PRODUCT, PRODUCT_INPUTS, {**PRODUCT_INPUTS, "name": "New", "active": False})
    assert result.replaces == [] and set(result.detailed_diff) == {"name", "active"}
    assert diff(PRODUCT, {**PRODUCT_INPUTS, "description": ""}, PRODUCT_INPUTS).changes is False


@pytest.mark.parametrize(
    ("change", "prop"),
    [
        ({"currency": "AUD"}, "currency"),
        ({"currency": "zzz"}, "currency"),
        ({"unitAmount": -1}, "unitAmount"),
        ({"recurring": {"interval": "month", "interval_count": 37}}, "recurring"),
        ({"lookupKey": ""}, "lookupKey"),
    ],
)
def test_price_check_names_the_property(change: dict[str, Any], prop: str) -> None:
    request = CheckRequest(PRICE, {}, property_map({**PRICE_INPUTS, **change}), b"")
    failures = asyncio.run(BackstopProvider().check(request)).failures or []
    assert [f.property for f in failures] == [prop]


def requests_to(sandbox: SandboxProcess, routes: tuple[str, ...]) -> dict[str, int]:
    by_route = sandbox.requests()["by_route"]
    return {route: int(by_route.get(route, 0)) for route in routes}


ONE_PRICE = "stripe GET /v1/prices/{price}"
ONE_PRODUCT = "stripe GET /v1/products/{id}"
LISTS = ("stripe GET /v1/prices", "stripe GET /v1/products")


def test_gone_objects_read_from_the_listing_alone_and_a_new_price_never_reads_its_product(
    sandbox: SandboxProcess,
) -> None:
    p = provider(sandbox)

    # One event loop throughout, as in the plugin: the Stripe SDK's connections belong to their loop.
    async def scenario() -> None:
        await p.create(CreateRequest(PRODUCT, property_map(PRODUCT_INPUTS), 60, False))
        sandbox.http.delete("/_sandbox/requests")
        price = property_map({**PRICE_INPUTS, "isDefault": False})
        created = await p.create(CreateRequest(PRICE, price, 60, False))
        assert plain_map(created.properties)["isDefault"] is False
        assert requests_to(sandbox, (ONE_PRODUCT,)) == {ONE_PRODUCT: 0}, "a new price is no product's default"
        assert sdk(sandbox).v1.products.retrieve("no-lock-in").default_price is None

        # After a total loss, each object the refresh finds gone costs no request beyond the listing.
        sandbox.http.delete("/_sandbox/requests")
        assert not (await p.read(ReadRequest(PRICE, "price_gone", {}, {}))).resource_id
        assert not (await p.read(ReadRequest(PRODUCT, "gone-product", {}, {}))).resource_id
        assert requests_to(sandbox, (ONE_PRICE, ONE_PRODUCT, *LISTS)) == {
            ONE_PRICE: 0,
            ONE_PRODUCT: 0,
            "stripe GET /v1/prices": 1,
            "stripe GET /v1/products": 1,
        }
        live = await p.read(ReadRequest(PRICE, created.resource_id or "", {}, {}))
        assert live.resource_id == created.resource_id, "an object the listing holds reads as it is"

    asyncio.run(scenario())

    # With batched reads off, each read is its object's own GET.
    unbatched = provider(sandbox, batched=False)
    sandbox.http.delete("/_sandbox/requests")
    assert not asyncio.run(unbatched.read(ReadRequest(PRICE, "price_gone", {}, {}))).resource_id
    assert requests_to(sandbox, (ONE_PRICE, *LISTS)) == {
        ONE_PRICE: 1,
        "stripe GET /v1/prices": 0,
        "stripe GET /v1/products": 0,
    }
