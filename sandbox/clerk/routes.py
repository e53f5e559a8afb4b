"""HTTP routes of the Clerk emulation, under `<sandbox>/clerk` (the SDK's server URL is `…/clerk/v1`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.clerk import (
    allowlist_identifiers,
    domains,
    instance_settings,
    jwt_templates,
    organization_settings,
    redirect_urls,
    svix_app,
)
from sandbox.clerk.errors import (
    api_version_invalid,
    authorization_header_invalid,
    clerk_key_invalid,
    envelope,
    url_not_found,
)
from sandbox.clerk.models import Json, parse_body
from sandbox.clerk.state import ClerkInstance
from sandbox.core.accounts import Account, bearer, by_key
from sandbox.core.context import Sandbox
from sandbox.core.http import Handler, Vendor, route
from sandbox.core.ratelimit import RateLimit

PREFIX = "/clerk"
API_VERSIONS = frozenset({"2021-02-05", "2024-10-01", "2025-03-12", "2025-04-10", "2025-11-10", "2026-05-12"})
"""Clerk's published Backend API versions (`Clerk-API-Version`; the Python SDK sends 2025-11-10)."""
Operation = Callable[[ClerkInstance, Json, dict[str, str], dict[str, str]], Any]

NOT_EMULATED: tuple[str, ...] = (
    "users, sessions, organizations, invitations and the rest of the Backend API: live data, not the "
    "instance's configuration",
    "PATCH /v1/redirect_urls/{id}, GET /v1/allowlist_identifiers/{identifier_id}, GET "
    "/v1/domains/{domain_id}, GET /v1/instance/restrictions — Clerk has no such operations either "
    "(404 URL not found)",
    "/v1/instance/protect, /communication, /oauth_application_settings, /change_domain, "
    "/v1/beta_features/instance_settings: instance settings the runbook does not manage",
    "POST /v1/organization_roles and role/permission management: the sandbox keeps the two default "
    "roles (org:admin, org:member) per instance; GET /v1/organization_roles lists them",
    "webhook endpoints: Clerk has no endpoint API; they live in the instance's Svix application "
    "(see the svix vendor)",
)
DEVIATIONS: tuple[str, ...] = (
    "GET /v1/redirect_urls, /v1/jwt_templates, /v1/allowlist_identifiers with paginated=true answer "
    "{data, total_count} (as clerk-sdk-go parses it), where the document has a bare array",
    "limit and offset are accepted and ignored on those lists: both forms carry every item, as Clerk's "
    "own list services do ('Does not support actual pagination'); whether current Clerk pages them is "
    "UNCERTAIN",
    "timestamps are Unix milliseconds (Clerk's serializers call UnixMilli; the document only says 'Unix "
    "timestamp')",
    "redirect URLs accept any URL with a scheme, http:// included, as Clerk's `url` validation does; "
    "the docs' 'https:// or a custom scheme' is guidance",
    "PATCH /v1/instance with allowed_origins [] leaves the origins unchanged, as Clerk's service skips an "
    "empty list (UNCERTAIN for current Clerk)",
    "unknown body fields get 422 form_param_unknown and wrong JSON types 422 form_param_type_invalid "
    "(Clerk's wording; which decoder error Clerk returns for a type mismatch is UNCERTAIN)",
    "a missing Authorization header or an unknown key gets 401 clerk_key_invalid, another scheme 401 "
    "authorization_header_format_invalid; an unpublished Clerk-API-Version gets 400 api_version_invalid",
    "custom_signing_key=true without signing_key or signing_algorithm gets 422 "
    "form_conditional_param_missing (the document says both are required then); RS*/ES* keys must be "
    "PEM private keys (Clerk mints a test token with the key; the sandbox checks only the PEM form)",
    "lists are in creation order, oldest first (Clerk's order is UNCERTAIN)",
    "a domain's accounts_portal_url, proxy_url and cname_targets are null when empty (the document's "
    "nullable; an older Clerk serializer omitted them instead)",
    "domains_default_role_id naming an unknown role gets 404 even while organization domains stay off",
    "proxy_url on a development instance gets 422 form_conditional_param_disallowed ('applicable only to "
    "production instances')",
    "the primary domain of the development instance is `<slug>.accounts.dev`; its development_origin "
    "is the one PATCH /v1/instance sets; production domains list Clerk's CNAME records",
    "GET /v1/organization_roles is served (read-only) so clients can find the role ids that PATCH "
    "/v1/instance/organization_settings takes",
    "rate limits: production 1000 and development 100 requests per 10 s per instance, as a token "
    "bucket (100/s or 10/s refill, burst 1000 or 100); 429 with Retry-After",
)


def authenticate(request: Request) -> Account:
    header = request.headers.get("authorization", "")
    key = bearer(header)
    if header.strip() and key is None:
        raise authorization_header_invalid()
    account = by_key("clerk", key) if key else None
    if account is None:
        raise clerk_key_invalid()
    version = request.headers.get("clerk-api-version")
    if version is not None and version not in API_VERSIONS:
        raise api_version_invalid(f"{version} is not a supported version")
    return account


def rate_limit(account: Account) -> RateLimit:
    """Clerk documents 1000 requests per 10 s for production instances and 100 for development ones."""
    per_ten_seconds = 1000.0 if account.livemode else 100.0
    return RateLimit(rate=per_ten_seconds / 10, burst=per_ten_seconds)


VENDOR = Vendor("clerk", PREFIX, authenticate, envelope, rate_limit)


def _handler(sandbox: Sandbox, operation: Operation) -> Handler:
    async def handle(request: Request, account: Account) -> Response:
        body = parse_body(await request.body()) if request.method in ("POST", "PATCH", "PUT") else {}
        clerk = ClerkInstance(sandbox, account)
        result = operation(clerk, body, dict(request.path_params), dict(request.query_params))
        return Response(status_code=204) if result is None else JSONResponse(result)

    return handle


async def _unrecognized(request: Request, account: Account) -> Response:
    raise url_not_found()


def routes(sandbox: Sandbox) -> list[Route]:
    def op(method: str, template: str, operation: Operation) -> Route:
        return route(sandbox, VENDOR, method, template, _handler(sandbox, operation))

    ru, jt, al, dm = "/v1/redirect_urls", "/v1/jwt_templates", "/v1/allowlist_identifiers", "/v1/domains"
    settings = "/v1/instance/organization_settings"
    return [
        op("GET", ru, lambda c, _b, _p, q: redirect_urls.list_all(c, q)),
        op("POST", ru, lambda c, b, _p, _q: redirect_urls.create(c, b)),
        op("GET", f"{ru}/{{id}}", lambda c, _b, p, _q: redirect_urls.retrieve(c, p["id"])),
        op("DELETE", f"{ru}/{{id}}", lambda c, _b, p, _q: redirect_urls.delete(c, p["id"])),
        op("GET", jt, lambda c, _b, _p, q: jwt_templates.list_all(c, q)),
        op("POST", jt, lambda c, b, _p, _q: jwt_templates.create(c, b)),
        op("GET", f"{jt}/{{template_id}}", lambda c, _b, p, _q: jwt_templates.retrieve(c, p["template_id"])),
        op(
            "PATCH", f"{jt}/{{template_id}}", lambda c, b, p, _q: jwt_templates.update(c, p["template_id"], b)
        ),
        op("DELETE", f"{jt}/{{template_id}}", lambda c, _b, p, _q: jwt_templates.delete(c, p["template_id"])),
        op("GET", al, lambda c, _b, _p, q: allowlist_identifiers.list_all(c, q)),
        op("POST", al, lambda c, b, _p, _q: allowlist_identifiers.create(c, b)),
        op(
            "DELETE",
            f"{al}/{{identifier_id}}",
            lambda c, _b, p, _q: allowlist_identifiers.delete(c, p["identifier_id"]),
        ),
        op("GET", dm, lambda c, _b, _p, _q: domains.list_all(c)),
        op("POST", dm, lambda c, b, _p, _q: domains.create(c, b)),
        op("PATCH", f"{dm}/{{domain_id}}", lambda c, b, p, _q: domains.update(c, p["domain_id"], b)),
        op("DELETE", f"{dm}/{{domain_id}}", lambda c, _b, p, _q: domains.delete(c, p["domain_id"])),
        op("GET", "/v1/instance", lambda c, _b, _p, _q: instance_settings.retrieve(c)),
        op("PATCH", "/v1/instance", lambda c, b, _p, _q: instance_settings.update(c, b)),
        op(
            "PATCH",
            "/v1/instance/restrictions",
            lambda c, b, _p, _q: instance_settings.update_restrictions(c, b),
        ),
        op("GET", settings, lambda c, _b, _p, _q: organization_settings.organization_settings(c)),
        op("PATCH", settings, lambda c, b, _p, _q: organization_settings.update_organization_settings(c, b)),
        op("GET", "/v1/organization_roles", lambda c, _b, _p, q: organization_settings.list_roles(c, q)),
        op("POST", "/v1/webhooks/svix", lambda c, _b, _p, _q: svix_app.create_svix_app(c)),
        op("DELETE", "/v1/webhooks/svix", lambda c, _b, _p, _q: svix_app.delete_svix_app(c)),
        op("POST", "/v1/webhooks/svix_url", lambda c, _b, _p, _q: svix_app.svix_url(c)),
        *(
            route(sandbox, VENDOR, method, "/{path:path}", _unrecognized)
            for method in ("GET", "POST", "PATCH", "PUT", "DELETE")
        ),
    ]
