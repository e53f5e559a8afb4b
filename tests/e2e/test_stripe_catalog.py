"""Stripe products and prices through the real engine: create, drift, restore, replace, archive, batch reads."""

from __future__ import annotations

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


def sdk(sandbox: SandboxProcess) -> stripe.StripeClient:
    return stripe.StripeClient(STRIPE_STAGING_KEY, base_addresses={"api": f"{sandbox.url}/stripe"})


def document(tmp_path: Path, edit: Any = None) -> Path:
    yaml = YAML()
    data = yaml.load((ROOT / "snapshots" / "staging.yaml").read_text())
    for vendor in ("clerk", "vapi", "vercel", "convex"):  # Stripe's own tests: the other vendors have theirs
        data.pop(vendor, None)
        data["scope"].pop(vendor, None)
    if edit is not None:
        edit(data)
    path = tmp_path / f"staging-{len(list(tmp_path.glob('staging-*.yaml')))}.yaml"
    with path.open("w") as fh:
        yaml.dump(data, fh)
    return path


def use(engine: Engine, path: Path) -> None:
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(path)


def assert_catalog_matches(sandbox: SandboxProcess, path: Path) -> None:
    """Every declared field of every declared product and price equals Stripe's own data."""
    desired = load_document(path)
    assert desired.stripe is not None
    products = sandbox.stripe_objects(ACCOUNT, "products")
    prices = sandbox.stripe_objects(ACCOUNT, "prices")
    for product in desired.stripe.products:
        live = products[product.id]
        assert (live["name"], live["active"], live["metadata"]) == (
            product.name,
            product.active,
            product.metadata,
        )
        for price in product.prices:
            holders = [p for p in prices.values() if p["lookup_key"] == price.lookup_key]
            assert len(holders) == 1, f"lookup key {price.lookup_key} is held by {len(holders)} prices"
            got = holders[0]
            assert got["product"] == product.id and got["unit_amount"] == price.unit_amount
            assert got["currency"] == price.currency and got["active"] == price.active
            assert got["tax_behavior"] == price.tax_behavior
            wanted_recurring = price.recurring.model_dump() if price.recurring else None
            got_recurring = (
                {k: got["recurring"][k] for k in ("interval", "interval_count", "usage_type", "meter")}
                if got["recurring"]
                else None
            )
            assert got_recurring == wanted_recurring
            if price.default:
                assert live["default_price"] == got["id"]


def test_catalog_drift_is_reported_and_restored(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    path = document(tmp_path)
    use(engine, path)
    engine.init_stack(STACK)
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
    assert_catalog_matches(sandbox, path)

    client = sdk(sandbox)
    client.v1.products.update("no-lock-in", params={"active": False, "name": "Renamed in the dashboard"})
    upfront = client.v1.products.retrieve("12-month-upfront")
    client.v1.products.update("12-month-upfront", params={"default_price": ""})
    client.v1.prices.update(str(upfront.default_price), params={"active": False, "nickname": "oops"})

    drift = engine.pulumi("preview", "--refresh", "--diff", "--expect-no-changes", "--stack", STACK, ok=(7,))
    for name in ("stripe-product-no-lock-in", "stripe-price-twelve-month-upfront-upfront"):
        assert name in drift.stdout
    engine.pulumi("up", "--refresh", "--yes", "--stack", STACK)
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", STACK)
    assert_catalog_matches(sandbox, path)
    assert client.v1.prices.retrieve(str(upfront.default_price)).nickname is None


def test_an_immutable_price_change_replaces_in_stripes_order(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    use(engine, document(tmp_path))
    engine.init_stack(STACK)
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
    old = sdk(sandbox).v1.products.retrieve("no-lock-in").default_price

    def raise_price(data: Any) -> None:
        data["stripe"]["products"][2]["prices"][0]["unit_amount"] = 3995

    changed = document(tmp_path, raise_price)
    use(engine, changed)
    sandbox.http.delete("/_sandbox/requests")
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", STACK)
    assert_catalog_matches(sandbox, changed)

    mutations = [
        (r["method"], r["path"].removeprefix("/stripe"))
        for r in sandbox.requests()["requests"]
        if r["method"] == "POST" and r["path"].startswith("/stripe")
    ]
    new = sdk(sandbox).v1.products.retrieve("no-lock-in").default_price
    assert new != old
    assert mutations == [
        ("POST", "/v1/prices"),  # 1. the new price, taking the lookup key with transfer_lookup_key
        ("POST", "/v1/products/no-lock-in"),  # 2. the product's default price repointed
        ("POST", f"/v1/prices/{old}"),  # 3. the old price archived
    ]
    archived = sdk(sandbox).v1.prices.retrieve(str(old))
    assert archived.active is False and archived.lookup_key is None


def test_removing_products_and_prices_archives_them(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    use(engine, document(tmp_path))
    engine.init_stack(STACK)
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)

    def drop_upfront(data: Any) -> None:
        del data["stripe"]["products"][3]

    use(engine, document(tmp_path, drop_upfront))
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
    products = sandbox.stripe_objects(ACCOUNT, "products")
    assert products["12-month-upfront"]["active"] is False, "archived, never deleted"
    assert all(
        not p["active"]
        for p in sandbox.stripe_objects(ACCOUNT, "prices").values()
        if p["product"] == "12-month-upfront"
    )
    assert all(p["active"] for k, p in products.items() if k != "12-month-upfront")


def test_lost_state_adopts_the_catalog(engine: Engine, sandbox: SandboxProcess, tmp_path: Path) -> None:
    path = document(tmp_path)
    use(engine, path)
    engine.init_stack(STACK)
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
    before = sandbox.dump()["stripe"][ACCOUNT]
    fresh = Engine(home=tmp_path / "fresh", sandbox=sandbox)
    use(fresh, path)
    fresh.init_stack(STACK)
    fresh.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
    fresh.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", STACK)
    after = sandbox.dump()["stripe"][ACCOUNT]
    assert after["prices"].keys() == before["prices"].keys(), "no duplicate prices"
    assert after["products"].keys() == before["products"].keys()


def test_refreshing_100_prices_costs_at_most_2_price_requests(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    def hundred_prices(data: Any) -> None:
        product = data["stripe"]["products"][0]
        product["prices"] = [
            {
                "key": f"p{i}",
                "lookup_key": f"bulk-{i}",
                "currency": "aud",
                "unit_amount": 1000 + i,
                "default": i == 0,
            }
            for i in range(100)
        ]
        del data["stripe"]["products"][1:]

    use(engine, document(tmp_path, hundred_prices))
    engine.init_stack(STACK)
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
    sandbox.http.delete("/_sandbox/requests")
    engine.pulumi("refresh", "--yes", "--stack", STACK)
    routes = sandbox.requests()["by_route"]
    price_requests = sum(n for route, n in routes.items() if "/v1/prices" in route)
    assert price_requests <= 2, routes
    print(f"refresh of 100 prices: {price_requests} request(s) to the prices API; all: {routes}")
