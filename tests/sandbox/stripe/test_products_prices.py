"""The sandbox's Stripe products and prices, driven by the official stripe SDK."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from tests.support import STRIPE_STAGING_KEY, SandboxProcess


def client(sandbox: SandboxProcess) -> stripe.StripeClient:
    return stripe.StripeClient(
        STRIPE_STAGING_KEY, base_addresses={"api": f"{sandbox.url}/stripe"}, max_network_retries=0
    )


def monthly(sdk: stripe.StripeClient, product: str, amount: int, **extra: object) -> stripe.Price:
    params: dict[str, Any] = {"product": product, "currency": "aud", "unit_amount": amount, **extra}
    params["recurring"] = {"interval": "month"}
    return sdk.v1.prices.create(params=params)  # type: ignore[arg-type]


def test_products_take_custom_ids_once(sandbox: SandboxProcess) -> None:
    sdk = client(sandbox)
    product = sdk.v1.products.create(
        params={"id": "no-lock-in", "name": "No lock-in", "metadata": {"tier": "3"}}
    )
    assert product.id == "no-lock-in" and product.active and product.default_price is None
    with pytest.raises(stripe.InvalidRequestError) as caught:
        sdk.v1.products.create(params={"id": "no-lock-in", "name": "Again"})
    assert caught.value.error is not None and caught.value.error.code == "resource_already_exists"
    generated = sdk.v1.products.create(params={"name": "Generated"})
    assert generated.id.startswith("prod_")


def test_default_price_data_creates_the_default_price(sandbox: SandboxProcess) -> None:
    sdk = client(sandbox)
    product = sdk.v1.products.create(
        params={"name": "12-month upfront", "default_price_data": {"currency": "AUD", "unit_amount": 59900}}
    )
    price = sdk.v1.prices.retrieve(str(product.default_price))
    assert price.product == product.id and price.currency == "aud" and price.type == "one_time"
    expanded = sdk.v1.products.retrieve(product.id, params={"expand": ["default_price"]})
    assert isinstance(expanded.default_price, stripe.Price) and expanded.default_price.unit_amount == 59900


def test_prices_have_immutable_amounts_and_no_delete(sandbox: SandboxProcess) -> None:
    sdk = client(sandbox)
    sdk.v1.products.create(params={"id": "no-lock-in", "name": "No lock-in"})
    price = monthly(sdk, "no-lock-in", 6995, nickname="monthly")
    assert price.recurring is not None and price.recurring.interval_count == 1 and price.type == "recurring"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        sdk.v1.prices.update(price.id, params={"unit_amount": 7995})  # type: ignore[arg-type]
    assert caught.value.error is not None and caught.value.error.code == "parameter_unknown"
    updated = sdk.v1.prices.update(price.id, params={"nickname": "monthly v2", "metadata": {"k": "v"}})
    assert updated.nickname == "monthly v2" and updated.unit_amount == 6995
    deleted = sandbox.http.delete(f"/stripe/v1/prices/{price.id}", auth=(STRIPE_STAGING_KEY, ""))
    assert deleted.status_code == 404 and "Unrecognized request URL" in deleted.json()["error"]["message"]


def test_lookup_keys_are_unique_and_transfer_atomically(sandbox: SandboxProcess) -> None:
    sdk = client(sandbox)
    sdk.v1.products.create(params={"id": "p", "name": "P"})
    old = monthly(sdk, "p", 1000, lookup_key="membership-monthly")
    with pytest.raises(stripe.InvalidRequestError) as caught:
        monthly(sdk, "p", 1100, lookup_key="membership-monthly")
    assert caught.value.error is not None and caught.value.error.param == "lookup_key"
    assert f"A price (`{old.id}`) already uses that lookup key." in str(caught.value)
    new = monthly(sdk, "p", 1100, lookup_key="membership-monthly", transfer_lookup_key=True)
    assert new.lookup_key == "membership-monthly"
    assert sdk.v1.prices.retrieve(old.id).lookup_key is None
    found = sdk.v1.prices.list(params={"lookup_keys": ["membership-monthly"]}).data
    assert [p.id for p in found] == [new.id]


def test_the_default_price_cannot_be_archived(sandbox: SandboxProcess) -> None:
    sdk = client(sandbox)
    sdk.v1.products.create(params={"id": "p", "name": "P"})
    price = monthly(sdk, "p", 1000)
    sdk.v1.products.update("p", params={"default_price": price.id})
    with pytest.raises(stripe.InvalidRequestError, match="default price of its product"):
        sdk.v1.prices.update(price.id, params={"active": False})
    sdk.v1.products.update("p", params={"default_price": ""})
    assert sdk.v1.prices.update(price.id, params={"active": False}).active is False
    with pytest.raises(stripe.InvalidRequestError, match="archived"):
        sdk.v1.products.update("p", params={"default_price": price.id})


def test_a_product_with_prices_cannot_be_deleted(sandbox: SandboxProcess) -> None:
    sdk = client(sandbox)
    sdk.v1.products.create(params={"id": "p", "name": "P"})
    monthly(sdk, "p", 1000)
    with pytest.raises(stripe.InvalidRequestError, match="has one or more user-created prices"):
        sdk.v1.products.delete("p")
    assert sdk.v1.products.update("p", params={"active": False}).active is False
    empty = sdk.v1.products.create(params={"name": "Empty"})
    assert sdk.v1.products.delete(empty.id).deleted is True


def test_price_validation(sandbox: SandboxProcess) -> None:
    sdk = client(sandbox)
    sdk.v1.products.create(params={"id": "p", "name": "P"})
    cases: list[tuple[dict[str, object], str]] = [
        ({"product": "missing", "currency": "aud", "unit_amount": 1}, "product"),
        ({"product": "p", "currency": "zzz", "unit_amount": 1}, "currency"),
        ({"product": "p", "currency": "aud"}, "unit_amount"),
        ({"product": "p", "currency": "aud", "unit_amount": -1}, "unit_amount"),
        (
            {"product": "p", "currency": "aud", "unit_amount": 1, "recurring": {"interval": "fortnight"}},
            "recurring[interval]",
        ),
        (
            {
                "product": "p",
                "currency": "aud",
                "unit_amount": 1,
                "recurring": {"interval": "month", "interval_count": 37},
            },
            "recurring[interval_count]",
        ),
        ({"product": "p", "currency": "aud", "unit_amount": 1, "id": "price_custom"}, "id"),
    ]
    for params, param in cases:
        with pytest.raises(stripe.InvalidRequestError) as caught:
            sdk.v1.prices.create(params=params)  # type: ignore[arg-type]
        assert caught.value.error is not None and caught.value.error.param == param, params
    assert sandbox.stripe_objects("acct_derrimut_staging", "prices") == {}


def test_tax_behavior_is_fixed_once_set(sandbox: SandboxProcess) -> None:
    sdk = client(sandbox)
    sdk.v1.products.create(params={"id": "p", "name": "P"})
    price = monthly(sdk, "p", 1000, tax_behavior="inclusive")
    with pytest.raises(stripe.InvalidRequestError, match="can't be changed"):
        sdk.v1.prices.update(price.id, params={"tax_behavior": "exclusive"})


def test_product_data_makes_the_product_only_when_the_price_is_valid(sandbox: SandboxProcess) -> None:
    sdk = client(sandbox)
    with pytest.raises(stripe.InvalidRequestError):
        sdk.v1.prices.create(params={"currency": "aud", "unit_amount": -5, "product_data": {"name": "X"}})
    assert sandbox.stripe_objects("acct_derrimut_staging", "products") == {}
    price = sdk.v1.prices.create(params={"currency": "aud", "unit_amount": 5, "product_data": {"name": "X"}})
    assert list(sandbox.stripe_objects("acct_derrimut_staging", "products")) == [price.product]


def test_lists_filter_paginate_and_expand(sandbox: SandboxProcess) -> None:
    sdk = client(sandbox)
    for i in range(3):
        sdk.v1.products.create(params={"id": f"p{i}", "name": f"P{i}"})
    ids = [monthly(sdk, f"p{i % 3}", 1000 + i).id for i in range(7)]
    sdk.v1.prices.update(ids[0], params={"active": False})
    every = [p.id for p in sdk.v1.prices.list(params={"limit": 3}).auto_paging_iter()]
    assert every == ids[::-1]
    assert [p.id for p in sdk.v1.prices.list(params={"active": False}).data] == [ids[0]]
    assert {p.id for p in sdk.v1.prices.list(params={"product": "p1"}).data} == {ids[1], ids[4]}
    expanded = sdk.v1.prices.list(params={"limit": 1, "expand": ["data.product"]}).data[0]
    assert isinstance(expanded.product, stripe.Product)
    only = sdk.v1.products.list(params={"ids": ["p0", "p2"]}).data
    assert {p.id for p in only} == {"p0", "p2"}


def test_stripe_version_header_is_checked_and_echoed(sandbox: SandboxProcess) -> None:
    ok = sandbox.http.get(
        "/stripe/v1/prices", auth=(STRIPE_STAGING_KEY, ""), headers={"Stripe-Version": "2026-10-28.endive"}
    )
    assert ok.status_code == 200 and ok.headers["Stripe-Version"] == "2026-10-28.endive"
    bad = sandbox.http.get(
        "/stripe/v1/prices", auth=(STRIPE_STAGING_KEY, ""), headers={"Stripe-Version": "latest"}
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "api_version_invalid"
