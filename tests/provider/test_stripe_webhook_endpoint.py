"""The provider's contract for backstop:stripe:WebhookEndpoint, called as the engine calls it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import stripe
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckRequest,
    ConfigureRequest,
    CreateRequest,
    DeleteRequest,
    DiffRequest,
    PropertyDiffKind,
    ReadRequest,
    UpdateRequest,
)
from pulumi.runtime.rpc import UNKNOWN

from backstop.plugin.provider.dispatcher import BackstopProvider
from backstop.plugin.provider.props import plain_map, property_map
from tests.support import STRIPE_STAGING_KEY, SandboxProcess

TOKEN = "backstop:stripe:WebhookEndpoint"
URN = f"urn:pulumi:staging::platform-config::backstop:components:StripeBilling${TOKEN}::stripe-webhook-app"
ACCOUNT = "acct_derrimut_staging"
INPUTS: dict[str, Any] = {
    "url": "https://app.example.com/stripe",
    "enabledEvents": ["invoice.paid", "customer.created"],
    "description": "App",
    "apiVersion": None,
    "disabled": False,
    "metadata": {"team": "billing"},
}


def provider(sandbox: SandboxProcess, batched: bool = True) -> BackstopProvider:
    p = BackstopProvider()
    args = {
        "stripeApiKey": PropertyValue(STRIPE_STAGING_KEY, is_secret=True),
        "stripeBaseUrl": PropertyValue(f"{sandbox.url}/stripe"),
        "batchedReads": PropertyValue(batched),
    }
    asyncio.run(p.configure(ConfigureRequest({}, args, True, True)))
    return p


def sdk(sandbox: SandboxProcess) -> stripe.StripeClient:
    return stripe.StripeClient(STRIPE_STAGING_KEY, base_addresses={"api": f"{sandbox.url}/stripe"})


def create(p: BackstopProvider, inputs: dict[str, Any] = INPUTS) -> tuple[str, dict[str, Any]]:
    response = asyncio.run(p.create(CreateRequest(URN, property_map(inputs), 60, False)))
    assert response.resource_id
    return response.resource_id, plain_map(response.properties)


def diff(olds: dict[str, Any], news: dict[str, Any]) -> Any:
    return asyncio.run(
        BackstopProvider().diff(DiffRequest(URN, "we_1", property_map(olds), property_map(news), []))
    )


def test_diff_is_empty_when_only_the_order_of_events_differs() -> None:
    news = {**INPUTS, "enabledEvents": list(reversed(INPUTS["enabledEvents"]))}
    assert diff({**INPUTS, "status": "enabled"}, news).changes is False


def test_diff_updates_in_place_for_fields_stripe_can_change() -> None:
    news = {**INPUTS, "description": "Other", "disabled": True, "metadata": {}}
    result = diff(INPUTS, news)
    assert result.changes is True and result.replaces == []
    assert {k: v.kind for k, v in result.detailed_diff.items()} == {
        "description": PropertyDiffKind.UPDATE,
        "disabled": PropertyDiffKind.UPDATE,
        "metadata": PropertyDiffKind.UPDATE,
    }


def test_diff_replaces_on_api_version_deleting_first() -> None:
    result = diff(
        {**INPUTS, "apiVersion": "2025-01-27.acacia"}, {**INPUTS, "apiVersion": "2026-08-26.dahlia"}
    )
    assert result.replaces == ["apiVersion"]
    assert result.delete_before_replace is True, "the replacement has the same URL, the natural key"


def test_diff_never_replaces_for_a_field_the_state_does_not_hold() -> None:
    olds = {k: v for k, v in INPUTS.items() if k != "apiVersion"}
    result = diff(olds, {**INPUTS, "apiVersion": "2026-08-26.dahlia"})
    assert result.replaces == [] and "apiVersion" in result.detailed_diff


def test_diff_ignores_backstop_bookkeeping_metadata() -> None:
    olds = {**INPUTS, "metadata": {**INPUTS["metadata"], "backstop_create": "backstop-abc"}}
    assert diff(olds, INPUTS).changes is False


def test_diff_counts_an_unknown_input_as_a_change() -> None:
    result = diff(INPUTS, {**INPUTS, "url": UNKNOWN})
    assert "url" in result.detailed_diff


@pytest.mark.parametrize(
    ("change", "prop", "reason"),
    [
        ({"url": "not a url"}, "url", "absolute http(s) URL"),
        (
            {"enabledEvents": ["invoice.payed"]},
            "enabledEvents",
            "unknown Stripe event type(s): invoice.payed",
        ),
        ({"enabledEvents": []}, "enabledEvents", "at least 1 item"),
        ({"colour": "red"}, "colour", "Extra inputs are not permitted"),
        ({"metadata": {"k": "v" * 501}}, "metadata.k", "at most 500 characters"),
        ({"apiVersion": "yesterday"}, "apiVersion", "should match pattern"),
    ],
)
def test_check_names_the_property_and_the_reason(change: dict[str, Any], prop: str, reason: str) -> None:
    response = asyncio.run(
        BackstopProvider().check(CheckRequest(URN, {}, property_map({**INPUTS, **change}), b""))
    )
    assert [(f.property, reason in f.reason) for f in response.failures or []] == [(prop, True)]


def test_check_skips_values_not_known_yet() -> None:
    response = asyncio.run(
        BackstopProvider().check(CheckRequest(URN, {}, property_map({**INPUTS, "url": UNKNOWN}), b""))
    )
    assert not response.failures


def test_create_returns_the_secret_as_a_secret(sandbox: SandboxProcess) -> None:
    p = provider(sandbox)
    response = asyncio.run(p.create(CreateRequest(URN, property_map(INPUTS), 60, False)))
    assert response.resource_id
    live = sandbox.stripe_objects(ACCOUNT, "webhook_endpoints")[response.resource_id]
    assert response.properties["secret"].is_secret
    assert response.properties["secret"].value == live["secret"]
    assert live["enabled_events"] == INPUTS["enabledEvents"] and live["metadata"]["team"] == "billing"


def test_preview_create_calls_no_api(sandbox: SandboxProcess) -> None:
    p = provider(sandbox)
    response = asyncio.run(p.create(CreateRequest(URN, property_map(INPUTS), 60, True)))
    assert response.properties["secret"].is_secret
    assert sandbox.requests()["total"] == 0


def test_create_adopts_an_endpoint_with_the_same_url(sandbox: SandboxProcess) -> None:
    existing = sdk(sandbox).v1.webhook_endpoints.create(
        params={"url": INPUTS["url"], "enabled_events": ["charge.refunded"], "metadata": {"stale": "yes"}}
    )
    endpoint_id, outputs = create(provider(sandbox))
    assert endpoint_id == existing.id
    assert outputs["secret"] is None, "someone else's endpoint: its secret is unknown"
    live = sandbox.stripe_objects(ACCOUNT, "webhook_endpoints")
    assert list(live) == [existing.id]
    assert live[existing.id]["enabled_events"] == INPUTS["enabledEvents"]
    assert live[existing.id]["metadata"] == {"team": "billing"}


def test_read_reports_live_values_and_keeps_the_secret(sandbox: SandboxProcess) -> None:
    p = provider(sandbox)
    endpoint_id, outputs = create(p)
    sdk(sandbox).v1.webhook_endpoints.update(endpoint_id, params={"description": "edited", "disabled": True})
    response = asyncio.run(
        p.read(ReadRequest(URN, endpoint_id, property_map(outputs, frozenset({"secret"})), {}))
    )
    assert response.resource_id == endpoint_id
    read = plain_map(response.properties)
    assert read["description"] == "edited" and read["disabled"] is True
    assert read["secret"] == outputs["secret"] and response.properties["secret"].is_secret
    assert plain_map(response.inputs)["description"] == "edited"
    assert "secret" not in response.inputs


def test_read_of_a_deleted_endpoint_returns_an_empty_id(sandbox: SandboxProcess) -> None:
    p = provider(sandbox)
    endpoint_id, outputs = create(p)
    sdk(sandbox).v1.webhook_endpoints.delete(endpoint_id)
    response = asyncio.run(p.read(ReadRequest(URN, endpoint_id, property_map(outputs), {})))
    assert response.resource_id == ""


def test_reads_are_batched_into_one_listing(sandbox: SandboxProcess) -> None:
    client = sdk(sandbox)
    ids = [
        client.v1.webhook_endpoints.create(
            params={"url": f"https://e{i}.example.com/", "enabled_events": ["*"]}
        ).id
        for i in range(5)
    ]
    p = provider(sandbox)

    async def read_all() -> list[str]:
        responses = await asyncio.gather(*(p.read(ReadRequest(URN, i, {}, {})) for i in ids))
        return [r.resource_id or "" for r in responses]

    before = sandbox.requests()["by_route"]
    assert asyncio.run(read_all()) == ids
    after = sandbox.requests()["by_route"]
    assert (
        after.get("stripe GET /v1/webhook_endpoints", 0) - before.get("stripe GET /v1/webhook_endpoints", 0)
        == 1
    )
    assert "stripe GET /v1/webhook_endpoints/{webhook_endpoint}" not in after


def test_update_converges_and_clears_undeclared_metadata(sandbox: SandboxProcess) -> None:
    p = provider(sandbox)
    endpoint_id, outputs = create(p)
    sdk(sandbox).v1.webhook_endpoints.update(endpoint_id, params={"metadata": {"extra": "x"}})
    news = {**INPUTS, "enabledEvents": ["invoice.paid"], "description": None}
    olds = property_map(outputs, frozenset({"secret"}))
    response = asyncio.run(p.update(UpdateRequest(URN, endpoint_id, olds, property_map(news), 60, [], False)))
    live = sandbox.stripe_objects(ACCOUNT, "webhook_endpoints")[endpoint_id]
    assert live["enabled_events"] == ["invoice.paid"] and live["description"] is None
    assert {k: v for k, v in live["metadata"].items() if not k.startswith("backstop_")} == {"team": "billing"}
    assert plain_map(response.properties)["secret"] == outputs["secret"]


def test_delete_of_a_missing_endpoint_is_done(sandbox: SandboxProcess) -> None:
    p = provider(sandbox)
    endpoint_id, outputs = create(p)
    asyncio.run(p.delete(DeleteRequest(URN, endpoint_id, property_map(outputs), 60)))
    asyncio.run(p.delete(DeleteRequest(URN, endpoint_id, property_map(outputs), 60)))
    assert sandbox.stripe_objects(ACCOUNT, "webhook_endpoints") == {}


def test_missing_api_key_is_a_clear_error(sandbox: SandboxProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BACKSTOP_STRIPE_API_KEY", raising=False)
    p = BackstopProvider()
    asyncio.run(p.configure(ConfigureRequest({}, {}, True, True)))
    with pytest.raises(Exception, match="backstop:stripeApiKey"):
        asyncio.run(p.create(CreateRequest(URN, property_map(INPUTS), 60, False)))


def test_create_retried_after_a_crash_replays_its_own_secret(sandbox: SandboxProcess) -> None:
    first_id, first = create(provider(sandbox))
    # The engine never recorded the first create (killed mid-update): a new process creates again.
    second_id, second = create(provider(sandbox))
    assert second_id == first_id and second["secret"] == first["secret"]
    assert list(sandbox.stripe_objects(ACCOUNT, "webhook_endpoints")) == [first_id]


def test_create_after_an_out_of_band_delete_makes_a_new_endpoint(sandbox: SandboxProcess) -> None:
    p = provider(sandbox)
    first_id, first = create(p)
    sdk(sandbox).v1.webhook_endpoints.delete(first_id)
    second_id, second = create(p)
    live = sandbox.stripe_objects(ACCOUNT, "webhook_endpoints")
    assert second_id != first_id and list(live) == [second_id]
    assert second["secret"] == live[second_id]["secret"] != first["secret"]
