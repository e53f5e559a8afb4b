"""The endpoints of a Clerk instance's Svix application, reached the way Svix's App Portal reaches them.

Clerk has no webhook-endpoint API. Its `POST /v1/webhooks/svix_url` mints an App Portal link,
`https://app.svix.com/login#key=<base64url JSON {"appId", "oneTimeToken", "region"}>`; the portal trades
the one-time token (`POST /api/v1/auth/one-time-token`) for a bearer token scoped to that application,
then uses the ordinary Svix API. **This route is not a documented Clerk contract** (it is how Svix's own
dashboard works, reverse-engineered by public tools): Clerk may change it without notice.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

import httpx

from backstop.plugin.clients.errors import NotFound, VendorError
from backstop.plugin.clients.json_http import JsonHttp
from backstop.plugin.clients.retry import RetryPolicy

Json = dict[str, Any]
PORTAL_BASE_URL = "https://app.svix.com/api/{region}"
"""Where the App Portal exchanges one-time tokens (per region)."""
API_BASE_URL = "https://api.{region}.svix.com"
EXCHANGE = "/api/v1/auth/one-time-token"
PAGE = 250


class SvixApiError(VendorError):
    def __init__(self, status: int, message: str, code: str | None) -> None:
        super().__init__("svix", status, message)
        self.code = code


@dataclass(frozen=True)
class PortalLink:
    app_id: str
    one_time_token: str
    region: str

    def __repr__(self) -> str:  # the token is a credential
        return f"PortalLink(app_id={self.app_id!r}, region={self.region!r})"


def parse_portal_link(svix_url: str) -> PortalLink:
    fragment = svix_url.partition("#key=")[2]
    try:
        data = json.loads(base64.urlsafe_b64decode(fragment + "=" * (-len(fragment) % 4)))
        return PortalLink(str(data["appId"]), str(data["oneTimeToken"]), str(data.get("region") or "us"))
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise VendorError("clerk", None, "the Svix App Portal link has no readable #key fragment") from None


class SvixApi:
    """The Svix API for one application, with an exchanged App Portal token."""

    def __init__(
        self,
        token: str,
        app_id: str,
        base_url: str,
        policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.app_id = app_id
        self._http = JsonHttp("svix", base_url, {"Authorization": f"Bearer {token}"}, policy, transport)

    @classmethod
    async def open(
        cls,
        svix_url: str,
        base_url: str | None = None,
        policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> SvixApi:
        """Exchange the link's one-time token; `base_url` (a sandbox) serves both the exchange and the API."""
        link = parse_portal_link(svix_url)
        portal_url = base_url or PORTAL_BASE_URL.format(region=link.region)
        portal = JsonHttp("svix", portal_url, {}, policy, transport)
        try:
            response = await portal.send("POST", EXCHANGE, json={"oneTimeToken": link.one_time_token})
        finally:
            await portal.aclose()
        if not response.is_success:
            raise _error(response)
        token = str(response.json()["token"])
        return cls(token, link.app_id, base_url or API_BASE_URL.format(region=link.region), policy, transport)

    async def call(
        self,
        method: str,
        path: str,
        body: Json | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        response = await self._http.send(method, path, json=body, params=params, headers=headers)
        if response.status_code == 204:
            return None
        if response.is_success:
            return response.json()
        raise _error(response)

    @property
    def _endpoints(self) -> str:
        return f"/api/v1/app/{self.app_id}/endpoint"

    async def list_endpoints(self, page: int = PAGE) -> list[Json]:
        """Every endpoint, oldest first, `page` per request."""
        items: list[Json] = []
        params: dict[str, Any] = {"limit": page, "order": "ascending"}
        while True:
            answer = await self.call("GET", self._endpoints, params=params)
            items.extend(answer.get("data") or [])
            if answer.get("done", True) or not answer.get("iterator"):
                return items
            params = {**params, "iterator": answer["iterator"]}

    async def get_endpoint(self, endpoint_id: str) -> Json | None:
        """By id or uid."""
        try:
            found: Json = await self.call("GET", f"{self._endpoints}/{endpoint_id}")
        except NotFound:
            return None
        return found

    async def create_endpoint(self, body: Json, idempotency_key: str) -> Json:
        """Every retry sends the same key, so a create whose answer was lost is replayed, not repeated."""
        created: Json = await self.call(
            "POST", self._endpoints, body, headers={"idempotency-key": idempotency_key}
        )
        return created

    async def update_endpoint(self, endpoint_id: str, body: Json) -> Json:
        updated: Json = await self.call("PATCH", f"{self._endpoints}/{endpoint_id}", body)
        return updated

    async def delete_endpoint(self, endpoint_id: str) -> bool:
        """False when it was already gone."""
        try:
            await self.call("DELETE", f"{self._endpoints}/{endpoint_id}")
        except NotFound:
            return False
        return True

    async def endpoint_secret(self, endpoint_id: str) -> str:
        """The signing secret: Svix can show it at any time."""
        found = await self.call("GET", f"{self._endpoints}/{endpoint_id}/secret")
        return str(found["key"])

    async def aclose(self) -> None:
        await self._http.aclose()


def _error(response: httpx.Response) -> VendorError:
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = {}
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, list):  # 422: [{loc, msg, type}]
        message = "; ".join(
            f"{'.'.join(str(p) for p in item.get('loc', [])[1:])}: {item.get('msg')}"
            for item in detail
            if isinstance(item, dict)
        )
    else:
        message = str(detail or response.reason_phrase or "request failed")
    code = body.get("code") if isinstance(body, dict) else None
    if status == 404:
        return NotFound("svix", status, message)
    return SvixApiError(status, message, code)
