"""A Convex deployment's environment variables, as the desired-state document's `convex` section.

Convex returns every value to an admin key. Values that look like credentials go to `secure:` stack
config (`convex-<key>`, or the `convex-…` key the current document names), never into the document;
the rest are inline. A variable the current document wires to a webhook endpoint's signing secret or to
an object's id (`value_from: {output: …}` or `{stack_output: …}`) keeps that wiring: its value is the
endpoint's secret or the object's id, which the next `up` writes whenever the object is recreated. A value
that is the live id of a Vapi object captured into the same document is captured as following it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from backstop.plugin.clients.convex_client import ConvexApi
from backstop.plugin.model.vercel import looks_secret
from backstop.runbook.capture.stripe import key_of


@dataclass
class Captured:
    section: dict[str, Any]
    secrets: dict[str, str] = field(default_factory=dict)
    """Config key (in the program's namespace) → value, to store encrypted with the stack's config."""


async def capture(
    api: ConvexApi,
    current: dict[str, Any],
    rewire: Callable[[str], str | None] = lambda path: None,
    followable: Mapping[str, str] | None = None,
) -> Captured:
    """`current`: the current document's `convex` section (for its keys and wiring). `rewire` maps an
    output path of the current document to the same object's path in the captured one (None when the
    captured document doesn't declare it: the variable is then captured by its value). `followable`: live
    id → output path, of the objects the captured document declares."""
    follows = dict(followable or {})
    previous = {entry.get("name"): entry for entry in current.get("env") or [] if isinstance(entry, dict)}
    result = Captured({"env": []})
    taken: set[str] = set()
    for name, value in sorted((await api.variables()).items()):
        old = previous.get(name) or {}
        key = old.get("key") if isinstance(old.get("key"), str) and old["key"] not in taken else None
        key = key or _free(key_of(name), taken)
        taken.add(key)
        entry: dict[str, Any] = {"key": key, "name": name}
        raw = old.get("value_from")
        wiring: dict[str, Any] = raw if isinstance(raw, dict) else {}
        output = rewire(str(wiring["output"])) if wiring.get("output") else None
        if output is not None:
            entry["value_from"] = {"output": output}
        elif wiring.get("stack_output"):
            entry["value_from"] = wiring
        elif looks_secret(name) or str(wiring.get("output") or "").endswith(".secret"):
            # A followed signing secret whose endpoint isn't captured is still a secret, whatever its name.
            # A config key another section may share (Vercel's) is never overwritten with this value.
            own = str(wiring.get("secret") or "")
            config_key = own if own.startswith("convex-") else f"convex-{key}"
            entry["value_from"] = {"secret": config_key}
            result.secrets[config_key] = value
        elif value in follows:
            entry["value_from"] = {"output": follows[value]}
        else:
            entry["value"] = value
        result.section["env"].append(entry)
    return result


def _free(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base[:60]}-{n}"
        n += 1
    return candidate
