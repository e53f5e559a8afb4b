"""Decoding of Stripe's form encoding: `a[b]=v`, indexed arrays `a[0]=v`, `""` meaning unset."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")


class FormError(ValueError):
    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


def decode(body: str) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for raw_key, value in parse_qsl(body, keep_blank_values=True):
        match = _KEY.match(raw_key)
        if not match:
            raise FormError(raw_key, f"Invalid parameter name: {raw_key}")
        path: list[str] = [match.group(1), *_PART.findall(match.group(2))]
        _insert(root, path, value, raw_key)
    return _lists(root)


def _insert(node: dict[str, Any], path: list[str], value: str, raw_key: str) -> None:
    head, rest = path[0], path[1:]
    if head == "":
        head = str(len(node))
    if not rest:
        node[head] = value
        return
    child = node.get(head)
    if child is None or isinstance(child, str):
        if isinstance(child, str) and child != "":
            raise FormError(raw_key, f"Invalid parameter: {raw_key} mixes a value and an object")
        child = {}
        node[head] = child
    _insert(child, rest, value, raw_key)


def _lists(node: dict[str, Any]) -> dict[str, Any]:
    """Turn every dict whose keys are 0..n-1 into a list."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        if isinstance(value, dict):
            value = _lists(value)
            if value and all(k.isdigit() for k in value):
                indices = sorted(value, key=int)
                if [int(i) for i in indices] != list(range(len(indices))):
                    raise FormError(key, f"Invalid array: {key} has indices {indices}")
                value = [value[i] for i in indices]
        out[key] = value
    return out


def parse_bool(param: str, value: Any) -> bool:
    if value in ("true", True):
        return True
    if value in ("false", False):
        return False
    raise FormError(param, f"Invalid boolean: {value}")
