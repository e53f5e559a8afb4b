"""Stripe restricted keys in the sandbox: the secret key's account, a permission per resource, and Stripe's
403 naming the missing permission before any parameter is read or an idempotent request replayed."""

from __future__ import annotations

import httpx
import pytest
import stripe
from starlette.routing import Route

from sandbox.core.accounts import RESTRICTED_KEYS, STRIPE_RESOURCES, by_key, keys, restricted
from sandbox.core.context import Sandbox
from sandbox.core.store import Store
from sandbox.stripe import permissions, routes
from tests.support import STRIPE_STAGING_KEY, SandboxProcess

READONLY = "rk_test_sandbox_derrimut_staging_readonly"
RESTORE = "rk_test_sandbox_derrimut_staging_restore"


def client(sandbox: SandboxProcess, key: str) -> stripe.StripeClient:
    return stripe.StripeClient(key, base_addresses={"api": f"{sandbox.url}/stripe"}, max_network_retries=0)


def post(sandbox: SandboxProcess, key: str, path: str, body: str = "", **headers: str) -> httpx.Response:
    return sandbox.http.post(
        f"/stripe{path}",
        content=body,
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/x-www-form-urlencoded",
            **headers,
        },
    )


def test_a_read_only_key_reads_and_gets_stripes_403_naming_the_write_permission(
    sandbox: SandboxProcess,
) -> None:
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    sdk = client(sandbox, READONLY)
    assert len(sdk.v1.products.list().data) == 4 and len(sdk.v1.webhook_endpoints.list().data) == 2

    denied = post(sandbox, READONLY, "/v1/products")
    assert denied.status_code == 403
    assert denied.json() == {
        "error": {
            "type": "invalid_request_error",
            "message": "The provided key 'rk_test_*****************************only' does not have the "
            "required permissions for this endpoint on account 'acct_derrimut_staging'. Having the "
            "'rak_product_write' permission would allow this request to continue.",
        }
    }
    with pytest.raises(stripe.PermissionError) as raised:
        sdk.v1.webhook_endpoints.create(params={"url": "https://a.example.com/", "enabled_events": ["*"]})
    assert raised.value.http_status == 403
    assert "'rak_webhook_endpoint_write'" in str(raised.value.user_message)
    product = sdk.v1.products.list().data[0].id
    for method, path, permission in [
        ("POST", f"/v1/products/{product}", "rak_product_write"),
        ("DELETE", f"/v1/products/{product}", "rak_product_write"),
        ("POST", "/v1/prices", "rak_price_write"),
        ("POST", "/v1/billing/meters", "rak_billing_meter_write"),
    ]:
        answer = sandbox.http.request(
            method, f"/stripe{path}", headers={"Authorization": f"Bearer {READONLY}"}
        )
        assert answer.status_code == 403 and f"'{permission}'" in answer.json()["error"]["message"], path
    assert sandbox.requests()["by_route"]["stripe POST /v1/products"] == 1
    assert len(client(sandbox, STRIPE_STAGING_KEY).v1.products.list().data) == 4, "nothing was written"


def test_the_permission_comes_before_parameters_and_idempotent_replays(sandbox: SandboxProcess) -> None:
    missing = post(sandbox, RESTORE, "/v1/products")
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "parameter_missing"
    assert post(sandbox, READONLY, "/v1/products", "nonsense[=1").status_code == 403

    created = post(sandbox, STRIPE_STAGING_KEY, "/v1/products", "name=Gym", **{"Idempotency-Key": "k1"})
    assert created.status_code == 200
    assert post(sandbox, READONLY, "/v1/products", "name=Gym", **{"Idempotency-Key": "k1"}).status_code == 403
    replayed = post(sandbox, RESTORE, "/v1/products", "name=Gym", **{"Idempotency-Key": "k1"})
    assert replayed.headers.get("Idempotent-Replayed") == "true" and replayed.json() == created.json()


def test_a_restore_key_writes_the_secret_keys_account(sandbox: SandboxProcess) -> None:
    made = client(sandbox, RESTORE).v1.products.create(params={"name": "Day pass"})
    assert made.livemode is False
    assert client(sandbox, STRIPE_STAGING_KEY).v1.products.retrieve(made.id).name == "Day pass"
    log = sandbox.requests()["requests"]
    assert [entry["account"] for entry in log] == ["acct_derrimut_staging"] * 2


def test_every_route_names_a_resource_and_every_key_its_accounts() -> None:
    served = [
        item.path
        for item in routes.routes(Sandbox(store=Store()))
        if isinstance(item, Route) and "{path:path}" not in item.path
    ]
    assert {permissions.resource(path) for path in served} == set(STRIPE_RESOURCES)
    assert permissions.resource("/v1/customers") is None and permissions.resource("/v1/pricesx") is None
    for key in RESTRICTED_KEYS:
        account = by_key(key.vendor, key.api_key)
        assert account is not None and account.name == key.account and key.api_key.startswith("rk_test_")
        assert account.api_key.startswith("sk_test_") and set(key.permissions) == set(STRIPE_RESOURCES)
    stripe_keys = keys("stripe")
    assert stripe_keys["acct_derrimut_staging"] == STRIPE_STAGING_KEY
    assert all(key.startswith("sk_") for key in stripe_keys.values()), "keys() lists secret keys only"
    assert restricted("stripe", STRIPE_STAGING_KEY) is None and by_key("stripe", "rk_test_unknown") is None
