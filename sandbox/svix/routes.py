"""HTTP routes of the Svix emulation, mounted under the Svix base URL (`SvixOptions(server_url=…)`).

The only credentials are app-portal tokens: Clerk's `svix_url` carries a one-time token, which
`POST /api/v1/auth/one-time-token` trades for a bearer token scoped to that one application.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.core.accounts import Account, bearer
from sandbox.core.context import Sandbox
from sandbox.core.http import Handler, Vendor, route
from sandbox.core.ratelimit import RateLimit
from sandbox.svix import models, webhook_endpoints
from sandbox.svix.errors import envelope, forbidden, not_found, unauthorized
from sandbox.svix.models import Json, decode_error
from sandbox.svix.state import (
    SvixInstance,
    exchange_one_time_token,
    find_token,
    idempotency_fingerprint,
    instances,
)

PREFIX = "/svix"
Operation = Callable[[SvixInstance, Json, dict[str, str], dict[str, str], Json], webhook_endpoints.Result]
PORTAL = Account("svix", "app-portal", "")
"""Who calls the one-time-token exchange: the one-time token in the body is the only credential."""

NOT_EMULATED: tuple[str, ...] = (
    "applications (/api/v1/app, /api/v1/app/{app_id}): Clerk creates and deletes its instance's "
    "application (POST/DELETE /v1/webhooks/svix on the Clerk side); app-portal tokens cannot manage them",
    "messages, attempts, event types, endpoint headers/stats/transformations/recover/replay: delivery "
    "data and Clerk-owned settings, not the instance's configuration",
    "the App Portal web UI behind Clerk's svix_url (`/svix/app-portal/login`): only its token exchange",
    "organization-level API keys: the sandbox only issues app-portal tokens",
)
DEVIATIONS: tuple[str, ...] = (
    "POST …/endpoint/{endpoint_id}/secret/rotate answers 200 with EndpointSecretOut `{key}` (the new "
    "secret), not the document's (v1.947.0) 204: the svix 2.9.1 SDK parses that body and fails on an "
    "empty one",
    "a token for another application gets 403 `insufficient access` (the OSS Svix server answers 404; "
    "the cloud's answer is UNCERTAIN)",
    "POST /api/v1/auth/one-time-token needs no Authorization header (the one-time token is the "
    "credential, as the reverse-engineered Clerk clients call it; the document marks the operation "
    "internal and bearer-authenticated); it also answers with a trailing slash, as those clients call it",
    "exchanged tokens (`appsk_…`) last 7 days (Svix's app-portal default; Clerk's real lifetime is "
    "UNCERTAIN); a one-time token works once and has no other expiry",
    "endpoint eventTypes must be among a Clerk instance's event types (@clerk/backend WebhookEventType), "
    "as Svix checks them against the application's environment",
    "PUT of an unknown endpoint id or uid creates a new endpoint whose uid comes from the body only, as "
    "the OSS Svix server does (UNCERTAIN for the cloud)",
    "unknown body fields are ignored and filterTypes is accepted for eventTypes, as the Svix server "
    "deserializes them; responses add the deprecated filterTypes, rateLimit and version",
    "no rate limit applies: the facts document none for Svix",
)


def authenticate(request: Request) -> Account:
    """Without a sandbox there are no tokens to find: `routes` binds the lookup to one."""
    raise unauthorized()


def token_authenticator(sandbox: Sandbox) -> Callable[[Request], Account]:
    def check(request: Request) -> Account:
        token = bearer(request.headers.get("authorization", ""))
        found = find_token(sandbox, token) if token else None
        if found is None or token is None:
            raise unauthorized()
        return Account("svix", found[0], token)

    return check


def rate_limit(account: Account) -> RateLimit | None:
    return None


VENDOR = Vendor("svix", PREFIX, authenticate, envelope, rate_limit)


def _application(sandbox: Sandbox, svix: SvixInstance, token: str, app_id_or_uid: str) -> Json:
    """The token's application; another application is forbidden, an unknown one not found."""
    allowed = svix.objects("api_tokens")[token]["appId"]
    app = svix.application(app_id_or_uid)
    if app is not None and app["id"] == allowed:
        return app
    if app is not None or any(other.application(app_id_or_uid) for other in instances(sandbox)):
        raise forbidden()
    raise not_found()


def _handler(sandbox: Sandbox, operation: Operation, struct: str | None) -> Handler:
    async def handle(request: Request, account: Account) -> Response:
        svix = SvixInstance(sandbox, account.name)
        app = _application(sandbox, svix, account.api_key, request.path_params["app_id"])
        key = request.headers.get("idempotency-key") if request.method == "POST" else None
        fingerprint = idempotency_fingerprint(account.api_key, key, request.url.path) if key else None
        saved = svix.replay(fingerprint) if fingerprint else None
        if saved is not None:
            return JSONResponse(saved["body"], status_code=saved["status"])
        body = models.parse_body(await request.body(), struct) if struct else {}
        status, payload = operation(svix, app, dict(request.path_params), dict(request.query_params), body)
        if fingerprint and status < 300:
            svix.remember(fingerprint, status, payload)
        return Response(status_code=status) if payload is None else JSONResponse(payload, status_code=status)

    return handle


def _exchange(sandbox: Sandbox) -> Handler:
    async def handle(request: Request, account: Account) -> Response:
        body = models.parse_body(await request.body(), "OneTimeTokenIn")
        if "oneTimeToken" not in body:
            raise decode_error("", "missing field `oneTimeToken`")
        if not isinstance(body["oneTimeToken"], str):
            raise decode_error("oneTimeToken", "invalid type: expected a string")
        exchanged = exchange_one_time_token(sandbox, body["oneTimeToken"])
        if exchanged is None:
            raise unauthorized()
        record = exchanged[1]
        return JSONResponse({"token": record["token"], "capabilities": record["capabilities"]})

    return handle


async def _unrecognized(request: Request, account: Account) -> Response:
    raise not_found()


def routes(sandbox: Sandbox) -> list[Route]:
    vendor = dataclasses.replace(VENDOR, authenticate=token_authenticator(sandbox))
    portal = dataclasses.replace(VENDOR, authenticate=lambda _request: PORTAL)

    def op(method: str, template: str, operation: Operation, struct: str | None = None) -> Route:
        return route(sandbox, vendor, method, template, _handler(sandbox, operation, struct))

    def call(function: Callable[..., Any], *names: str, body: bool = False, query: bool = False) -> Operation:
        def operation(svix: SvixInstance, app: Json, path: dict[str, str], q: dict[str, str], b: Json) -> Any:
            extra = [path[n] for n in names] + ([q] if query else []) + ([b] if body else [])
            result: webhook_endpoints.Result = function(svix, app, *extra)
            return result

        return operation

    endpoint = "/api/v1/app/{app_id}/endpoint"
    one = f"{endpoint}/{{endpoint_id}}"
    return [
        op("GET", endpoint, call(webhook_endpoints.list_all, query=True)),
        op("POST", endpoint, call(webhook_endpoints.create, body=True), "EndpointIn"),
        op("GET", one, call(webhook_endpoints.retrieve, "endpoint_id")),
        op("PUT", one, call(webhook_endpoints.upsert, "endpoint_id", body=True), "EndpointUpdate"),
        op("PATCH", one, call(webhook_endpoints.patch, "endpoint_id", body=True), "EndpointPatch"),
        op("DELETE", one, call(webhook_endpoints.delete, "endpoint_id")),
        op("GET", f"{one}/secret", call(webhook_endpoints.get_secret, "endpoint_id")),
        op(
            "POST",
            f"{one}/secret/rotate",
            call(webhook_endpoints.rotate_secret, "endpoint_id", body=True),
            "EndpointSecretRotateIn",
        ),
        route(sandbox, portal, "POST", "/api/v1/auth/one-time-token", _exchange(sandbox)),
        route(sandbox, portal, "POST", "/api/v1/auth/one-time-token/", _exchange(sandbox)),
        *(
            route(sandbox, vendor, method, "/{path:path}", _unrecognized)
            for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        ),
    ]
