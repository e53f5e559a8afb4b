"""Organization settings and the organization roles they name: written with role *ids*, read with role
*keys*."""

from __future__ import annotations

from sandbox.clerk.errors import (
    ClerkError,
    combine,
    error,
    form_invalid,
    form_value_not_allowed,
    not_found,
)
from sandbox.clerk.models import Json, read_bool, read_int, read_str, read_str_list, reject_unknown
from sandbox.clerk.state import ClerkInstance

_MAX_INT32 = 2**31 - 1

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
