"""Domains (`dmn_…`): each instance has its primary domain; satellites can be added, changed, deleted.

There is no GET of one domain: the list, always `{data, total_count}`, is the only read.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sandbox.clerk.errors import (
    ClerkError,
    error,
    form_conditional_disallowed,
    form_format_invalid,
    form_identifier_exists,
    form_missing,
    form_value_not_allowed,
    not_found,
)
from sandbox.clerk.models import Json, read_bool, read_str, reject_unknown
from sandbox.clerk.state import ClerkInstance

COLLECTION = "domains"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_FQDN = re.compile(rf"^(?:{_LABEL}\.)+[a-z]{{2,63}}$")
_DEV_HOST = re.compile(rf"^(?:localhost|(?:{_LABEL}\.)*{_LABEL})(?::\d{{1,5}})?$")


def _missing() -> ClerkError:
    return not_found("not found", "Resource not found")


def _check_name(clerk: ClerkInstance, raw: str | None, own_id: str | None = None) -> str:
    if not raw:
        raise form_missing("name")
    name = raw.lower()
    # Production names must be bare FQDNs; development ones may carry a port (`localhost:3001`).
    if not (_FQDN if clerk.production else _DEV_HOST).match(name):
        raise form_value_not_allowed("name", raw)
    if any(d["name"] == name and d["id"] != own_id for d in clerk.objects(COLLECTION).values()):
        raise form_identifier_exists("name")
    return name


def _check_proxy_url(clerk: ClerkInstance, proxy_url: str, name: str, own_id: str | None = None) -> str:
    if not clerk.production:
        raise form_conditional_disallowed("proxy_url", "environment", "development")
    parts = urlsplit(proxy_url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not (host == name or host.endswith(f".{name}")):
        raise form_format_invalid("proxy_url", f"It must be an https URL on {name}.")
    if any(d.get("proxy_url") == proxy_url and d["id"] != own_id for d in clerk.objects(COLLECTION).values()):
        raise form_identifier_exists("proxy_url")
    return proxy_url


def public(stored: Json) -> Json:
    return {k: v for k, v in stored.items() if k != "is_secondary"}


def create(clerk: ClerkInstance, body: Json) -> Json:
    reject_unknown(body, {"name", "is_satellite", "proxy_url"})
    satellite, proxy_url = read_bool(body, "is_satellite"), read_str(body, "proxy_url")
    if satellite is None:
        raise form_missing("is_satellite")
    if not satellite:
        raise error(
            422,
            "primary domain already exists",
            "primary_domain_already_exists",
            "Currently, only a single primary domain is supported and the current instance already has one. "
            "All new domains need to be set a satellites.",
            "is_satellite",
        )
    name = _check_name(clerk, read_str(body, "name"))
    domain_id = clerk.new_id("dmn_")
    domain = {
        "object": "domain",
        "id": domain_id,
        "name": name,
        "is_satellite": True,
        "proxy_url": _check_proxy_url(clerk, proxy_url, name) if proxy_url else None,
    }
    clerk.objects(COLLECTION)[domain_id] = clerk.derive_domain(domain)
    return public(domain)


def update(clerk: ClerkInstance, domain_id: str, body: Json) -> Json:
    current = clerk.objects(COLLECTION).get(domain_id)
    if current is None:
        raise _missing()
    reject_unknown(body, {"name", "proxy_url", "is_secondary"})
    updated = dict(current)
    if "name" in body and body["name"] is not None:
        updated["name"] = _check_name(clerk, read_str(body, "name"), domain_id)
    if "proxy_url" in body:
        proxy_url = read_str(body, "proxy_url")
        # null or "" switch the domain back to DNS.
        updated["proxy_url"] = (
            _check_proxy_url(clerk, proxy_url, updated["name"], domain_id) if proxy_url else None
        )
    if "is_secondary" in body:
        updated["is_secondary"] = read_bool(body, "is_secondary")
    clerk.objects(COLLECTION)[domain_id] = clerk.derive_domain(updated)
    return public(updated)


def delete(clerk: ClerkInstance, domain_id: str) -> Json:
    current = clerk.objects(COLLECTION).get(domain_id)
    if current is None:
        raise _missing()
    if not current["is_satellite"]:
        raise error(
            403,
            "operation not allowed",
            "operation_not_allowed_on_primary_domain",
            "This operation is not allowed on a primary domain. Try again with a satellite domain of the "
            "instance.",
        )
    del clerk.objects(COLLECTION)[domain_id]
    return {"object": "domain", "id": domain_id, "deleted": True}


def list_all(clerk: ClerkInstance) -> Json:
    data = [public(d) for d in clerk.objects(COLLECTION).values()]
    return {"data": data, "total_count": len(data)}
