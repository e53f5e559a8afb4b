"""Clerk's webhooks are a Svix application per instance: create it, delete it, and mint the App Portal
link (`svix_url`), whose fragment carries a one-time token for the Svix API.
"""

from __future__ import annotations

import base64
import json

from sandbox.clerk.errors import ClerkError, error
from sandbox.clerk.models import Json
from sandbox.clerk.state import APPLICATION_NAME, ClerkInstance
from sandbox.svix.state import REGION, SvixInstance


def _missing() -> ClerkError:
    return error(400, "No Svix apps are associated with the current instance.", "svix_app_missing")


def _app_id(clerk: ClerkInstance) -> str | None:
    app_id: str | None = clerk.single("instance").get("svix_app_id")
    if app_id is None or SvixInstance(clerk.sandbox, clerk.account.name).application(app_id) is None:
        return None
    return app_id


def portal_url(clerk: ClerkInstance, app_id: str) -> str:
    """`<sandbox>/svix/app-portal/login#key=<base64url of {"appId", "oneTimeToken", "region"}>`."""
    token = SvixInstance(clerk.sandbox, clerk.account.name).mint_one_time_token(app_id)
    key = json.dumps({"appId": app_id, "oneTimeToken": token, "region": REGION})
    encoded = base64.urlsafe_b64encode(key.encode()).decode()
    return f"{clerk.sandbox.public_url}/svix/app-portal/login#key={encoded}"


def create_svix_app(clerk: ClerkInstance) -> Json:
    if _app_id(clerk) is not None:
        raise error(400, "Only one Svix app is allowed per instance.", "svix_app_exists")
    svix = SvixInstance(clerk.sandbox, clerk.account.name)
    app = svix.create_application(f"{APPLICATION_NAME} - {clerk.environment}")
    clerk.single("instance")["svix_app_id"] = app["id"]
    return {"svix_url": portal_url(clerk, app["id"])}


def delete_svix_app(clerk: ClerkInstance) -> None:
    app_id = _app_id(clerk)
    if app_id is None:
        raise _missing()
    SvixInstance(clerk.sandbox, clerk.account.name).delete_application(app_id)
    clerk.single("instance")["svix_app_id"] = None


def svix_url(clerk: ClerkInstance) -> Json:
    app_id = _app_id(clerk)
    if app_id is None:
        raise _missing()
    return {"svix_url": portal_url(clerk, app_id)}
