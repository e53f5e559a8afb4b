"""Instance-wide settings: the instance, its restrictions, its organization settings and roles.

PATCH /v1/instance answers 204 and keeps fields that GET never returns (only `allowed_origins` comes
back). Restrictions have no GET. Organization settings are written with role *ids* and read with role
*keys*.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sandbox.clerk.errors import (
    ClerkError,
    combine,
    error,
    form_conditional_disallowed,
    form_format_invalid,
    form_invalid,
    form_value_not_allowed,
    not_found,
)
from sandbox.clerk.models import Json, read_bool, read_int, read_str, read_str_list, reject_unknown
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
ORGANIZATION_FIELDS = {
    "enabled",
    "max_allowed_memberships",
    "admin_delete_enabled",
    "domains_enabled",
    "slug_disabled",
    "domains_enrollment_modes",
    "creator_role_id",
    "domains_default_role_id",
}
ENROLLMENT_MODES = ["manual_invitation", "automatic_invitation", "automatic_suggestion"]
CREATOR_PERMISSIONS = [
    "org:sys_profile:manage",
    "org:sys_profile:delete",
    "org:sys_memberships:read",
    "org:sys_memberships:manage",
]
"""What a creator role needs (Clerk's `EnsureMinimumSystemPermissions`)."""
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_MAX_INT32 = 2**31 - 1


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


def organization_settings(clerk: ClerkInstance) -> Json:
    return dict(clerk.single("organization_settings"))


def _role(clerk: ClerkInstance, role_id: str, param: str) -> Json:
    role = clerk.objects("roles").get(role_id)
    if role is None:
        raise not_found("not found", "Organization role not found", param)
    return role


def update_organization_settings(clerk: ClerkInstance, body: Json) -> Json:
    reject_unknown(body, ORGANIZATION_FIELDS)
    flags = {
        name: read_bool(body, name)
        for name in ("enabled", "admin_delete_enabled", "domains_enabled", "slug_disabled")
    }
    memberships = read_int(body, "max_allowed_memberships")
    modes = read_str_list(body, "domains_enrollment_modes") or []
    creator_id, default_id = read_str(body, "creator_role_id"), read_str(body, "domains_default_role_id")
    problems: list[ClerkError] = []
    if memberships is not None and memberships < 0:
        problems.append(form_invalid("max_allowed_memberships"))
    elif memberships is not None and memberships > _MAX_INT32:
        problems.append(
            error(
                422,
                "Value too large",
                "form_param_value_too_large",
                f"The value of max_allowed_memberships can't be greater than {_MAX_INT32}",
                "max_allowed_memberships",
            )
        )
    problems += [
        form_value_not_allowed("domains_enrollment_modes", mode, ENROLLMENT_MODES)
        for mode in modes
        if mode not in ENROLLMENT_MODES
    ]
    if problems:
        raise combine(problems)
    if flags["domains_enabled"] and not default_id:
        raise error(
            422,
            "is missing",
            "form_conditional_param_missing",
            "`domains_default_role_id` is required when `domains_enabled` is present.",
            "domains_default_role_id",
        )
    creator = _role(clerk, creator_id, "creator_role_id") if creator_id is not None else None
    if creator is not None:
        held = {p["key"] for p in creator["permissions"]}
        lacking = [p for p in CREATOR_PERMISSIONS if p not in held]
        if lacking:
            raise error(
                422,
                "missing permissions for creator role",
                "organization_missing_creator_role_permissions",
                f"The creator role must contain the following permissions: {', '.join(lacking)}",
            )
    default_role = _role(clerk, default_id, "domains_default_role_id") if default_id else None
    settings = clerk.single("organization_settings")
    for name, value in flags.items():
        if value is not None:
            settings[name] = value
    if memberships is not None:
        settings["max_allowed_memberships"] = memberships
    if modes:
        # `manual_invitation` is always on.
        settings["domains_enrollment_modes"] = sorted({"manual_invitation", *modes})
    if creator is not None:
        settings["creator_role"] = creator["key"]
    if not settings["domains_enabled"]:
        settings["domains_default_role"] = ""
    elif default_role is not None:
        settings["domains_default_role"] = default_role["key"]
    return dict(settings)


def _bounded(query: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name, str(default))
    if not raw.lstrip("-").isdigit() or not low <= int(raw) <= high:
        raise form_invalid(name)
    return int(raw)


def list_roles(clerk: ClerkInstance, query: dict[str, str]) -> Json:
    order = query.get("order_by", "-created_at")
    field = order.lstrip("+-")
    if field not in ("created_at", "name", "key"):
        # The missing space is Clerk's own (`param + "is invalid"`).
        raise error(
            400,
            "order_byis invalid",
            "invalid_query_parameter_value",
            f"{order} does not match one of the allowed values for parameter order_by",
        )
    limit = _bounded(query, "limit", 10, 1, 500)
    offset = _bounded(query, "offset", 0, 0, 2**31 - 1)
    roles = list(clerk.objects("roles").values())
    text = query.get("query", "").lower()
    if text:
        roles = [
            r for r in roles if r["id"] == query["query"] or text in r["name"].lower() or text in r["key"]
        ]
    roles.sort(key=lambda r: r[field], reverse=order.startswith("-"))
    return {"data": [dict(r) for r in roles[offset : offset + limit]], "total_count": len(roles)}
