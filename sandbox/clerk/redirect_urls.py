"""Redirect URLs (`ru_…`): create, get, delete, list. They have no update: change means replace."""

from __future__ import annotations

import re
from typing import Any

from sandbox.clerk.errors import ClerkError, form_already_exists, form_invalid, form_missing, not_found
from sandbox.clerk.models import Json, listing, read_str, reject_unknown
from sandbox.clerk.state import ClerkInstance

COLLECTION = "redirect_urls"
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$", re.DOTALL)


def is_url(value: str) -> bool:
    """Go's `validator` `url` rule, which Clerk applies: a scheme, then a host, an opaque part or a fragment.

    So `https://…` and custom schemes such as `derrimut://oauth-callback` pass; `https://` alone does not.
    """
    match = _SCHEME.match(value)
    if match is None or any(c.isspace() or ord(c) < 32 for c in value):
        return False
    rest, _, fragment = match.group(2).partition("#")
    if rest.startswith("//"):
        host = re.split(r"[/?]", rest[2:], maxsplit=1)[0]
        return bool(host or fragment)
    return bool(rest.split("?")[0] or fragment)


def _missing(object_id: str) -> ClerkError:
    return not_found("Redirect url not found", f"No RedirectURL exists with id: {object_id}")


def create(clerk: ClerkInstance, body: Json) -> Json:
    reject_unknown(body, {"url"})
    url = read_str(body, "url")
    if not url:
        raise form_missing("url")
    if not is_url(url):
        raise form_invalid("url")
    if any(r["url"] == url for r in clerk.objects(COLLECTION).values()):
        raise form_already_exists("url")
    now = clerk.now()
    object_id = clerk.new_id("ru_")
    created = {
        "object": "redirect_url",
        "id": object_id,
        "url": url,
        "created_at": now,
        "updated_at": now,
    }
    clerk.objects(COLLECTION)[object_id] = created
    return dict(created)


def retrieve(clerk: ClerkInstance, object_id: str) -> Json:
    found = clerk.objects(COLLECTION).get(object_id)
    if found is None:
        raise _missing(object_id)
    return dict(found)


def delete(clerk: ClerkInstance, object_id: str) -> Json:
    retrieve(clerk, object_id)
    del clerk.objects(COLLECTION)[object_id]
    return {"object": "redirect_url", "id": object_id, "deleted": True}


def list_all(clerk: ClerkInstance, query: dict[str, str]) -> Any:
    return listing([dict(r) for r in clerk.objects(COLLECTION).values()], query)
