"""The document a restore applies: the backup's objects as it declared them, plus what came later.

Objects are matched by `key` in every keyed list, at any depth (a product's prices too). With `exact`,
the backup's document alone is applied, so later objects are archived or removed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

Document = dict[str, Any]
OWN_FIELDS = ("version", "stack", "scope")
"""Always the current document's: the target keeps its own identity and scope."""
OPERATIONAL = (("vercel", "redeploy_hook"),)
"""How Backstop operates rather than what is live: always the current document's, `--exact` included."""
CURRENT_ONLY = ("checks", "verify", "targets")
"""Top-level sections that are not live configuration (smoke and data checks, recovery targets): the
current document's or none."""


@dataclass
class Merge:
    document: Document
    newer: list[str] = field(default_factory=list)
    """Objects declared now but absent from the backup, kept as they are ("path/key")."""


def merge(backup: Document, current: Document, exact: bool = False) -> Merge:
    result = Merge(copy.deepcopy(backup))
    for name in OWN_FIELDS:
        if name in current:
            result.document[name] = copy.deepcopy(current[name])
    if not exact:
        _union(result.document, current, "", result.newer)
    for name in CURRENT_ONLY:
        result.document.pop(name, None)
        if name in current:
            result.document[name] = copy.deepcopy(current[name])
    for section, name in OPERATIONAL:
        here, there = current.get(section), result.document.get(section)
        if isinstance(there, dict):
            there.pop(name, None)
            if isinstance(here, dict) and name in here:
                there[name] = copy.deepcopy(here[name])
    return result


def _keyed(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) and "key" in i for i in value)


def _union(into: dict[str, Any], current: dict[str, Any], path: str, newer: list[str]) -> None:
    for name, value in current.items():
        where = f"{path}.{name}" if path else name
        if name in OWN_FIELDS + CURRENT_ONLY and not path:
            continue
        if name not in into:
            if isinstance(value, dict) or _keyed(value):
                into[name] = copy.deepcopy(value)
                newer.extend(_keys(value, where))
            continue
        if isinstance(value, dict) and isinstance(into[name], dict):
            _union(into[name], value, where, newer)
        elif _keyed(value) and (_keyed(into[name]) or into[name] == []):
            have = {item["key"]: item for item in into[name]}
            for item in value:
                if item["key"] in have:
                    _union(have[item["key"]], item, f"{where}/{item['key']}", newer)
                else:
                    into[name].append(copy.deepcopy(item))
                    newer.append(f"{where}/{item['key']}")


def _keys(value: Any, where: str) -> list[str]:
    if _keyed(value):
        return [f"{where}/{item['key']}" for item in value]
    if isinstance(value, dict):
        return [k for name, v in value.items() for k in _keys(v, f"{where}.{name}")]
    return []
