"""HTTP routes of the Stripe emulation, mounted under the Stripe base URL."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.core.accounts import Account, by_key
from sandbox.core.context import Sandbox
from sandbox.core.http import Handler, Vendor, route
from sandbox.core.ratelimit import RateLimit
from sandbox.stripe import forms, meters, permissions, prices, products, webhook_endpoints
from sandbox.stripe.errors import StripeError, envelope
from sandbox.stripe.state import StripeAccount

PREFIX = "/stripe"
Operation = Callable[[StripeAccount, dict[str, Any], dict[str, str], str], Any]
_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$")

NOT_EMULATED: tuple[str, ...] = (
    "GET /v1/products/search, GET /v1/prices/search — Backstop lists and filters instead",
    "/v1/products/{product}/features — product features (entitlements) are not part of the runbook",
    "DELETE /v1/prices/{price} — Stripe has no such operation either (404 unrecognized URL, as Stripe)",
    "/v1/billing/meter_events, meter event summaries and adjustments — usage data, not configuration",
    "everything else in Stripe's API (customers, subscriptions, …): live data, not configuration",
)
DEVIATIONS: tuple[str, ...] = (
    "api_version: accepts the spec's enum plus dated versions newer than the spec (2026-08-26.dahlia), "
    "because stripe-python 16.1.0 pins 2026-10-28.endive, newer than the spec",
    "GET /v1/prices without `active` lists active and archived prices (the SDK docstring's 'active only' "
    "is UNCERTAIN in api-facts.md; listing all keeps archived prices visible to drift checks)",
    "billing meters: an event_name is unique among active meters (UNCERTAIN: the docs imply it)",
    "lookup_key='' on price update unsets the key (UNCERTAIN in api-facts.md)",
    "live-mode webhook endpoint URLs must use https (Stripe requires https for live endpoints)",
    "restricted keys (rk_…): a None/Read/Write permission per emulated resource only (webhook_endpoint, "
    "product, price, billing_meter); a missing one gets 403 before parameters are read or an idempotent "
    "request is replayed, so an empty create tells whether a key may write (the order is UNCERTAIN); the key "
    "in the message shows its first 8 and last 4 characters, an asterisk for each one between",
    "rate limits: 100 ops/s (live) and 25 ops/s (test) per account as one bucket; Stripe's per-endpoint "
    "limits are not modelled; 429s carry no Retry-After, as the facts suggest",
)


def _api_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.startswith("Bearer "):
        return header[7:].strip()
    if header.startswith("Basic "):
        try:
            return base64.b64decode(header[6:]).decode().split(":", 1)[0]
        except ValueError:
            return None
    return None


def authenticate(request: Request) -> Account:
    key = _api_key(request)
    if not key:
        raise StripeError(
            401,
            "You did not provide an API key. You need to provide your API key in the Authorization header, "
            "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        )
    account = by_key("stripe", key)
    if account is None:
        raise StripeError(401, f"Invalid API Key provided: {key[:8]}{'*' * 8}{key[-4:]}")
    version = request.headers.get("stripe-version")
    if version is not None and not _VERSION.match(version):
        raise StripeError(400, f"Invalid Stripe API version: {version}", code="api_version_invalid")
    return account


def rate_limit(account: Account) -> RateLimit:
    """Stripe documents 100 operations/s in live mode and 25/s in test mode."""
    per_second = 100.0 if account.livemode else 25.0
    return RateLimit(rate=per_second, burst=per_second)


VENDOR = Vendor("stripe", PREFIX, authenticate, envelope, rate_limit, retry_after_header=False)


def _handler(sandbox: Sandbox, operation: Operation) -> Handler:
    async def handle(request: Request, account: Account) -> Response:
        path = request.url.path.removeprefix(PREFIX)
        permissions.check(_api_key(request) or "", account, request.method, path)
        try:
            if request.method in ("GET", "DELETE"):
                params = forms.decode(request.url.query)
            else:
                params = forms.decode((await request.body()).decode())
        except forms.FormError as exc:
            raise StripeError(400, str(exc), param=exc.param) from None
        stripe = StripeAccount(sandbox, account)
        key = request.headers.get("idempotency-key") if request.method == "POST" else None
        replayed = stripe.replay(key, request.method, path, params) if key else None
        if replayed is not None:
            return JSONResponse(replayed[1], status_code=replayed[0], headers={"Idempotent-Replayed": "true"})
        body = operation(stripe, params, dict(request.path_params), path)
        if key:
            stripe.remember(key, request.method, path, params, 200, body)
        headers = {"Request-Id": sandbox.ids.prefixed("req_", 14)}
        if "stripe-version" in request.headers:
            headers["Stripe-Version"] = request.headers["stripe-version"]
        return JSONResponse(body, headers=headers)

    return handle


async def _unrecognized(request: Request, account: Account) -> Response:
    path = request.url.path.removeprefix(PREFIX)
    raise StripeError(
        404,
        f"Unrecognized request URL ({request.method}: {path}). Please see https://stripe.com/docs "
        "or we can help at https://support.stripe.com/.",
    )


def routes(sandbox: Sandbox) -> list[Route]:
    def op(method: str, template: str, operation: Operation) -> Route:
        return route(sandbox, VENDOR, method, template, _handler(sandbox, operation))

    we, prod, price, mtr = "/v1/webhook_endpoints", "/v1/products", "/v1/prices", "/v1/billing/meters"
    return [
        op("POST", we, lambda s, p, _a, _u: webhook_endpoints.create(s, p)),
        op("GET", we, lambda s, p, _a, u: webhook_endpoints.list_all(s, p, u)),
        op(
            "GET",
            f"{we}/{{webhook_endpoint}}",
            lambda s, p, a, _u: webhook_endpoints.retrieve(s, a["webhook_endpoint"], p),
        ),
        op(
            "POST",
            f"{we}/{{webhook_endpoint}}",
            lambda s, p, a, _u: webhook_endpoints.update(s, a["webhook_endpoint"], p),
        ),
        op(
            "DELETE",
            f"{we}/{{webhook_endpoint}}",
            lambda s, _p, a, _u: webhook_endpoints.delete(s, a["webhook_endpoint"]),
        ),
        op("POST", prod, lambda s, p, _a, _u: products.create(s, p)),
        op("GET", prod, lambda s, p, _a, u: products.list_all(s, p, u)),
        op("GET", f"{prod}/{{id}}", lambda s, p, a, _u: products.retrieve(s, a["id"], p)),
        op("POST", f"{prod}/{{id}}", lambda s, p, a, _u: products.update(s, a["id"], p)),
        op("DELETE", f"{prod}/{{id}}", lambda s, _p, a, _u: products.delete(s, a["id"])),
        op("POST", price, lambda s, p, _a, _u: prices.create(s, p)),
        op("GET", price, lambda s, p, _a, u: prices.list_all(s, p, u)),
        op("GET", f"{price}/{{price}}", lambda s, p, a, _u: prices.retrieve(s, a["price"], p)),
        op("POST", f"{price}/{{price}}", lambda s, p, a, _u: prices.update(s, a["price"], p)),
        op("POST", mtr, lambda s, p, _a, _u: meters.create(s, p)),
        op("GET", mtr, lambda s, p, _a, u: meters.list_all(s, p, u)),
        op("GET", f"{mtr}/{{id}}", lambda s, p, a, _u: meters.retrieve(s, a["id"], p)),
        op("POST", f"{mtr}/{{id}}", lambda s, p, a, _u: meters.update(s, a["id"], p)),
        op("POST", f"{mtr}/{{id}}/deactivate", lambda s, p, a, _u: meters.set_status(s, a["id"], p, False)),
        op("POST", f"{mtr}/{{id}}/reactivate", lambda s, p, a, _u: meters.set_status(s, a["id"], p, True)),
        *(
            route(sandbox, VENDOR, method, "/{path:path}", _unrecognized)
            for method in ("GET", "POST", "DELETE")
        ),
    ]
