"""HTTP routes of the Stripe emulation, mounted under the Stripe base URL."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.core.accounts import Account, by_key
from sandbox.core.context import Sandbox
from sandbox.stripe import forms
from sandbox.stripe.errors import StripeError
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


def _authenticate(request: Request) -> Account:
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


async def _params(request: Request) -> dict[str, Any]:
    if request.method in ("GET", "DELETE"):
        return forms.decode(request.url.query)
    return forms.decode((await request.body()).decode())


def _endpoint(
    sandbox: Sandbox, template: str, operation: Operation
) -> Callable[[Request], Awaitable[Response]]:
    async def handle(request: Request) -> Response:
        account: Account | None = None
        status = 500
        try:
            account = _authenticate(request)
            params = await _params(request)
            stripe = StripeAccount(sandbox, account)
            key = request.headers.get("idempotency-key") if request.method == "POST" else None
            path = request.url.path.removeprefix(PREFIX)
            replayed = stripe.replay(key, request.method, path, params) if key else None
            if replayed is not None:
                status = replayed[0]
                return JSONResponse(replayed[1], status_code=status, headers={"Idempotent-Replayed": "true"})
            body = operation(stripe, params, dict(request.path_params), path)
            status = 200
            if request.method != "GET":
                if key:
                    stripe.remember(key, request.method, path, params, status, body)
                sandbox.store.persist()
            return JSONResponse(body, headers={"Request-Id": sandbox.ids.prefixed("req_", 14)})
        except forms.FormError as exc:
            error = StripeError(400, str(exc), param=exc.param)
            status = error.status
            return error.response()
        except StripeError as exc:
            status = exc.status
            return exc.response()
        finally:
            sandbox.log.add(
                "stripe",
                account.name if account else None,
                request.method,
                template,
                request.url.path,
                status,
            )

    return handle


def routes(sandbox: Sandbox) -> list[Route]:
    def we(template: str, method: str, operation: Operation) -> Route:
        return Route(template, _endpoint(sandbox, template, operation), methods=[method])

    return [
        we("/v1/webhook_endpoints", "POST", lambda s, p, _a, _u: s.create_webhook_endpoint(p)),
        we("/v1/webhook_endpoints", "GET", lambda s, p, _a, u: s.list_webhook_endpoints(p, u)),
        we("/v1/webhook_endpoints/{id}", "GET", lambda s, _p, a, _u: s.get_webhook_endpoint(a["id"])),
        we("/v1/webhook_endpoints/{id}", "POST", lambda s, p, a, _u: s.update_webhook_endpoint(a["id"], p)),
        we("/v1/webhook_endpoints/{id}", "DELETE", lambda s, _p, a, _u: s.delete_webhook_endpoint(a["id"])),
    ]
