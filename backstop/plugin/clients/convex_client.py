"""A Convex deployment's environment variables over httpx, through the calls `npx convex env` makes.

The CLI reads them with the system query `_system/cli/queryEnvironmentVariables` (over its WebSocket
client); this client runs the same query through Convex's HTTP query API (`POST /api/query`, `format:
json`), and writes with `POST /api/update_environment_variables` `{changes: [{name, value}]}`, where a
null value removes the variable. Every call carries `Authorization: Convex <admin or deploy key>`.
Setting a variable to a value is idempotent, so every request may be retried.
"""

from __future__ import annotations

from typing import Any

import httpx

from backstop.plugin.clients.errors import VendorError
from backstop.plugin.clients.json_http import JsonHttp
from backstop.plugin.clients.retry import RetryPolicy

LIST_QUERY = "_system/cli/queryEnvironmentVariables"


class ConvexApi:
    def __init__(
        self,
        admin_key: str,
        deployment_url: str,
        policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Convex {admin_key}", "Content-Type": "application/json"}
        self.url = deployment_url.rstrip("/")
        self._http = JsonHttp("convex", self.url, headers, policy, transport)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def variables(self) -> dict[str, str]:
        """Every environment variable of the deployment, name -> value."""
        path = "/api/query"
        response = await self._http.send(
            "POST", path, json={"path": LIST_QUERY, "args": {}, "format": "json"}
        )
        body = _json(response)
        if not response.is_success or not isinstance(body, dict) or body.get("status") != "success":
            raise _error(response, body, "POST", f"{path} {LIST_QUERY}")
        return {row["name"]: row["value"] for row in body["value"]}

    async def update(self, changes: dict[str, str | None]) -> None:
        """Set each name to its value (None removes it), all in one request, which Convex applies whole."""
        path = "/api/update_environment_variables"
        body = {"changes": [{"name": name, "value": value} for name, value in changes.items()]}
        response = await self._http.send("POST", path, json=body)
        if not response.is_success:
            raise _error(response, _json(response), "POST", path)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _error(response: httpx.Response, body: Any, method: str, path: str) -> VendorError:
    """Convex's `{code, message}`, or a query's `{status: error, errorMessage}`; never the request."""
    if isinstance(body, dict) and body.get("status") == "error":
        return VendorError("convex", response.status_code, f"{method} {path}: {body.get('errorMessage')}")
    code = body.get("code") if isinstance(body, dict) else None
    message = body.get("message") if isinstance(body, dict) else None
    text = f"{method} {path}: {code}: {message}" if code else f"{method} {path}: {response.reason_phrase}"
    return VendorError("convex", response.status_code, text)
