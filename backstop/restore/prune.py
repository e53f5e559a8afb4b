"""`restore --prune-unmanaged`: remove the live objects in the stack's scope that its document doesn't
declare, exactly those `backstop drift` lists as unmanaged (`.backstopignore` keeps some).

Stripe products are archived (`active=false`), never deleted; every other object is deleted. Vapi squads
go before the assistants they name, and assistants before their tools.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from pulumi import automation as auto

from backstop.adopt.runner import TOKEN_CONFIG, TOKEN_ENV
from backstop.capture.vercel import targets_of
from backstop.clients.clerk_client import ClerkApi
from backstop.clients.stripe_client import StripeApi
from backstop.clients.svix_client import SvixApi
from backstop.clients.vapi_client import Kind, VapiApi
from backstop.clients.vercel_client import VercelApi
from backstop.drift.unmanaged import NATURAL_KEYS
from backstop.model import DesiredState
from backstop.workspace import stack_secret

ORDER = [
    ("stripe", "webhook_endpoints"),
    ("stripe", "products"),
    ("clerk", "webhook_endpoints"),
    ("clerk", "redirect_urls"),
    ("clerk", "jwt_templates"),
    ("clerk", "allowlist_identifiers"),
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


async def prune(stack: auto.Stack, document: DesiredState, labels: list[str]) -> list[str]:
    """Removes each listed object it still finds live; returns the labels of those it removed."""
    extras = [Extra.parse(label) for label in labels if not label.startswith("not checked")]
    removed: list[Extra] = []
    for vendor, remove in (("stripe", _stripe), ("clerk", _clerk), ("vapi", _vapi), ("vercel", _vercel)):
        owned = getattr(document.scope, vendor) is not None
        if owned and any(e.vendor == vendor for e in extras):
            removed += await remove(stack, document, extras)
    rank = {pair: i for i, pair in enumerate(ORDER)}
    return [e.label for e in sorted(removed, key=lambda e: rank[(e.vendor, e.collection)])]


async def _stripe(stack: auto.Stack, _: DesiredState, extras: list[Extra]) -> list[Extra]:
    key = stack_secret(stack, "backstop:stripeApiKey", "BACKSTOP_STRIPE_API_KEY")
    api = StripeApi(key or "", stack_secret(stack, "backstop:stripeBaseUrl", "BACKSTOP_STRIPE_BASE_URL"))
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
    return removed


async def _clerk(stack: auto.Stack, _: DesiredState, extras: list[Extra]) -> list[Extra]:
    key = stack_secret(stack, "backstop:clerkSecretKey", "BACKSTOP_CLERK_SECRET_KEY") or ""
    api = ClerkApi(key, os.environ.get("BACKSTOP_CLERK_BASE_URL"))
    removed = []
    try:
        for collection in ("redirect_urls", "jwt_templates", "allowlist_identifiers"):
            wanted = _wanted(extras, "clerk", collection)
            natural = NATURAL_KEYS[("clerk", collection)]
            for item in await api.list_all(collection) if wanted else []:
                if natural(item) in wanted and await api.delete(collection, item["id"]):
                    removed.append(Extra("clerk", collection, natural(item)))
        urls = _wanted(extras, "clerk", "webhook_endpoints")
        link = await api.svix_url(ensure_app=False) if urls else None
        if link is not None:
            svix = await SvixApi.open(link, os.environ.get("BACKSTOP_SVIX_BASE_URL"))
            try:
                for endpoint in await svix.list_endpoints():
                    if endpoint["url"] in urls and await svix.delete_endpoint(endpoint["id"]):
                        removed.append(Extra("clerk", "webhook_endpoints", endpoint["url"]))
            finally:
                await svix.aclose()
    finally:
        await api.aclose()
    return removed


async def _vapi(stack: auto.Stack, document: DesiredState, extras: list[Extra]) -> list[Extra]:
    key = stack_secret(stack, "backstop:vapiApiKey", "BACKSTOP_VAPI_API_KEY") or ""
    api = VapiApi(key, os.environ.get("BACKSTOP_VAPI_BASE_URL"))
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


async def _vercel(stack: auto.Stack, document: DesiredState, extras: list[Extra]) -> list[Extra]:
    scope = document.scope.vercel
    token = stack_secret(stack, TOKEN_CONFIG, TOKEN_ENV)
    team = (scope.team if scope is not None else None) or stack_secret(stack, "vercel:team", "VERCEL_TEAM")
    if not token or not team or scope is None:
        return []
    wanted = _wanted(extras, "vercel", "env")
    removed = []
    async with VercelApi(token, team, os.environ.get("BACKSTOP_VERCEL_BASE_URL")) as api:
        for project in scope.projects:
            for var in await api.env_vars(project):
                label = f"{project}/{var.get('key')} ({', '.join(targets_of(var))})"
                if label in wanted and await api.delete_env_var(project, var["id"]):
                    removed.append(Extra("vercel", "env", label))
    return removed
