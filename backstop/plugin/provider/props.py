"""Between Pulumi property maps and plain Python values (numbers are floats on the wire)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime.rpc import UNKNOWN

PropertyMap = dict[str, PropertyValue]
_PLAIN = frozenset({str, bool, type(None)})


def is_unknown(value: PropertyValue | None) -> bool:
    """True when the value, or anything inside it, is not known yet (a preview with pending outputs)."""
    if value is None:
        return False
    inner = value.value
    if type(inner) in _PLAIN:  # most values: checked by type, not through the ABCs below
        return inner == UNKNOWN
    if isinstance(inner, Computed) or inner == UNKNOWN:
        return True
    if isinstance(inner, Mapping):
        return any(is_unknown(v) for v in inner.values())
    if isinstance(inner, tuple):
        return any(is_unknown(v) for v in inner)
    return False


def to_plain(value: PropertyValue) -> Any:
    inner = value.value
    if type(inner) in _PLAIN:
        return inner
    if isinstance(inner, Mapping):
        return {k: to_plain(v) for k, v in inner.items()}
    if isinstance(inner, tuple):
        return [to_plain(v) for v in inner]
    if isinstance(inner, float) and inner.is_integer():
        return int(inner)
    return inner


def plain_map(props: Mapping[str, PropertyValue]) -> dict[str, Any]:
    return {k: to_plain(v) for k, v in props.items() if not is_unknown(v)}


def from_plain(value: Any, secret: bool = False) -> PropertyValue:
    if isinstance(value, PropertyValue):
        return value
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return PropertyValue(value, is_secret=secret)
    if isinstance(value, int | float):
        return PropertyValue(float(value), is_secret=secret)
    if isinstance(value, Mapping):
        return PropertyValue({k: from_plain(v) for k, v in value.items()}, is_secret=secret)
    if isinstance(value, list | tuple):
        return PropertyValue([from_plain(v) for v in value], is_secret=secret)
    raise TypeError(f"cannot express {type(value).__name__} as a Pulumi property")


def property_map(values: Mapping[str, Any], secrets: frozenset[str] = frozenset()) -> PropertyMap:
    return {k: from_plain(v, secret=k in secrets) for k, v in values.items()}
