"""Convex's JSON encoding of values sent to clients (`convexToJson`): int64 as {"$integer": base64 of
8 little-endian bytes}; floats stay numbers. System rows keep their int64 fields as Python ints."""

from __future__ import annotations

import base64
from typing import Any


def int64(value: int) -> dict[str, str]:
    return {"$integer": base64.b64encode(value.to_bytes(8, "little", signed=True)).decode()}


def u64(value: int) -> str:
    """The sync protocol's timestamps (EncodedU64): base64 of 8 little-endian bytes."""
    return base64.b64encode(value.to_bytes(8, "little", signed=False)).decode()


def to_json(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, float | str):
        return value
    if isinstance(value, int):
        return int64(value)
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    raise TypeError(f"not a Convex value: {type(value).__name__}")
