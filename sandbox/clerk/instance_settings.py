"""Instance settings and instance restrictions (both write-only through the API).

PATCH /v1/instance answers 204 and keeps fields that GET never returns (only `allowed_origins` comes
back). Restrictions have no GET.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sandbox.clerk.errors import (
    error,
    form_conditional_disallowed,
    form_format_invalid,
    form_value_not_allowed,
)
from sandbox.clerk.models import Json, read_bool, read_str, read_str_list, reject_unknown
from sandbox.clerk.redirect_urls import is_url
from sandbox.clerk.state import RESTRICTIONS, ClerkInstance

INSTANCE_FIELDS = {
    "test_mode",
    "hibp",
    "support_email",
    "clerk_js_version",
    "development_origin",
    "allowed_origins",
    "cookieless_dev",
    "url_based_session_syncing",
    "preferred_sign_in_strategy_when_password_required",
}
PUBLIC_INSTANCE = ("object", "id", "environment_type", "allowed_origins", "workspace_id")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def retrieve(clerk: ClerkInstance) -> Json:
    stored = clerk.single("instance")
    return {k: stored[k] for k in PUBLIC_INSTANCE}


def _origin(value: str) -> str | None:
    """`scheme://host[:port]` of a URL, or None when it has no host."""
    if not is_url(value):
        return None
    parts = urlsplit(value)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else None


def update(clerk: ClerkInstance, body: Json) -> None:
    reject_unknown(body, INSTANCE_FIELDS)
    changes: Json = {}
    for flag in ("test_mode", "hibp", "url_based_session_syncing"):
        if read_bool(body, flag) is not None:
            changes[flag] = body[flag]
    if "url_based_session_syncing" not in changes and read_bool(body, "cookieless_dev") is not None:
        changes["url_based_session_syncing"] = body["cookieless_dev"]
    email = read_str(body, "support_email")
    if email is not None:
        if email and not _EMAIL.match(email):
            raise error(
                422,
                "is invalid",
                "form_param_format_invalid",
                "support_email must be a valid email address.",
                "support_email",
            )
        changes["support_email"] = email or None
    version = read_str(body, "clerk_js_version")
    if version is not None:
        changes["clerk_js_version"] = version or None
    origins = read_str_list(body, "allowed_origins")
    if origins:
        parsed = [_origin(o) for o in dict.fromkeys(origins)]
        if None in parsed:
            raise error(
                422,
                "is invalid",
                "form_invalid_origin",
                "allowed_origins must be a valid origin such as my-app://localhost, "
                "chrome-extension://mnhbilbfebpbokpjjamapdecdgieldho, or capacitor://localhost:3000",
                "allowed_origins",
            )
        changes["allowed_origins"] = list(dict.fromkeys(o for o in parsed if o))
    development_origin = read_str(body, "development_origin")
    if development_origin is not None:
        if clerk.production:
            raise form_conditional_disallowed("development_origin", "environment", "production")
        if development_origin and not re.match(r"^https?://", development_origin):
            raise form_format_invalid("development_origin", "Should start with https:// or http://")
        if development_origin and not urlsplit(development_origin).hostname:
            raise form_format_invalid("development_origin", "Must be a valid url")
        changes["development_origin"] = development_origin
    strategy_field = "preferred_sign_in_strategy_when_password_required"
    strategy = read_str(body, strategy_field)
    if strategy is not None:
        if strategy not in ("password", "otp", ""):
            raise form_value_not_allowed(strategy_field, strategy)
        changes[strategy_field] = strategy or None
    clerk.single("instance").update(changes)
    if "development_origin" in changes:
        for domain in clerk.objects("domains").values():
            clerk.derive_domain(domain)


def update_restrictions(clerk: ClerkInstance, body: Json) -> Json:
    reject_unknown(body, set(RESTRICTIONS))
    changes = {name: body[name] for name in RESTRICTIONS if read_bool(body, name) is not None}
    stored = clerk.single("restrictions")
    stored.update(changes)
    return dict(stored)
