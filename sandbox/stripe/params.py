"""Validation of Stripe request parameters shared by every object family."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from sandbox.stripe.errors import StripeError, invalid, unknown_parameter
from sandbox.stripe.forms import FormError, parse_bool

_DATA = Path(__file__).parent / "data"
CURRENCIES = frozenset(json.loads((_DATA / "currencies.json").read_text())["currencies"])
"""Stripe's supported presentment currencies (docs.stripe.com/currencies)."""
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


def check_string(param: str, value: Any, max_length: int = 5000) -> str | None:
    """A string parameter; `""` unsets it (None)."""
    if not isinstance(value, str):
        raise invalid(param, f"Invalid string: {param}")
    if len(value) > max_length:
        raise invalid(param, f"Invalid string: {param} must be at most {max_length} characters")
    return value or None


def check_description(value: Any) -> str | None:
    return check_string("description", value)


def check_int(param: str, value: Any, minimum: int | None = None, maximum: int | None = None) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise StripeError(
            400, f"Invalid integer: {value}", code="parameter_invalid_integer", param=param
        ) from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise StripeError(
            400, f"Invalid integer: {param} is out of range", code="parameter_invalid_integer", param=param
        )
    return number


def check_enum(param: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise invalid(param, f"Invalid {param}: must be one of {', '.join(allowed)}")
    return str(value)


def check_bool(param: str, value: Any) -> bool:
    try:
        return parse_bool(param, value)
    except FormError:
        raise StripeError(
            400, f"Invalid boolean: {value}", code="parameter_invalid_boolean", param=param
        ) from None


def check_currency(param: str, value: Any) -> str:
    if not isinstance(value, str) or value.lower() not in CURRENCIES:
        raise invalid(param, f"Invalid currency: {value}. Stripe currently supports these currencies: ...")
    return value.lower()


def check_string_list(param: str, value: Any, max_items: int) -> list[str]:
    if value == "":
        return []
    if not isinstance(value, list) or len(value) > max_items or not all(isinstance(v, str) for v in value):
        raise invalid(param, f"Invalid array: {param} takes at most {max_items} strings")
    return list(value)


def check_expand(params: dict[str, Any], allowed: set[str]) -> set[str]:
    value = params.get("expand", [])
    if not isinstance(value, list):
        raise invalid("expand", "Invalid array: expand")
    for i, path in enumerate(value):
        if path not in allowed:
            raise invalid(f"expand[{i}]", f"This property cannot be expanded ({path}).")
    return set(value)


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
