"""Validation of Svix endpoint bodies, and the endpoint's representation.

The rules follow the Svix server (`v1/endpoints/endpoint/mod.rs`): unknown fields are ignored,
`filterTypes` is accepted as an alias of `eventTypes`, and responses carry both (plus the deprecated
`rateLimit` and `version`).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from sandbox.svix.errors import SvixValidationError, invalid

Json = dict[str, Any]
_NAME = re.compile(r"^[a-zA-Z0-9\-_.]+$")
_CHANNEL = re.compile(r"^[a-zA-Z0-9\-_.:+]+$")
SECRET = re.compile(r"^(whsec_|whsk_|whsk1_|whpk_|whpk1_)?[a-zA-Z0-9+/=]{32,100}$")
ENDPOINT_ID = re.compile(r"^ep_[A-Za-z0-9]{27}$")
CLERK_EVENT_TYPES = frozenset(
    """
    user.created user.updated user.deleted email.created sms.created
    session.created session.ended session.removed session.revoked
    organization.created organization.updated organization.deleted
    organizationDomain.created organizationDomain.updated organizationDomain.deleted
    organizationMembership.created organizationMembership.updated organizationMembership.deleted
    organizationInvitation.accepted organizationInvitation.created organizationInvitation.revoked
    role.created role.updated role.deleted permission.created permission.updated permission.deleted
    waitlistEntry.created waitlistEntry.updated paymentAttempt.created paymentAttempt.updated
    subscription.created subscription.updated subscription.active subscription.past_due
    subscriptionItem.created subscriptionItem.updated subscriptionItem.active subscriptionItem.canceled
    subscriptionItem.upcoming subscriptionItem.ended subscriptionItem.abandoned subscriptionItem.incomplete
    subscriptionItem.past_due
    """.split()
)
"""The event types of a Clerk instance's Svix application (`WebhookEventType` in @clerk/backend)."""
PUBLIC_FIELDS = (
    "id",
    "description",
    "rateLimit",
    "throttleRate",
    "uid",
    "url",
    "version",
    "disabled",
    "eventTypes",
    "filterTypes",
    "channels",
    "createdAt",
    "updatedAt",
    "metadata",
)


def decode_error(field: str, msg: str) -> SvixValidationError:
    """What Svix answers when the body does not deserialize (wrong type, bad URL, bad JSON)."""
    return invalid(["body", field] if field else ["body"], msg, "value_error.jsondecode")


def parse_body(raw: bytes, struct: str) -> Json:
    try:
        data = json.loads(raw) if raw.strip() else None
    except ValueError as exc:
        raise decode_error("", f"{exc}") from None
    if not isinstance(data, dict):
        raise decode_error("", f"invalid type: expected struct {struct}")
    return data


def _type_error(field: str, expected: str) -> SvixValidationError:
    return decode_error(field, f"invalid type: expected {expected}")


def check_url(value: Any, field: str = "url") -> str:
    if not isinstance(value, str):
        raise _type_error(field, "a string")
    parts = urlsplit(value)
    if not parts.scheme or not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*$", parts.scheme):
        raise decode_error(field, "relative URL without a base")
    if parts.scheme not in ("http", "https"):
        raise invalid(["body", field], "Endpoint URL schemes must be http or https")
    if not parts.hostname or any(c.isspace() for c in value) or len(value) > 65536:
        raise decode_error(field, "empty host" if not parts.hostname else "invalid URL")
    return value


def check_description(value: Any) -> str:
    if not isinstance(value, str):
        raise _type_error("description", "a string")
    if any(ord(c) < 32 and c not in "\t" for c in value):
        raise invalid(["body", "description"], "Control characters are not allowed")
    return value


def check_rate(field: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
        raise _type_error(field, "u16")
    if value < 1:
        raise invalid(["body", field], "Endpoint throttle rate must be at least one if set")
    return value


def check_uid(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _type_error("uid", "a string")
    if not value:
        raise invalid(["body", "uid"], "String must be at least one character")
    if len(value) > 256:
        raise invalid(["body", "uid"], "String too long")
    if not _NAME.match(value):
        raise invalid(["body", "uid"], "String must match the following pattern: [a-zA-Z0-9\\-_.].")
    if value.startswith("ep_"):
        raise invalid(
            ["body", "uid"], "Uids are not allowed to have the same prefix as the ID. Prefix with _?"
        )
    return value


def check_event_types(field: str, value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _type_error(field, "a sequence of strings")
    if not value:
        raise invalid(["body", field], "eventTypes can't be empty, it must have at least one item.")
    for name in value:
        if not _NAME.match(name) or len(name) > 256:
            raise invalid(["body", field], "String must match the following pattern: [a-zA-Z0-9\\-_.].")
    missing = [name for name in dict.fromkeys(value) if name not in CLERK_EVENT_TYPES]
    if missing:
        raise invalid(["body", "eventTypes"], f"The following event types don't exist: {', '.join(missing)}")
    return list(dict.fromkeys(value))


def check_channels(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _type_error("channels", "a sequence of strings")
    channels = list(dict.fromkeys(value))
    if not 1 <= len(channels) <= 10:
        raise invalid(
            ["body", "channels"], "Channels must have at least 1 and at most 10 items, or be set to null."
        )
    if any(not _CHANNEL.match(c) or len(c) > 128 for c in channels):
        raise invalid(["body", "channels"], "String must match the following pattern: [a-zA-Z0-9\\-_.:+].")
    return channels


def check_secret(field: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _type_error(field, "a string")
    if not SECRET.match(value):
        raise invalid(
            ["body", field],
            "Secrets must be 24 bytes or more, base64 encoded, optionally prefixed with whsec_",
        )
    return value


def check_string_map(field: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _type_error(field, "a map of strings")
    return dict(value)


def check_bool(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _type_error(field, "a boolean")
    return value


def _event_types(body: Json) -> tuple[bool, list[str] | None]:
    """Whether the body sets the endpoint's event types, and to what (`filterTypes` is an alias)."""
    if "eventTypes" in body and "filterTypes" in body:
        raise decode_error("", "duplicate field `eventTypes`")
    field = "filterTypes" if "filterTypes" in body else "eventTypes"
    return field in body, check_event_types(field, body.get(field))


def _throttle(body: Json) -> int | None:
    throttle = check_rate("throttleRate", body.get("throttleRate"))
    return throttle if throttle is not None else check_rate("rateLimit", body.get("rateLimit"))


def _version(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
        raise _type_error("version", "u16")
    if value < 1:
        raise invalid(["body", "version"], "Endpoint versions must be at least one if set")
    return value


def endpoint_in(body: Json, *, with_secret: bool) -> Json:
    """The fields of a created (POST) or replaced (PUT) endpoint; PUT has no secret or headers."""
    if "url" not in body:
        raise decode_error("", "missing field `url`")
    fields: Json = {
        "url": check_url(body["url"]),
        "description": check_description(body.get("description", "")),
        "throttleRate": _throttle(body),
        "uid": check_uid(body.get("uid")),
        "version": _version(body["version"]) if body.get("version") is not None else 1,
        "disabled": check_bool("disabled", body.get("disabled", False)),
        "eventTypes": _event_types(body)[1],
        "channels": check_channels(body.get("channels")),
        "metadata": check_string_map("metadata", body.get("metadata", {})),
    }
    if with_secret:
        fields["secret"] = check_secret("secret", body.get("secret"))
        headers = body.get("headers")
        fields["headers"] = check_string_map("headers", headers) if headers is not None else None
    return fields


def endpoint_patch(body: Json) -> Json:
    """Only the fields the body names; `null` clears the nullable ones."""
    fields: Json = {}
    non_nullable = {
        "url": check_url,
        "description": check_description,
        "disabled": lambda v: check_bool("disabled", v),
        "metadata": lambda v: check_string_map("metadata", v),
        "version": _version,
    }
    for name, check in non_nullable.items():
        if name in body:
            if body[name] is None:
                raise _type_error(name, "a value")
            fields[name] = check(body[name])
    if "throttleRate" in body or "rateLimit" in body:
        fields["throttleRate"] = _throttle(body)
    if "uid" in body:
        fields["uid"] = check_uid(body["uid"])
    given, event_types = _event_types(body)
    if given:
        fields["eventTypes"] = event_types
    if "channels" in body:
        fields["channels"] = check_channels(body["channels"])
    return fields


def public(stored: Json) -> Json:
    return {name: stored[name] for name in PUBLIC_FIELDS}


def store_fields(endpoint: Json, fields: Json) -> None:
    """Writes validated fields into a stored endpoint, keeping the deprecated aliases in step."""
    for name, value in fields.items():
        endpoint[name] = value
    endpoint["rateLimit"] = endpoint["throttleRate"]
    endpoint["filterTypes"] = endpoint["eventTypes"]
