"""The sandbox's ASGI application: every vendor under its own path prefix, the control API under /_sandbox."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount

from sandbox import registration
from sandbox.apps import routes as apps_routes
from sandbox.clerk import frontend as clerk_frontend
from sandbox.clerk import routes as clerk_routes
from sandbox.convex import routes as convex_routes
from sandbox.core import control
from sandbox.core.context import Sandbox
from sandbox.fixtures import FIXTURES
from sandbox.stripe import routes as stripe_routes
from sandbox.svix import routes as svix_routes
from sandbox.vapi import routes as vapi_routes
from sandbox.vercel import routes as vercel_routes

VENDORS = [stripe_routes, vercel_routes, clerk_routes, svix_routes, vapi_routes, convex_routes]
"""Each vendor's routes module: PREFIX, VENDOR, routes(sandbox), NOT_EMULATED, DEVIATIONS."""


def build_app(sandbox: Sandbox) -> Starlette:
    return Starlette(
        routes=[
            *(Mount(vendor.PREFIX, routes=vendor.routes(sandbox)) for vendor in VENDORS),
            # The Convex CLI sends export and import calls to its deployment URL's origin (sandbox/README.md).
            *convex_routes.origin_routes(sandbox),
            # The apps behind the webhook endpoints (not a vendor: no request log, no coverage row).
            Mount(apps_routes.PREFIX, routes=apps_routes.routes(sandbox)),
            # Clerk's public Frontend API (no key, not a vendor route: no request log).
            Mount(clerk_frontend.PREFIX, routes=clerk_frontend.routes(sandbox)),
            Mount("/_sandbox", routes=control.routes(sandbox, FIXTURES, registration.handle)),
        ]
    )
