"""Clerk's Backend API over raw HTTP (the Python SDK, clerk-backend-api 7.0.0, can't send JWT claims).

Clerk takes no idempotency keys: a create whose answer was lost is retried and then meets the object it
made ("already exists"), which callers resolve by adopting it.
"""

from __future__ import annotations

from typing import Any, Literal

import httpx

from backstop.plugin.clients.errors import NotFound, VendorError
from backstop.plugin.clients.json_http import JsonHttp
from backstop.plugin.clients.retry import RetryPolicy

Json = dict[str, Any]
DEFAULT_BASE_URL = "https://api.clerk.com/v1"
API_VERSION = "2025-11-10"
"""The Backend API version the official Python SDK sends."""
PAGE = 500
"""Clerk's largest `limit`."""
Listable = Literal["redirect_urls", "jwt_templates", "allowlist_identifiers"]
Writable = Listable | Literal["domains"]
"""Domains are written like the others, but have no GET of one and no paginated list (`domains()`)."""
EXISTS = frozenset({"form_identifier_exists", "form_already_exists", "duplicate_record"})
"""The codes Clerk answers a create with when the natural key is taken."""


class ClerkApiError(VendorError):
    def __init__(self, status: int, message: str, codes: list[str], param: str | None = None) -> None:
        super().__init__("clerk", status, message, param=param)
        self.codes = codes

    @property
    def already_exists(self) -> bool:
        return bool(EXISTS & set(self.codes))


class ClerkApi:
    def __init__(
        self,
        secret_key: str,
        base_url: str | None = None,
        policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {secret_key}", "Clerk-API-Version": API_VERSION}
        self._http = JsonHttp("clerk", base_url or DEFAULT_BASE_URL, headers, policy, transport)

    async def call(
        self, method: str, path: str, body: Json | None = None, params: dict[str, Any] | None = None
    ) -> Any:
        response = await self._http.send(method, path, json=body, params=params)
        if response.status_code == 204:
            return None
        if response.is_success:
            return response.json()
        raise _error(response)

    # Collections
    async def list_all(self, collection: Listable) -> list[Json]:
        """Every object, `PAGE` at a time (`paginated=true` answers `{data, total_count}`)."""
        items: list[Json] = []
        while True:
            params = {"paginated": "true", "limit": PAGE, "offset": len(items)}
            page = await self.call("GET", f"/{collection}", params=params)
            if isinstance(page, list):  # an instance that ignores `paginated` answers every item at once
                return page
            batch: list[Json] = page.get("data") or []
            items.extend(batch)
            if not batch or len(items) >= int(page.get("total_count") or 0):
                return items

    async def get(self, collection: Listable, object_id: str) -> Json | None:
        """One object; allowlist identifiers have no GET, so they are found in the listing."""
        if collection == "allowlist_identifiers":
            return next((i for i in await self.list_all(collection) if i["id"] == object_id), None)
        try:
            found: Json = await self.call("GET", f"/{collection}/{object_id}")
        except NotFound:
            return None
        return found

    async def create(self, collection: Writable, body: Json) -> Json:
        created: Json = await self.call("POST", f"/{collection}", body)
        return created

    async def update(self, collection: Writable, object_id: str, body: Json) -> Json:
        updated: Json = await self.call("PATCH", f"/{collection}/{object_id}", body)
        return updated

    async def delete(self, collection: Writable, object_id: str) -> bool:
        """False when it was already gone."""
        try:
            await self.call("DELETE", f"/{collection}/{object_id}")
        except NotFound:
            return False
        return True

    # Domains: no GET of one; the list (always `{data, total_count}`) is the only read
    async def domains(self) -> list[Json]:
        listed = await self.call("GET", "/domains")
        found: list[Json] = listed.get("data", []) if isinstance(listed, dict) else listed
        return found

    # The instance and its settings
    async def instance(self) -> Json:
        found: Json = await self.call("GET", "/instance")
        return found

    async def update_instance(self, body: Json) -> None:
        """PATCH /instance answers 204: apart from `allowed_origins` nothing it sets can be read back."""
        await self.call("PATCH", "/instance", body)

    async def update_restrictions(self, body: Json) -> Json:
        """Restrictions have no GET; the PATCH answer is the only way to see them."""
        updated: Json = await self.call("PATCH", "/instance/restrictions", body)
        return updated

    async def organization_settings(self) -> Json:
        found: Json = await self.call("GET", "/instance/organization_settings")
        return found

    async def update_organization_settings(self, body: Json) -> Json:
        updated: Json = await self.call("PATCH", "/instance/organization_settings", body)
        return updated

    async def organization_roles(self) -> list[Json]:
        """The instance's organization roles (written by id, read back by key in the settings)."""
        roles: list[Json] = []
        while True:
            page = await self.call("GET", "/organization_roles", params={"limit": PAGE, "offset": len(roles)})
            batch: list[Json] = page.get("data") or []
            roles.extend(batch)
            if not batch or len(roles) >= int(page.get("total_count") or 0):
                return roles

    # Webhooks: the instance's Svix application
    async def svix_url(self, ensure_app: bool) -> str | None:
        """A fresh App Portal link (one-time token inside) to the instance's Svix application.

        With `ensure_app`, the application is created when the instance has none; otherwise None means
        it has none. Not a documented Clerk contract beyond the link itself (see the svix client).
        """
        try:
            return str((await self.call("POST", "/webhooks/svix_url"))["svix_url"])
        except ClerkApiError as exc:
            if "svix_app_missing" not in exc.codes:
                raise
        if not ensure_app:
            return None
        try:
            return str((await self.call("POST", "/webhooks/svix"))["svix_url"])
        except ClerkApiError as exc:
            if "svix_app_exists" not in exc.codes:  # made meanwhile by a concurrent run
                raise
        return str((await self.call("POST", "/webhooks/svix_url"))["svix_url"])

    async def aclose(self) -> None:
        await self._http.aclose()


def _error(response: httpx.Response) -> VendorError:
    status = response.status_code
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        errors = []
    codes = [str(e.get("code", "")) for e in errors if isinstance(e, dict)]
    messages = [str(e.get("long_message") or e.get("message") or "") for e in errors if isinstance(e, dict)]
    message = "; ".join(m for m in messages if m) or response.reason_phrase or "request failed"
    if codes:
        message = f"{message} ({', '.join(c for c in codes if c)})"
    param = next(
        (
            str(e["meta"]["param_name"])
            for e in errors
            if isinstance(e, dict) and isinstance(e.get("meta"), dict) and e["meta"].get("param_name")
        ),
        None,
    )
    if status == 404:
        return NotFound("clerk", status, message, param=param)
    return ClerkApiError(status, message, codes, param)
