"""Vapi's REST API (tools, assistants, squads, and the retired workflows, read-only) over httpx.

Lists are bare JSON arrays with no cursor: `limit` (default 100) and createdAt bounds page them, so a
collection is read newest-first in pages of 100, each page bounded by the oldest `createdAt` seen so far
(`createdAtLe`, dropping ids already seen, so objects created in the same millisecond are not lost).
Vapi takes no idempotency keys: a create whose answer may have been processed is never retried here; the
provider finds such an object by its natural key instead.
"""

from __future__ import annotations

from typing import Any, Literal

import httpx

from backstop.plugin.clients.errors import NotFound, VendorError
from backstop.plugin.clients.json_http import JsonHttp
from backstop.plugin.clients.retry import RetryPolicy

Json = dict[str, Any]
Kind = Literal["tool", "assistant", "squad", "workflow"]
DEFAULT_BASE_URL = "https://api.vapi.ai"
PAGE = 100


class VapiApi:
    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}", "Accept": "application/json"}
        self._http = JsonHttp("vapi", (base_url or DEFAULT_BASE_URL).rstrip("/"), headers, policy, transport)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def list_all(self, kind: Kind) -> list[Json]:
        """Every object of the kind, 100 per request."""
        if kind == "workflow":  # the legacy endpoint takes no query parameters
            listed: list[Json] = await self._request("GET", "/workflow")
            return listed
        items: dict[str, Json] = {}
        params: dict[str, str | int] = {"limit": PAGE}
        while True:
            batch: list[Json] = await self._request("GET", f"/{kind}", params=params)
            fresh = [item for item in batch if item["id"] not in items]
            items.update((item["id"], item) for item in fresh)
            if len(batch) < PAGE or not fresh:
                return list(items.values())
            params = {"limit": PAGE, "createdAtLe": min(item["createdAt"] for item in batch)}

    async def newest(self, kind: Kind) -> Json | None:
        """One object of the kind (the newest), or None when the org has none."""
        batch: list[Json] = await self._request("GET", f"/{kind}", params={"limit": 1})
        return batch[0] if batch else None

    async def get(self, kind: Kind, object_id: str) -> Json | None:
        try:
            found: Json = await self._request("GET", f"/{kind}/{object_id}")
        except NotFound:
            return None
        return found

    async def create(self, kind: Kind, body: Json) -> Json:
        created: Json = await self._request("POST", f"/{kind}", json=body)
        return created

    async def update(self, kind: Kind, object_id: str, body: Json) -> Json:
        updated: Json = await self._request("PATCH", f"/{kind}/{object_id}", json=body)
        return updated

    async def delete(self, kind: Kind, object_id: str) -> bool:
        """False when it was already gone."""
        try:
            await self._request("DELETE", f"/{kind}/{object_id}")
        except NotFound:
            return False
        return True

    async def _request(
        self, method: str, path: str, *, json: Json | None = None, params: dict[str, Any] | None = None
    ) -> Any:
        # A POST that may have reached Vapi is not repeated: it has no idempotency key.
        response = await self._http.send(method, path, json=json, params=params, repeatable=method != "POST")
        if response.is_success:
            return response.json()
        raise _error(response, method, path)


def _error(response: httpx.Response, method: str, path: str) -> VendorError:
    """NestJS's envelope: `message` is a string or a list of strings (joined), or the 409 pin body."""
    try:
        body = response.json()
    except ValueError:
        body = None
    message: Any = body.get("message") if isinstance(body, dict) else None
    if isinstance(message, list):
        message = "; ".join(str(m) for m in message)
    text = f"{method} {path}: {message or response.reason_phrase or 'error'}"
    if response.status_code == 404:
        return NotFound("vapi", 404, text)
    return VendorError("vapi", response.status_code, text)
