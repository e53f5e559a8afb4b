"""Cross-stack restore: a backup's desired state rewritten for another environment.

A mapping file says how values differ between two stacks (URLs, deployment names, name prefixes), which
sections don't carry over, and nothing else: the target keeps its own scope, config, secrets and URNs
(and its Clerk instance's primary domain: the source's is never declared on the target), and `secure:`
values are never copied across stacks (a document holds only references to them).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from backstop.plugin.model.common import Strict
from backstop.plugin.model.errors import DesiredStateError, Problem

PATH = re.compile(r"^[a-z_]+(\.[a-z_]+|\[\*\])*$")
PROTECTED = ("version", "stack", "scope")


class Mapping(Strict):
    source: str
    """The stack whose backup is restored."""
    target: str
    replace: dict[str, str] = Field(default_factory=dict)
    """Substring replacements in every string value (object keys excepted), applied in file order."""
    set: dict[str, Any] = Field(default_factory=dict)
    """Values by path (`vapi.assistants[*].name`); in a string, `{value}` stands for the mapped old value."""
    drop: list[str] = Field(default_factory=list)
    """Top-level sections that do not carry over (the target does not own them)."""

    @field_validator("set")
    @classmethod
    def _paths(cls, paths: dict[str, Any]) -> dict[str, Any]:
        for path in paths:
            if not PATH.match(path) or path.split(".")[0].split("[")[0] in PROTECTED:
                raise ValueError(
                    f"{path!r} is not a path into a vendor section (like vapi.assistants[*].name)"
                )
        return paths

    @field_validator("drop")
    @classmethod
    def _sections(cls, sections: list[str]) -> list[str]:
        for section in sections:
            if section in PROTECTED or not re.match(r"^[a-z_]+$", section):
                raise ValueError(f"{section!r} is not a vendor section")
        return sections


def load_mapping(path: Path) -> Mapping:
    try:
        tree = YAML(typ="safe").load(path.read_text())
    except OSError as exc:
        raise DesiredStateError([Problem(str(path), "", f"cannot read the file: {exc.strerror}")]) from None
    except MarkedYAMLError as exc:
        raise DesiredStateError([Problem(str(path), "", f"YAML syntax error: {exc.problem}")]) from None
    try:
        return Mapping.model_validate(tree)
    except ValidationError as exc:
        raise DesiredStateError(
            [
                Problem(
                    str(path),
                    ".".join(str(p) for p in e["loc"]),
                    "unknown field"
                    if e["type"] == "extra_forbidden"
                    else str(e["msg"]).removeprefix("Value error, "),
                )
                for e in exc.errors()
            ]
        ) from None


def apply(mapping: Mapping, document: dict[str, Any]) -> dict[str, Any]:
    mapped = {
        name: _replace(value, mapping.replace) if name not in PROTECTED else copy.deepcopy(value)
        for name, value in document.items()
        if name not in mapping.drop
    }
    for path, value in mapping.set.items():
        _set(mapped, _steps(path), value)
    clerk = mapped.get("clerk")
    if isinstance(clerk, dict) and isinstance(clerk.get("domains"), list):
        # A primary domain is its instance's own, as the scope is: the target's document keeps its own.
        clerk["domains"] = [d for d in clerk["domains"] if not (isinstance(d, dict) and d.get("primary"))]
    return mapped


def _replace(value: Any, rules: dict[str, str]) -> Any:
    if isinstance(value, str):
        for old, new in rules.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        return {k: v if k == "key" else _replace(v, rules) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, rules) for v in value]
    return value


def _steps(path: str) -> list[str]:
    return [step for step in re.split(r"\.|(?=\[\*\])", path) if step]


def _set(node: Any, steps: list[str], value: Any) -> None:
    step, rest = steps[0], steps[1:]
    if step == "[*]":
        if isinstance(node, list) and rest:
            for item in node:
                _set(item, rest, value)
        return
    if not isinstance(node, dict) or step not in node:
        return
    if not rest:
        node[step] = _render(value, node[step])
    else:
        _set(node[step], rest, value)


def _render(value: Any, old: Any) -> Any:
    return value.replace("{value}", str(old)) if isinstance(value, str) else value
