"""A Clerk instance's live configuration as the desired-state document's `clerk` section.

Read: redirect URLs, JWT templates, allowlist identifiers, organization settings, domains, the enabled OAuth
providers and the endpoints of the instance's Svix application (through the App Portal session the
provider uses). Not readable: a JWT
template's custom signing key, and the write-only instance settings and restrictions, which are kept as the
stack's current document declares them. Objects keep the keys the current document gives them (matched by
natural key), so a capture never renames, and so never replaces, a managed object.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import httpx

from backstop.plugin.clients.clerk_client import ClerkApi
from backstop.plugin.clients.clerk_frontend import social_connections
from backstop.plugin.clients.connections import SvixSettings, svix_api
from backstop.plugin.clients.errors import VendorError
from backstop.plugin.model.clerk_oauth import PROVIDERS
from backstop.plugin.model.clerk_settings import OrganizationSettings
from backstop.runbook.capture.stripe import key_of
from backstop.runbook.capture.vercel import Captured

Json = dict[str, Any]
WRITE_ONLY = ("instance_settings", "instance_restrictions")
_UID_AS_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class Keys:
    """Document keys for one family: the current document's for a known natural key, else a fresh slug."""

    def __init__(self, current: list[Json], natural: str) -> None:
        self._known = {str(i[natural]): str(i["key"]) for i in current if natural in i and "key" in i}
        self._taken: set[str] = set()

    def reserve(self, key: str) -> str:
        self._taken.add(key)
        return key

    def __call__(self, natural_key: str, fallback: str) -> str:
        base = self._known.get(natural_key) or key_of(fallback)
        candidate, n = base, 2
        while candidate in self._taken:
            candidate = f"{base[:60]}-{n}"
            n += 1
        self._taken.add(candidate)
        return candidate


async def _oauth_providers(
    clerk: ClerkApi, frontend_base_url: str | None, section: Json, result: Captured
) -> None:
    """The enabled social connections, from the Frontend API (read only: no API writes them)."""
    try:
        live = await social_connections(clerk, frontend_base_url)
    except (VendorError, httpx.HTTPError) as exc:
        result.not_captured.append(f"clerk oauth providers: not read ({str(exc).splitlines()[0][:200]})")
        return
    providers = []
    for name, settings in sorted(live.items()):
        if not settings.get("enabled"):
            continue
        if name not in PROVIDERS:
            result.not_captured.append(f"clerk oauth provider {name}: not a provider id Backstop knows")
            continue
        providers.append(
            {
                "provider": name,
                "required": bool(settings.get("required")),
                "authenticatable": bool(settings.get("authenticatable")),
            }
        )
    section["oauth_providers"] = providers


async def _domains(clerk: ClerkApi, current: Json) -> list[Json]:
    """The primary domain first (asserted), then the satellites, each with its proxy when it has one."""
    keys = Keys(_list(current, "domains"), "name")
    live = sorted(await clerk.domains(), key=lambda d: (bool(d.get("is_satellite")), str(d.get("name"))))
    domains = []
    for domain in live:
        primary = not domain.get("is_satellite")
        entry: Json = {
            "key": keys(domain["name"], "primary" if primary else domain["name"]),
            "name": domain["name"],
        }
        if primary:
            entry["primary"] = True
        if domain.get("proxy_url"):
            entry["proxy_url"] = domain["proxy_url"]
        domains.append(entry)
    return domains


def _list(section: Json, name: str) -> list[Json]:
    items = section.get(name)
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _url_text(url: str) -> str:
    """What a key is made of: host and path (`https://a.com/sso-callback`), or scheme and path for a
    custom scheme (`my-app://oauth-callback`)."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        return f"{parts.netloc}{parts.path}"
    return f"{parts.scheme}-{parts.netloc}{parts.path}"


async def capture(
    clerk: ClerkApi, svix: SvixSettings, current: Json, frontend_base_url: str | None = None
) -> Captured:
    """`current` is the stack's current `clerk` section (may be empty)."""
    result = Captured({})
    section = result.section

    keys = Keys(_list(current, "redirect_urls"), "url")
    section["redirect_urls"] = [
        {"key": keys(u["url"], _url_text(u["url"])), "url": u["url"]}
        for u in sorted(await clerk.list_all("redirect_urls"), key=lambda u: str(u.get("created_at")))
    ]

    section["jwt_templates"] = []
    keys = Keys(_list(current, "jwt_templates"), "name")
    declared_keys = {t.get("name"): t.get("signing_key") for t in _list(current, "jwt_templates")}
    for template in sorted(await clerk.list_all("jwt_templates"), key=lambda t: str(t.get("created_at"))):
        entry: Json = {
            "key": keys(template["name"], template["name"]),
            "name": template["name"],
            "claims": template["claims"],
            "lifetime": template["lifetime"],
            "allowed_clock_skew": template["allowed_clock_skew"],
        }
        if template.get("custom_signing_key"):
            declared = declared_keys.get(template["name"])
            named = (
                (declared or {}).get("value_from", {}).get("secret") if isinstance(declared, dict) else None
            )
            config_key = str(named or f"clerk-jwt-{entry['key']}")
            entry["signing_algorithm"] = template["signing_algorithm"]
            entry["signing_key"] = {"value_from": {"secret": config_key}}
            result.not_captured.append(
                f"clerk jwt template {template['name']}: its custom signing key (Clerk never returns it); "
                f"set it with `pulumi config set --secret {config_key} <key>`"
            )
        section["jwt_templates"].append(entry)

    keys = Keys(_list(current, "allowlist_identifiers"), "identifier")
    section["allowlist_identifiers"] = [
        {"key": keys(i["identifier"], i["identifier"]), "identifier": i["identifier"]}
        for i in sorted(await clerk.list_all("allowlist_identifiers"), key=lambda i: str(i.get("created_at")))
    ]

    live = await clerk.organization_settings()
    settings = {
        name: live[name] for name in OrganizationSettings.model_fields if live.get(name) not in (None, "", [])
    }  # no enrollment modes live is what declaring none means
    if not settings.get("domains_enabled"):
        settings.pop("domains_default_role", None)  # Clerk clears it while domains are off
    section["organization_settings"] = settings

    for name in WRITE_ONLY:
        if isinstance(current.get(name), dict):
            section[name] = current[name]
            result.not_captured.append(
                f"clerk {name}: write-only in Clerk, so kept as the current document declares them "
                "(adopted as declared, not written; `backstop restore` re-applies them)"
            )
        else:
            result.not_captured.append(f"clerk {name}: write-only in Clerk: declare them by hand")

    section["domains"] = await _domains(clerk, current)
    await _oauth_providers(clerk, frontend_base_url, section, result)
    section["webhook_endpoints"] = await _endpoints(clerk, svix, current, result)
    return result


async def _endpoints(clerk: ClerkApi, settings: SvixSettings, current: Json, result: Captured) -> list[Json]:
    link = await clerk.svix_url(ensure_app=False)  # a capture never creates the Svix application
    if link is None:
        return []
    svix = await svix_api(settings, link)
    try:
        listed = await svix.list_endpoints()
    finally:
        await svix.aclose()
    keys = Keys(_list(current, "webhook_endpoints"), "url")
    endpoints = []
    for live in listed:
        uid = live.get("uid")
        # The document key is the endpoint's Svix uid: a live uid that can be a key is kept as is.
        key = uid if isinstance(uid, str) and _UID_AS_KEY.match(uid) else None
        entry: Json = {
            "key": keys.reserve(key) if key else keys(live["url"], _url_text(live["url"])),
            "url": live["url"],
            "event_types": list(live.get("eventTypes") or live.get("filterTypes") or []),
        }
        if live.get("description"):
            entry["description"] = live["description"]
        if live.get("disabled"):
            entry["disabled"] = True
        if live.get("metadata"):
            entry["metadata"] = dict(live["metadata"])
        if live.get("throttleRate") is not None:
            entry["throttle_rate"] = live["throttleRate"]
        if not entry["event_types"]:
            result.not_captured.append(
                f"clerk webhook endpoint {live['url']}: it receives every event type; Backstop declares "
                "endpoints with an explicit event list"
            )
            continue
        if uid is None:
            result.not_captured.append(
                f"clerk webhook endpoint {live['url']}: it has no Svix uid; adopting it sets its uid to "
                f"{entry['key']!r} (the document key)"
            )
        endpoints.append(entry)
    return endpoints
