"""The derrimut platform's Svix endpoints: each Clerk instance's users sync to its Convex backend."""

from __future__ import annotations

from typing import Any

from sandbox.core.context import Sandbox
from sandbox.svix import webhook_endpoints
from sandbox.svix.state import SvixInstance

USER_EVENTS = ["user.created", "user.updated", "user.deleted"]


def users_webhook(sandbox: Sandbox, instance: str, app_id: str, convex_site: str) -> str:
    """The Convex HTTP action that keeps the users table in step with Clerk; returns the endpoint id."""
    return endpoint(
        sandbox,
        instance,
        app_id,
        f"{convex_site}/clerk-users-webhook",
        "Convex users sync",
        USER_EVENTS,
        {"owner": "platform"},
    )


def endpoint(
    sandbox: Sandbox,
    instance: str,
    app_id: str,
    url: str,
    description: str,
    events: list[str],
    metadata: dict[str, str] | None = None,
) -> str:
    """An endpoint of the instance's Svix application; returns its id."""
    svix = SvixInstance(sandbox, instance)
    app = svix.application(app_id)
    assert app is not None
    body: dict[str, Any] = {"url": url, "description": description, "eventTypes": events}
    if metadata:
        body["metadata"] = metadata
    _, created = webhook_endpoints.create(svix, app, body)
    endpoint_id: str = created["id"]
    return endpoint_id
