"""Diff and replace rules of backstop:stripe:Product and backstop:stripe:Price, as the engine asks them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pulumi.provider.experimental.provider import CheckRequest, DiffRequest, PropertyDiffKind

from backstop.plugin.provider.dispatcher import BackstopProvider
from backstop.plugin.provider.props import property_map

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
