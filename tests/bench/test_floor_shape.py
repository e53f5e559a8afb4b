"""The shaped floor: Backstop's state reduced to what no-op resources declare and return, secrets never
carried over, and a no-op create that returns the recorded outputs so an unchanged program diffs clean."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import CreateRequest

from bench.floor import provider
from bench.support import SECRET_SIG, state_shape

CANARY = "ciphertext-canary-must-not-appear"
ENDPOINT = "urn:pulumi:prod::backstop::backstop:components:StripeBilling$backstop:stripe:WebhookEndpoint::stripe-webhook-app"
PRICE = "urn:pulumi:prod::backstop::backstop:components:StripeBilling$backstop:stripe:Price::stripe-price-a-monthly"


class Exported:
    """Stands in for the Engine: `export` returns a state the way `pulumi stack export` writes it."""

    def export(self, stack: str) -> dict[str, Any]:
        secret = {SECRET_SIG: "1b47061264138c4ac30d75fd1eb44270", "ciphertext": CANARY}
        return {
            "deployment": {
                "resources": [
                    {"urn": "urn:pulumi:prod::backstop::pulumi:pulumi:Stack::backstop-prod", "custom": False,
                     "type": "pulumi:pulumi:Stack"},
                    {"urn": "urn:pulumi:prod::backstop::pulumi:providers:backstop::default", "custom": True,
                     "type": "pulumi:providers:backstop"},
                    {"urn": ENDPOINT, "custom": True, "type": "backstop:stripe:WebhookEndpoint",
                     "inputs": {"url": "https://x.example/hook"},
                     "outputs": {"url": "https://x.example/hook", "secret": secret, "created": 1700000000}},
                    {"urn": PRICE, "custom": True, "type": "backstop:stripe:Price",
                     "inputs": {"lookupKey": "a-monthly", "metadata": {"tier": "a"}},
                     "outputs": {"lookupKey": "a-monthly", "metadata": {"tier": "a"}, "type": "recurring"}},
                ]
            }
        }  # fmt: skip


def test_the_shape_keeps_managed_objects_and_never_a_ciphertext() -> None:
    shape = state_shape(Exported(), ("prod",))  # type: ignore[arg-type]
    assert CANARY not in json.dumps(shape)
    endpoint, price = shape["resources"]
    assert (endpoint["name"], endpoint["secret_bearing"], endpoint["secret_outputs"]) == (
        "prod-stripe-webhook-app",
        True,
        ["secret"],
    )
    assert endpoint["outputs"]["secret"].startswith("whsec_")
    assert (price["name"], price["secret_bearing"], price["inputs"]) == (
        "prod-stripe-price-a-monthly",
        False,
        {"lookupKey": "a-monthly", "metadata": {"tier": "a"}},
    )


def test_a_shaped_create_returns_the_recorded_outputs_under_the_inputs_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "shape.json"
    path.write_text(json.dumps(state_shape(Exported(), ("prod",))))  # type: ignore[arg-type]
    monkeypatch.setenv("BENCH_FLOOR_SHAPE", str(path))
    provider._outputs.cache_clear()
    request = CreateRequest(
        urn="urn:pulumi:floor::floor::noop:index:Endpoint::prod-stripe-webhook-app",
        properties={"url": PropertyValue("https://y.example/hook")},
        timeout=0,
        preview=False,
    )
    try:
        created = asyncio.run(provider.NoopProvider().create(request))
    finally:
        provider._outputs.cache_clear()
    assert created.properties is not None
    assert created.properties["url"] == PropertyValue("https://y.example/hook"), "the input sent wins"
    assert created.properties["secret"].is_secret and created.properties["created"].value == 1700000000.0
