"""Validation and the type/visibility rule shared by both env var resources (terraform-provider-vercel's
schema validators, in the Pulumi property names)."""

from __future__ import annotations

from typing import Any

from sandbox.vercel_plugin.props import Unknown

TARGETS = ("production", "preview", "development")
VISIBILITIES = ("config", "secret")
MAX_COMMENT = 1000
Failure = tuple[str, str]
"""(property path, reason)"""

_TYPES: dict[str, tuple[type, ...]] = {"string": (str,), "boolean": (bool,), "integer": (int,)}


def known(value: Any) -> bool:
    return not isinstance(value, Unknown)


def type_failures(values: dict[str, Any], kinds: dict[str, str], prefix: str = "") -> list[Failure]:
    """Wrong JSON types, for the properties declared in `kinds` (string, boolean, integer, array)."""
    out: list[Failure] = []
    for name, kind in kinds.items():
        value = values.get(name)
        if value is None or not known(value):
            continue
        if kind == "array":
            if not isinstance(value, list) or not all(isinstance(v, str | Unknown) for v in value):
                out.append((prefix + name, "expected a list of strings"))
        elif not isinstance(value, _TYPES[kind]) or (kind == "integer" and isinstance(value, bool)):
            out.append((prefix + name, f"expected a {kind}, got {type(value).__name__}"))
    return out


def required_failures(values: dict[str, Any], names: tuple[str, ...], prefix: str = "") -> list[Failure]:
    return [(prefix + n, f"Missing required property '{n}'") for n in names if values.get(n) is None]


def target_failures(values: dict[str, Any], prefix: str = "") -> list[Failure]:
    out: list[Failure] = []
    targets = values.get("targets")
    if isinstance(targets, list):
        for index, target in enumerate(targets):
            if isinstance(target, str) and target not in TARGETS:
                allowed = " ".join(f'"{t}"' for t in TARGETS)
                out.append(
                    (f"{prefix}targets[{index}]", f'value must be one of: [{allowed}], got: "{target}"')
                )
    custom = values.get("customEnvironmentIds")
    if isinstance(custom, list) and not custom:
        out.append((f"{prefix}customEnvironmentIds", "set must contain at least 1 elements, got: 0"))
    if targets is None and custom is None:
        out.append(
            (
                f"{prefix}targets",
                "At least one attribute out of [customEnvironmentIds,targets] must be specified",
            )
        )
    return out


def comment_failures(values: dict[str, Any], prefix: str = "") -> list[Failure]:
    comment = values.get("comment")
    if isinstance(comment, str) and len(comment) > MAX_COMMENT:
        return [
            (
                f"{prefix}comment",
                f"string length must be between 0 and {MAX_COMMENT}, got: {len(comment)}",
            )
        ]
    return []


def visibility_failures(values: dict[str, Any], prefix: str = "") -> list[Failure]:
    visibility = values.get("visibility")
    if visibility is None or not known(visibility):
        return []
    if visibility not in VISIBILITIES:
        return [(f"{prefix}visibility", f'value must be one of: ["config" "secret"], got: "{visibility}"')]
    try:
        type_and_visibility(values.get("sensitive"), visibility)
    except ValueError as exc:
        return [(f"{prefix}visibility", str(exc))]
    return []


def type_and_visibility(sensitive: Any, visibility: Any) -> tuple[str, str | None]:
    """The `type` to send, and the `visibility` to send (None: not sent). Only `false` makes a var
    non-sensitive; an unset or unknown `sensitive` counts as sensitive."""
    explicitly_plain = sensitive is False
    if isinstance(visibility, str) and visibility in VISIBILITIES:
        if visibility == "secret":
            if explicitly_plain:
                raise ValueError("`visibility` must be `config` when `sensitive` is false.")
            return "sensitive", visibility
        if sensitive is True:
            raise ValueError("`visibility` must be `secret` when `sensitive` is true.")
        return "encrypted", visibility
    return ("encrypted" if explicitly_plain else "sensitive"), None


def visibility_from_response(env_type: str, api_visibility: Any) -> str | None:
    if isinstance(api_visibility, str) and api_visibility:
        return api_visibility
    return "secret" if env_type == "sensitive" else None


def same_set(a: Any, b: Any) -> bool:
    return sorted(a or []) == sorted(b or [])
