"""HTTP routes of the Stripe emulation, mounted under the Stripe base URL."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.core.accounts import Account, by_key
from sandbox.core.context import Sandbox
from sandbox.core.http import Handler, Vendor, route
from sandbox.core.ratelimit import RateLimit
from sandbox.stripe import forms
from sandbox.stripe.errors import StripeError, envelope
from sandbox.stripe.state import StripeAccount

PREFIX = "/stripe"
Operation = Callable[[StripeAccount, dict[str, Any], dict[str, str], str], Any]


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
    return account


def rate_limit(account: Account) -> RateLimit:
    """Stripe documents 100 operations/s in live mode and 25/s in test mode."""
    per_second = 100.0 if account.livemode else 25.0
    return RateLimit(rate=per_second, burst=per_second)


VENDOR = Vendor("stripe", PREFIX, authenticate, envelope, rate_limit, retry_after_header=False)


def _handler(sandbox: Sandbox, operation: Operation) -> Handler:
    async def handle(request: Request, account: Account) -> Response:
        try:
            if request.method in ("GET", "DELETE"):
                params = forms.decode(request.url.query)
            else:
                params = forms.decode((await request.body()).decode())
        except forms.FormError as exc:
            raise StripeError(400, str(exc), param=exc.param) from None
        stripe = StripeAccount(sandbox, account)
        path = request.url.path.removeprefix(PREFIX)
        key = request.headers.get("idempotency-key") if request.method == "POST" else None
        replayed = stripe.replay(key, request.method, path, params) if key else None
        if replayed is not None:
            return JSONResponse(replayed[1], status_code=replayed[0], headers={"Idempotent-Replayed": "true"})
        body = operation(stripe, params, dict(request.path_params), path)
        if key:
            stripe.remember(key, request.method, path, params, 200, body)
        return JSONResponse(body, headers={"Request-Id": sandbox.ids.prefixed("req_", 14)})

    return handle


def routes(sandbox: Sandbox) -> list[Route]:
    def op(method: str, template: str, operation: Operation) -> Route:
        return route(sandbox, VENDOR, method, template, _handler(sandbox, operation))

    return [
        op("POST", "/v1/webhook_endpoints", lambda s, p, _a, _u: s.create_webhook_endpoint(p)),
        op("GET", "/v1/webhook_endpoints", lambda s, p, _a, u: s.list_webhook_endpoints(p, u)),
        op("GET", "/v1/webhook_endpoints/{id}", lambda s, _p, a, _u: s.get_webhook_endpoint(a["id"])),
        op("POST", "/v1/webhook_endpoints/{id}", lambda s, p, a, _u: s.update_webhook_endpoint(a["id"], p)),
        op("DELETE", "/v1/webhook_endpoints/{id}", lambda s, _p, a, _u: s.delete_webhook_endpoint(a["id"])),
    ]
