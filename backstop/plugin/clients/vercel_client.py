"""The Vercel REST API, as the `backstop` commands read it (the Pulumi run writes through pulumi-vercel)."""

from __future__ import annotations

from typing import Any

import httpx

from backstop.plugin.clients.errors import NotFound, VendorError
from backstop.plugin.clients.json_http import JsonHttp
from backstop.plugin.clients.retry import RetryPolicy

Json = dict[str, Any]
DEFAULT_BASE_URL = "https://api.vercel.com"


class VercelApi:
    def __init__(
        self,
        token: str,
        team: str,
        base_url: str | None = None,
        policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = JsonHttp(
            "Vercel",
            (base_url or DEFAULT_BASE_URL).rstrip("/"),
            {"Authorization": f"Bearer {token}"},
            policy,
            transport,
            params={"teamId": team},
        )

    async def __aenter__(self) -> VercelApi:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()

    async def _request(self, method: str, path: str) -> Any:
        response = await self._http.send(method, path)
        if response.status_code == 429 or response.status_code >= 500:
            raise VendorError("Vercel", response.status_code, "still failing after retries")
        if response.status_code == 404:
            raise NotFound("Vercel", 404, f"{method} {path}: not found")
        if response.status_code >= 400:
            error = (response.json() if response.content else {}).get("error") or {}
            raise VendorError("Vercel", response.status_code, str(error.get("message") or "request refused"))
        return response.json() if response.content else None

    async def env_vars(self, project: str) -> list[Json]:
        """Every variable of the project (values of sensitive ones never included)."""
        body = await self._request("GET", f"/v10/projects/{project}/env")
        envs: list[Json] = body.get("envs", [])
        return envs

    async def env_var(self, project: str, env_id: str) -> Json | None:
        """One variable with its decrypted value (absent for sensitive variables)."""
        try:
            found: Json = await self._request("GET", f"/v1/projects/{project}/env/{env_id}")
        except NotFound:
            return None
        return found

    async def delete_env_var(self, project: str, env_id: str) -> bool:
        """False when it was already gone."""
        try:
            await self._request("DELETE", f"/v9/projects/{project}/env/{env_id}")
        except NotFound:
            return False
        return True


async def trigger_deploy_hook(url: str, policy: RetryPolicy | None = None) -> Json:
    """POST a deploy hook URL (it is a secret: it never appears in messages).

    A second POST would start a second deployment, so it is repeated only when it surely did not arrive.
    """
    target = httpx.URL(url)
    hook = JsonHttp("Vercel", f"{target.scheme}://{target.netloc.decode()}", {}, policy)
    try:
        path = target.raw_path.decode()  # path and query: the secret part
        response = await hook.send("POST", path, repeatable=False)
    except VendorError:
        raise VendorError("Vercel", None, "the deploy hook could not be reached") from None
    finally:
        await hook.aclose()
    if response.status_code >= 400:
        raise VendorError("Vercel", response.status_code, "the deploy hook refused the request")
    job: Json = response.json() if response.content else {}
    return job
