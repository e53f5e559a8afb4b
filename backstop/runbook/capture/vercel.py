"""The Vercel variables of the projects a stack owns, as the desired-state document's `vercel` section.

Readable values that look like credentials go to `secure:` stack config, never into the document;
sensitive values can't be read at all, so the document names a config key that the user fills in. A
readable value that is the live id of an object captured into the same document (a Vapi squad or
assistant) is captured as following it (`value_from: {output: vapi.squads.<key>.id}`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from backstop.plugin.clients.vercel_client import VercelApi
from backstop.plugin.model.vercel import looks_secret
from backstop.runbook.capture.stripe import key_of

TARGET_ORDER = ("production", "preview", "development")


@dataclass
class Captured:
    section: dict[str, Any]
    secrets: dict[str, str] = field(default_factory=dict)
    """Config key (in the program's namespace) → value, to store encrypted with the stack's config."""
    not_captured: list[str] = field(default_factory=list)
    followable: dict[str, str] = field(default_factory=dict)
    """Live id → the output path that gives it (`vapi.squads.<key>.id`), of the objects captured here."""


def targets_of(item: dict[str, Any]) -> list[str]:
    target = item.get("target") or []
    listed = [target] if isinstance(target, str) else list(target)
    return [t for t in TARGET_ORDER if t in listed]


def _key(item: dict[str, Any], taken: set[str]) -> str:
    base = key_of(f"{item['key']}-{'-'.join(targets_of(item)) or 'custom'}")
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base[:60]}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


VALUE_READS = 8
"""Variables whose values are read at once (one GET each: the listing holds them encrypted)."""


async def capture(
    api: VercelApi,
    projects: list[str],
    followable: Mapping[str, str] | None = None,
    values: bool = True,
) -> Captured:
    """`followable`: live id → output path, of the objects the captured document declares. `values` False:
    names, targets and kinds only, no value read (what drift's unmanaged check compares); every readable
    variable is then written as following a config key, and no secret is collected."""
    follows = dict(followable or {})
    result = Captured({"projects": []})
    listed = await asyncio.gather(*(api.env_vars(project) for project in projects))
    readable = [
        (project, item["id"])
        for project, items in zip(projects, listed, strict=True)
        for item in items
        if values
        and item.get("type") != "sensitive"
        and targets_of(item)
        and not item.get("customEnvironmentIds")
    ]
    gate = asyncio.Semaphore(VALUE_READS)

    async def value_of(project: str, env_id: str) -> str | None:
        async with gate:
            found = await api.env_var(project, env_id)
        return (found or {}).get("value")

    read = await asyncio.gather(*(value_of(project, env_id) for project, env_id in readable))
    value_by_id = dict(zip(readable, read, strict=True))
    keys: set[str] = set()  # across projects: a key names the variable's resource and its config secret
    for project, items in zip(projects, listed, strict=True):
        env: list[dict[str, Any]] = []
        for item in sorted(items, key=lambda i: (i["key"], targets_of(i))):
            targets = targets_of(item)
            if not targets or item.get("customEnvironmentIds"):
                result.not_captured.append(
                    f"vercel {item['key']} in {project}: custom environments are not supported"
                )
                continue
            entry: dict[str, Any] = {"key": _key(item, keys), "name": item["key"], "targets": targets}
            if item.get("gitBranch"):
                entry["git_branch"] = item["gitBranch"]
            if item.get("comment"):
                entry["comment"] = item["comment"]
            config_key = f"vercel-{entry['key']}"
            if item.get("type") == "sensitive":
                entry["sensitive"] = True
                entry["value_from"] = {"secret": config_key}
                result.not_captured.append(
                    f"vercel {item['key']} ({', '.join(targets)}) in {project}: sensitive, so Vercel never "
                    f"returns it; set it with `pulumi config set --secret {config_key} <value>`"
                )
            elif not values:
                entry["value_from"] = {"secret": config_key}
            else:
                value = value_by_id.get((project, item["id"]))
                if value is None:
                    result.not_captured.append(
                        f"vercel {item['key']} in {project}: its value could not be read"
                    )
                    entry["value_from"] = {"secret": config_key}
                elif looks_secret(item["key"]):
                    entry["value_from"] = {"secret": config_key}
                    result.secrets[config_key] = value
                elif value in follows:
                    entry["value_from"] = {"output": follows[value]}
                else:
                    entry["value"] = value
            env.append(entry)
        result.section["projects"].append({"key": key_of(project), "id": project, "env": env})
    return result
