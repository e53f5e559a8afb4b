"""Reading Clerk request bodies and queries field by field, with Clerk's errors; list envelopes."""

from __future__ import annotations

import json
from typing import Any

from sandbox.clerk.errors import combine, form_type_invalid, form_unknown, request_body_invalid

Json = dict[str, Any]


def parse_body(raw: bytes) -> Json:
    """The JSON object of a request; an empty body is an empty object."""
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise request_body_invalid() from None
    if not isinstance(data, dict):
        raise request_body_invalid()
    return data


def reject_unknown(body: Json, allowed: set[str]) -> None:
    unknown = [form_unknown(name) for name in body if name not in allowed]
    if unknown:
        raise combine(unknown)


def read_bool(body: Json, name: str) -> bool | None:
    """The field's value; None when it is absent or null."""
    value = body.get(name)
    if value is not None and not isinstance(value, bool):
        raise form_type_invalid(name, "boolean")
    return value


def read_str(body: Json, name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise form_type_invalid(name, "string")
    return value


def read_int(body: Json, name: str) -> int | None:
    value = body.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise form_type_invalid(name, "integer")
    return value


def read_str_list(body: Json, name: str) -> list[str] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise form_type_invalid(name, "array of strings")
    return list(value)


def read_object(body: Json, name: str) -> Json | None:
    value = body.get(name)
    if value is not None and not isinstance(value, dict):
        raise form_type_invalid(name, "object")
    return value


def listing(items: list[Json], query: dict[str, str]) -> Any:
    """A bare array, or `{data, total_count}` with `paginated=true`.

    Clerk's own list services ignore `limit` and `offset` here ("Does not support actual pagination"):
    both forms carry every item.
    """
    if query.get("paginated") == "true":
        return {"data": items, "total_count": len(items)}
    return items
