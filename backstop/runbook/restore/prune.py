"""`restore --prune-unmanaged`: remove the live objects in the stack's scope that its document doesn't
declare, exactly those `backstop drift` lists as unmanaged (`.backstopignore` keeps some).

Stripe products are archived (`active=false`) and meters deactivated, never deleted; every other object
is deleted (Clerk domains: satellites only). Vapi squads go before the assistants they name, and
assistants before their tools.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from backstop.plugin.clients import connections
from backstop.plugin.clients.connections import session_connections
from backstop.plugin.clients.vapi_client import Kind
from backstop.plugin.model import DesiredState
from backstop.runbook.capture.vercel import targets_of
from backstop.runbook.drift.unmanaged import NATURAL_KEYS

if TYPE_CHECKING:
    from backstop.runbook.session import StackSession

ORDER = [
    ("stripe", "webhook_endpoints"),
    ("stripe", "products"),
    ("stripe", "meters"),
    ("clerk", "webhook_endpoints"),
    ("clerk", "redirect_urls"),
    ("clerk", "jwt_templates"),
    ("clerk", "allowlist_identifiers"),
    ("clerk", "domains"),
    ("vapi", "squads"),
    ("vapi", "assistants"),
    ("vapi", "tools"),
    ("vercel", "env"),
]


@dataclass(frozen=True)
class Extra:
    vendor: str
    collection: str
    key: str

    @classmethod
    def parse(cls, label: str) -> Extra:
        where, key = label.split(":", 1)
        vendor, collection = where.split(".", 1)
        return cls(vendor, collection, key)

    @property
    def label(self) -> str:
        return f"{self.vendor}.{self.collection}:{self.key}"


def _wanted(extras: list[Extra], vendor: str, collection: str) -> set[str]:
    return {e.key for e in extras if (e.vendor, e.collection) == (vendor, collection)}


async def prune(session: StackSession, document: DesiredState, labels: list[str]) -> list[str]:
    """Removes each listed object it still finds live; returns the labels of those it removed."""
    extras = [Extra.parse(label) for label in labels if not label.startswith("not checked")]
    removed: list[Extra] = []
    for vendor, remove in (("stripe", _stripe), ("clerk", _clerk), ("vapi", _vapi), ("vercel", _vercel)):
        owned = getattr(document.scope, vendor) is not None
        if owned and any(e.vendor == vendor for e in extras):
            removed += await remove(session, document, extras)
    rank = {pair: i for i, pair in enumerate(ORDER)}
    return [e.label for e in sorted(removed, key=lambda e: rank[(e.vendor, e.collection)])]


async def _stripe(session: StackSession, _: DesiredState, extras: list[Extra]) -> list[Extra]:
    api = connections.stripe_api(session_connections(session).stripe)
    removed = []
    urls = _wanted(extras, "stripe", "webhook_endpoints")
    for endpoint in await api.list_all("webhook_endpoints") if urls else []:
        if endpoint["url"] in urls and await api.delete("webhook_endpoints", endpoint["id"]):
            removed.append(Extra("stripe", "webhook_endpoints", endpoint["url"]))
    for product_id in sorted(_wanted(extras, "stripe", "products")):
        product = await api.get("products", product_id)
        if product is not None and product.get("active"):
            await api.update("products", product_id, {"active": False})
            removed.append(Extra("stripe", "products", product_id))
    events = _wanted(extras, "stripe", "meters")
    for meter in await api.list_all("billing_meters") if events else []:
        if meter["event_name"] in events and meter["status"] == "active":
            await api.set_meter_status(meter["id"], False)
            removed.append(Extra("stripe", "meters", meter["event_name"]))
    return removed


async def _clerk(session: StackSession, _: DesiredState, extras: list[Extra]) -> list[Extra]:
    conn = session_connections(session)
    api = connections.clerk_api(conn.clerk)
    removed = []
    try:
        for collection in ("redirect_urls", "jwt_templates", "allowlist_identifiers"):
            wanted = _wanted(extras, "clerk", collection)
            natural = NATURAL_KEYS[("clerk", collection)]
            for item in await api.list_all(collection) if wanted else []:
                if natural(item) in wanted and await api.delete(collection, item["id"]):
                    removed.append(Extra("clerk", collection, natural(item)))
        names = _wanted(extras, "clerk", "domains")
        for domain in await api.domains() if names else []:
            # Only satellites: the primary domain is never listed as unmanaged, and Clerk can't delete it.
            if (
                domain["is_satellite"]
                and domain["name"] in names
                and await api.delete("domains", domain["id"])
            ):
                removed.append(Extra("clerk", "domains", domain["name"]))
        urls = _wanted(extras, "clerk", "webhook_endpoints")
        link = await api.svix_url(ensure_app=False) if urls else None
        if link is not None:
            svix = await connections.svix_api(conn.svix, link)
            try:
                for endpoint in await svix.list_endpoints():
                    if endpoint["url"] in urls and await svix.delete_endpoint(endpoint["id"]):
                        removed.append(Extra("clerk", "webhook_endpoints", endpoint["url"]))
            finally:
                await svix.aclose()
    finally:
        await api.aclose()
    return removed


async def _vapi(session: StackSession, document: DesiredState, extras: list[Extra]) -> list[Extra]:
    api = connections.vapi_api(session_connections(session).vapi)
    scope = document.scope.vapi
    removed = []
    try:
        kinds: list[tuple[str, Kind]] = [("squads", "squad"), ("assistants", "assistant"), ("tools", "tool")]
        for collection, kind in kinds:
            wanted = _wanted(extras, "vapi", collection)
            natural = NATURAL_KEYS[("vapi", collection)]
            for item in await api.list_all(kind) if wanted else []:
                name = natural(item)
                in_scope = scope is not None and scope.owns(name)
                if name in wanted and in_scope and await api.delete(kind, item["id"]):
                    removed.append(Extra("vapi", collection, name))
    finally:
        await api.aclose()
    return removed


async def _vercel(session: StackSession, document: DesiredState, extras: list[Extra]) -> list[Extra]:
    scope = document.scope.vercel
    settings = session_connections(session).vercel
    if scope is not None:
        settings = replace(settings, team=scope.team or settings.team)
    if not settings.token or not settings.team or scope is None:
        return []
    wanted = _wanted(extras, "vercel", "env")
    removed = []
    async with connections.vercel_api(settings) as api:
        for project in scope.projects:
            for var in await api.env_vars(project):
                label = f"{project}/{var.get('key')} ({', '.join(targets_of(var))})"
                if label in wanted and await api.delete_env_var(project, var["id"]):
                    removed.append(Extra("vercel", "env", label))
    return removed
