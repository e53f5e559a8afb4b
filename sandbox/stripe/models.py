"""Validation of Stripe request parameters and the shape of the objects Stripe returns."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from sandbox.stripe.errors import StripeError, invalid, required, unknown_parameter
from sandbox.stripe.forms import parse_bool

_DATA = Path(__file__).parent / "data"
_API_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$")


@cache
def webhook_enums() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((_DATA / "webhook_endpoint_enums.json").read_text())
    return data


def reject_unknown(params: dict[str, Any], allowed: set[str]) -> None:
    for name in params:
        if name not in allowed:
            raise unknown_parameter(name)


def check_url(value: Any, livemode: bool) -> str:
    if not isinstance(value, str) or not value:
        raise invalid("url", "Invalid URL: URL must be a non-empty string.")
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise invalid("url", f"Invalid URL: {value}")
    if livemode and parsed.scheme != "https":
        raise invalid("url", "Invalid URL: URLs in live mode must use HTTPS.")
    return value


def check_events(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise invalid("enabled_events", "Invalid array: enabled_events must be a non-empty array.")
    allowed = set(webhook_enums()["enabled_events"])
    for i, event in enumerate(value):
        if not isinstance(event, str) or event not in allowed:
            raise StripeError(
                400,
                f"Invalid enabled_events[{i}]: must be one of the documented event types, got {event!r}",
                code="parameter_invalid_string",
                param=f"enabled_events[{i}]",
            )
    return list(value)


def check_api_version(value: Any) -> str:
    """The spec's enum, plus dated versions newer than it (the spec predates the current SDK)."""
    versions: list[str] = webhook_enums()["api_versions"]
    if isinstance(value, str) and (
        value in versions or (_API_VERSION.match(value) and value[:10] > versions[-1][:10])
    ):
        return value
    raise invalid("api_version", f"Invalid api_version: {value}")


def check_description(value: Any) -> str | None:
    if not isinstance(value, str):
        raise invalid("description", "Invalid string: description")
    if len(value) > 5000:
        raise invalid("description", "Invalid string: description must be at most 5000 characters")
    return value or None


def apply_metadata(current: dict[str, str], value: Any) -> dict[str, str]:
    """Stripe merges metadata on update; `metadata=` clears it and `metadata[k]=` drops one key."""
    if value == "":
        return {}
    if not isinstance(value, dict):
        raise invalid("metadata", "Invalid hash: metadata")
    merged = dict(current)
    for key, item in value.items():
        if not isinstance(item, str):
            raise invalid(f"metadata[{key}]", "Invalid string: metadata values must be strings")
        if len(key) > 40 or "[" in key or "]" in key:
            raise invalid(f"metadata[{key}]", "Metadata keys must be at most 40 characters without brackets.")
        if len(item) > 500:
            raise invalid(f"metadata[{key}]", "Metadata values must be at most 500 characters.")
        if item == "":
            merged.pop(key, None)
        else:
            merged[key] = item
    if len(merged) > 50:
        raise invalid("metadata", "Metadata can have at most 50 keys.")
    return merged


WEBHOOK_CREATE = {"api_version", "connect", "description", "enabled_events", "expand", "metadata", "url"}
WEBHOOK_UPDATE = {"description", "disabled", "enabled_events", "expand", "metadata", "url"}


def new_webhook_endpoint(
    params: dict[str, Any], *, object_id: str, secret: str, created: int, livemode: bool
) -> dict[str, Any]:
    reject_unknown(params, WEBHOOK_CREATE)
    if "url" not in params:
        raise required("url")
    if "enabled_events" not in params:
        raise required("enabled_events")
    return {
        "id": object_id,
        "object": "webhook_endpoint",
        "api_version": check_api_version(params["api_version"]) if "api_version" in params else None,
        "application": None,
        "created": created,
        "description": check_description(params["description"]) if "description" in params else None,
        "enabled_events": check_events(params["enabled_events"]),
        "livemode": livemode,
        "metadata": apply_metadata({}, params.get("metadata", {})),
        "secret": secret,
        "status": "enabled",
        "url": check_url(params["url"], livemode),
        "connect": parse_bool("connect", params.get("connect", "false")),
    }


def update_webhook_endpoint(current: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    reject_unknown(params, WEBHOOK_UPDATE)
    updated = dict(current)
    if "url" in params:
        updated["url"] = check_url(params["url"], current["livemode"])
    if "enabled_events" in params:
        updated["enabled_events"] = check_events(params["enabled_events"])
    if "description" in params:
        updated["description"] = check_description(params["description"])
    if "disabled" in params:
        updated["status"] = "disabled" if parse_bool("disabled", params["disabled"]) else "enabled"
    if "metadata" in params:
        updated["metadata"] = apply_metadata(current["metadata"], params["metadata"])
    return updated


def public_webhook_endpoint(stored: dict[str, Any], *, with_secret: bool = False) -> dict[str, Any]:
    """Stripe returns the signing secret in the create response only, and never `connect`."""
    out = {k: v for k, v in stored.items() if k not in ("secret", "connect")}
    if with_secret:
        out["secret"] = stored["secret"]
    return out
