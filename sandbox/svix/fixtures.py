"""The derrimut platform's Svix endpoints: each Clerk instance's users sync to its Convex backend."""

from __future__ import annotations

from sandbox.core.context import Sandbox
from sandbox.svix import webhook_endpoints
from sandbox.svix.state import SvixInstance

USER_EVENTS = ["user.created", "user.updated", "user.deleted"]


def users_webhook(sandbox: Sandbox, instance: str, app_id: str, convex_site: str) -> str:
    """The Convex HTTP action that keeps the users table in step with Clerk; returns the endpoint id."""
    svix = SvixInstance(sandbox, instance)
    app = svix.application(app_id)
    assert app is not None
    _, created = webhook_endpoints.create(
        svix,
        app,
        {
            "url": f"{convex_site}/clerk-users-webhook",
            "description": "Convex users sync",
            "eventTypes": USER_EVENTS,
            "metadata": {"owner": "platform"},
        },
    )
    endpoint_id: str = created["id"]
    return endpoint_id
