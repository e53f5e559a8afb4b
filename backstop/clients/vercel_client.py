"""The Vercel REST API, as the `backstop` commands read it (the Pulumi run writes through pulumi-vercel)."""

from __future__ import annotations

from typing import Any

import httpx

from backstop.clients.errors import NotFound, VendorError
from backstop.clients.retry import RetryPolicy, retry_after, with_retries

Json = dict[str, Any]
DEFAULT_BASE_URL = "https://api.vercel.com"


class _Transient(Exception):
    def __init__(self, status: int | None, wait: float | None, message: str) -> None:
        super().__init__(message)
        self.status, self.wait = status, wait


def _transient(exc: BaseException) -> tuple[bool, float | None]:
    if isinstance(exc, _Transient):
        return True, exc.wait
    return isinstance(exc, httpx.TransportError), None


class VercelApi:
    def __init__(
        self, token: str, team: str, base_url: str | None = None, policy: RetryPolicy | None = None
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=(base_url or DEFAULT_BASE_URL).rstrip("/"),
            headers={"Authorization": f"Bearer {token}"},
            params={"teamId": team},
            timeout=30,
        )
        self._policy = policy or RetryPolicy()

    async def __aenter__(self) -> VercelApi:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        async def call() -> httpx.Response:
            response = await self._http.request(method, path, **kwargs)
            if response.status_code == 429 or response.status_code >= 500:
                raise _Transient(response.status_code, retry_after(response.headers), response.text[:200])
            return response

        try:
            response = await with_retries(call, _transient, self._policy)
        except _Transient as exc:
            raise VendorError("Vercel", exc.status, "still failing after retries") from None
        except httpx.TransportError as exc:
            raise VendorError("Vercel", None, f"connection failed: {type(exc).__name__}") from None
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


async def trigger_deploy_hook(url: str) -> Json:
    """POST a deploy hook URL (it is a secret: it never appears in messages)."""
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(url)
    if response.status_code >= 400:
        raise VendorError("Vercel", response.status_code, "the deploy hook refused the request")
    job: Json = response.json() if response.content else {}
    return job
