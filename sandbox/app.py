"""The sandbox's ASGI application: every vendor under its own path prefix, the control API under /_sandbox."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount

from sandbox.core import control
from sandbox.core.context import Sandbox
from sandbox.stripe import routes as stripe_routes


def build_app(sandbox: Sandbox) -> Starlette:
    return Starlette(
        routes=[
            Mount(stripe_routes.PREFIX, routes=stripe_routes.routes(sandbox)),
            Mount("/_sandbox", routes=control.routes(sandbox)),
        ]
    )
