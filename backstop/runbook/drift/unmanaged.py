"""Live objects inside the stack's scope that its document doesn't declare (like driftctl's unmanaged).

The live side is what `backstop capture` reads (always inside the scope); both sides are compared by each
object's natural key. `.backstopignore` lines (`<vendor>.<collection>:<glob>`, `#` comments) leave known
extras out of the report.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from pathlib import Path
from typing import Any

Json = dict[str, Any]


def _function_name(item: Json) -> str:
    return str((item.get("function") or {}).get("name") or item.get("name") or "")


def _targets(item: Json) -> str:
    return f"{item.get('name')} ({', '.join(item.get('targets') or [])})"


NATURAL_KEYS: dict[tuple[str, str], Callable[[Json], str]] = {
    ("stripe", "webhook_endpoints"): lambda i: str(i.get("url")),
    ("stripe", "products"): lambda i: str(i.get("id")),
    ("stripe", "meters"): lambda i: str(i.get("event_name")),
    ("clerk", "redirect_urls"): lambda i: str(i.get("url")),
    ("clerk", "jwt_templates"): lambda i: str(i.get("name")),
    ("clerk", "allowlist_identifiers"): lambda i: str(i.get("identifier")),
    ("clerk", "webhook_endpoints"): lambda i: str(i.get("url")),
    ("clerk", "domains"): lambda i: str(i.get("name")),
    ("vapi", "tools"): _function_name,
    ("vapi", "assistants"): lambda i: str(i.get("name")),
    ("vapi", "squads"): lambda i: str(i.get("name")),
    ("convex", "env"): lambda i: str(i.get("name")),
}
OPTIONAL = frozenset({("clerk", "domains")})
"""Collections a document manages only when it declares them (`domains:` left out: not managed)."""


def _never_unmanaged(vendor: str, collection: str, item: Json) -> bool:
    """The primary domain is made with the instance, so it is never an extra."""
    return (vendor, collection) == ("clerk", "domains") and bool(item.get("primary"))


def load_ignore(path: Path) -> list[str]:
    if not path.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def unmanaged(live: Json, declared: Json, ignore: list[str]) -> list[str]:
    """`<vendor>.<collection>:<natural key>` of every live object no declaration matches, minus ignored.

    Only vendors the document's `scope` names count: a stack that declares no scope in an account owns
    nothing there, even when its config holds that account's key.
    """
    scope = declared.get("scope") or {}
    found: list[str] = []
    for (vendor, collection), natural in NATURAL_KEYS.items():
        if not scope.get(vendor):
            continue
        section = declared.get(vendor) or {}
        if (vendor, collection) in OPTIONAL and section.get(collection) is None:
            continue
        wanted = {natural(i) for i in section.get(collection) or []}
        for item in (live.get(vendor) or {}).get(collection) or []:
            if natural(item) not in wanted and not _never_unmanaged(vendor, collection, item):
                found.append(f"{vendor}.{collection}:{natural(item)}")
    wanted_vars = {
        (project.get("id"), _targets(var))
        for project in (declared.get("vercel") or {}).get("projects") or []
        for var in project.get("env") or []
    }
    for project in (live.get("vercel") or {}).get("projects") or [] if scope.get("vercel") else []:
        for var in project.get("env") or []:
            if (project.get("id"), _targets(var)) not in wanted_vars:
                found.append(f"vercel.env:{project.get('id')}/{_targets(var)}")
    return [f for f in found if not any(fnmatch.fnmatchcase(f, pattern) for pattern in ignore)]
