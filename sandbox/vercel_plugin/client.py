"""The Vercel REST calls terraform-provider-vercel makes for project environment variables.

Same versions, query parameters and bodies as its `client` package; same error text (`code - message`),
and the same retry rule: only a 429 is retried, after its Retry-After (default 1 s, at most 3 times,
never when the wait is 5 minutes or more).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from sandbox.vercel_plugin import VERSION

Json = dict[str, Any]
PAGE_LIMIT = 100
MAX_RATE_LIMIT_RETRIES = 3
MAX_RETRY_AFTER_S = 5 * 60


@dataclass
class ApiError(Exception):
    status: int
    code: str
    message: str
    body: Json = field(default_factory=dict)
    retry_after: int = 1

    def __str__(self) -> str:
        return f"{self.code} - {self.message}"


class TransportError(Exception):
    """No usable answer (connection failure, or a body that is not Vercel's JSON)."""


def not_found(exc: BaseException) -> bool:
    return isinstance(exc, ApiError) and exc.status == 404


@dataclass
class Envs:
    """One page of GET /v8/projects/{id}/env."""

    items: list[Json]
    next: int | None


class VercelApi:
    def __init__(self, base_url: str, token: str, default_team: str | None = None) -> None:
        self.default_team = default_team
        self._http = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(300.0),
            headers={
                "Authorization": f"Bearer {token}",
                "User-Agent": f"backstop-sandbox-vercel-plugin-double/{VERSION}",
            },
        )

    def team_id(self, team_id: str | None) -> str:
        """The resource's own team, else the provider's (`c.TeamID` in the Terraform client)."""
        return team_id or self.default_team or ""

    def _scope(self, team_id: str | None) -> dict[str, str]:
        team = self.team_id(team_id)
        return {"teamId": team} if team else {}

    async def _request(self, method: str, path: str, params: dict[str, str], body: Any = None) -> Any:
        content = None if body is None else json.dumps(body, separators=(",", ":"))
        headers = {"Content-Type": "application/json"} if content is not None else {}
        for attempt in range(MAX_RATE_LIMIT_RETRIES + 1):
            try:
                response = await self._http.request(
                    method, path, params=params, content=content, headers=headers
                )
            except httpx.HTTPError as exc:
                raise TransportError(f"error doing http request: {type(exc).__name__}: {exc}") from None
            if response.status_code < 300:
                return response.json() if response.content else None
            error = _api_error(response)
            limited = error.status == 429 and 0 < error.retry_after < MAX_RETRY_AFTER_S
            if not limited or attempt == MAX_RATE_LIMIT_RETRIES:
                raise error
            await asyncio.sleep(error.retry_after)
        raise AssertionError("unreachable")

    async def get_project(self, project_id: str, team_id: str | None) -> Json:
        project: Json = await self._request("GET", f"/v10/projects/{project_id}", self._scope(team_id))
        return project

    async def create_env(self, project_id: str, team_id: str | None, body: Any) -> Json:
        """POST one var (an object) or several (an array): `{created, failed}`."""
        answer: Json = await self._request(
            "POST", f"/v10/projects/{project_id}/env", self._scope(team_id), body
        )
        return answer

    async def get_env(self, project_id: str, team_id: str | None, env_id: str) -> Json:
        env: Json = await self._request(
            "GET", f"/v10/projects/{project_id}/env/{env_id}", self._scope(team_id)
        )
        return env

    async def update_env(self, project_id: str, team_id: str | None, env_id: str, body: Json) -> Json:
        env: Json = await self._request(
            "PATCH", f"/v10/projects/{project_id}/env/{env_id}", self._scope(team_id), body
        )
        return env

    async def delete_env(self, project_id: str, team_id: str | None, env_id: str) -> None:
        await self._request("DELETE", f"/v8/projects/{project_id}/env/{env_id}", self._scope(team_id))

    async def list_envs(self, project_id: str, team_id: str | None) -> list[Json]:
        """Every var of the project, decrypted where Vercel allows, page by page on the `until` cursor."""
        out: list[Json] = []
        until: int | None = None
        while True:
            params = {"decrypt": "true", "limit": str(PAGE_LIMIT), **self._scope(team_id)}
            if until is not None:
                params["until"] = str(until)
            page = await self._request("GET", f"/v8/projects/{project_id}/env", params)
            out.extend(page.get("envs") or [])
            following = (page.get("pagination") or {}).get("next")
            if following is None:
                return out
            if until is not None and int(following) == until:
                raise TransportError("pagination cursor did not advance")
            until = int(following)

    async def aclose(self) -> None:
        await self._http.aclose()


def _api_error(response: httpx.Response) -> ApiError:
    text = response.text
    if not text:
        return ApiError(response.status_code, "", "")
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not (error.get("code") or error.get("message")):
        raise TransportError(f"error performing API request: {response.status_code} {text}")
    retry_after = 1
    if response.status_code == 429:
        raw = response.headers.get("Retry-After", "")
        if raw.isdigit() and int(raw) > 0:
            retry_after = int(raw)
    assert isinstance(body, dict)
    return ApiError(
        response.status_code, str(error.get("code", "")), str(error.get("message", "")), body, retry_after
    )
