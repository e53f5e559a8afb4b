"""The OAuth providers a Clerk instance offers, as its public Frontend API shows them to a browser.

The Frontend API's host is the primary domain's `frontend_api_url` (Backend API `GET /v1/domains`); its
`GET /v1/environment` is public and lists `user_settings.social`, keyed by strategy (`oauth_google`), each
with `enabled`, `required` and `authenticatable`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from backstop.plugin.clients.clerk_client import ClerkApi
from backstop.plugin.clients.errors import VendorError
from backstop.plugin.clients.json_http import JsonHttp
from backstop.plugin.clients.retry import RetryPolicy

Json = dict[str, Any]


async def frontend_host(api: ClerkApi) -> str:
    primary = next((d for d in await api.domains() if not d.get("is_satellite")), None)
    host = urlsplit(str((primary or {}).get("frontend_api_url") or "")).hostname
    if not host:
        raise VendorError("clerk", None, "the instance's primary domain names no Frontend API URL")
    return host


async def social_connections(
    api: ClerkApi, frontend_base_url: str | None = None, policy: RetryPolicy | None = None
) -> dict[str, Json]:
    """Provider id (`google`) -> its settings, for every `oauth_…` strategy the environment lists."""
    host = await frontend_host(api)
    base = f"{frontend_base_url.rstrip('/')}/{host}" if frontend_base_url else f"https://{host}"
    http = JsonHttp("clerk", base, {}, policy)
    try:
        response = await http.send("GET", "/v1/environment")
        if not response.is_success:
            raise VendorError("clerk", response.status_code, f"GET {base}/v1/environment failed")
        social = ((response.json() or {}).get("user_settings") or {}).get("social") or {}
    finally:
        await http.aclose()
    return {
        str(strategy).removeprefix("oauth_"): settings
        for strategy, settings in social.items()
        if str(strategy).startswith("oauth_") and isinstance(settings, dict)
    }
