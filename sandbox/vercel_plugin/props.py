"""Between the engine's property maps and plain Python values (numbers travel as floats)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime.rpc import UNKNOWN as UNKNOWN_WIRE

PropertyMap = dict[str, PropertyValue]


class Unknown:
    """A value the engine does not know yet (a preview with pending outputs)."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN: Final = Unknown()


def _plain(value: PropertyValue) -> Any:
    inner = value.value
    if isinstance(inner, Computed) or inner == UNKNOWN_WIRE:
        return UNKNOWN
    if isinstance(inner, Mapping):
        return {k: _plain(v) for k, v in inner.items()}
    if isinstance(inner, tuple):
        return [_plain(v) for v in inner]
    if isinstance(inner, float) and inner.is_integer():
        return int(inner)
    return inner


def plain_map(props: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """Plain values by property name; a missing property and an explicit null both read as absent."""
    return {k: _plain(v) for k, v in props.items() if v.value is not None}


def has_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    return False


def _is_secret(value: PropertyValue) -> bool:
    if value.is_secret:
        return True
    inner = value.value
    if isinstance(inner, Mapping):
        return any(_is_secret(v) for v in inner.values())
    if isinstance(inner, tuple):
        return any(_is_secret(v) for v in inner)
    return False


def secret_names(props: Mapping[str, PropertyValue]) -> frozenset[str]:
    """The properties that are secret, or hold a secret anywhere inside."""
    return frozenset(k for k, v in props.items() if _is_secret(v))


def to_wire(value: Any, secret: bool = False) -> PropertyValue:
    if isinstance(value, Unknown):
        # The SDK can't marshal PropertyValue.computed(); the wire sentinel is what the engine reads.
        return PropertyValue(UNKNOWN_WIRE, is_secret=secret)
    if value is None or isinstance(value, bool | str):
        return PropertyValue(value, is_secret=secret)
    if isinstance(value, int | float):
        return PropertyValue(float(value), is_secret=secret)
    if isinstance(value, Mapping):
        return PropertyValue({k: to_wire(v) for k, v in value.items()}, is_secret=secret)
    if isinstance(value, list | tuple):
        return PropertyValue([to_wire(v) for v in value], is_secret=secret)
    raise TypeError(f"cannot express {type(value).__name__} as a Pulumi property")


def wire_map(values: Mapping[str, Any], secrets: Iterable[str] = ()) -> PropertyMap:
    secret = frozenset(secrets)
    return {k: to_wire(v, k in secret and v is not None) for k, v in values.items()}


def mark_secret(props: Mapping[str, PropertyValue], names: Iterable[str]) -> PropertyMap:
    """The same map with the named properties wrapped as secrets (as the schema's `secret: true` does)."""
    wanted = frozenset(names)
    return {
        k: PropertyValue(v.value, is_secret=True, dependencies=v.dependencies) if k in wanted else v
        for k, v in props.items()
    }
