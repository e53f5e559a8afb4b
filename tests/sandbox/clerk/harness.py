"""Clients for the Clerk sandbox whose every response is checked against Clerk's OpenAPI document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from clerk_backend_api import Clerk

from sandbox.core.accounts import keys
from tests.openapi import document
from tests.support import SandboxProcess

STAGING, PROD = "ins_derrimut_staging", "ins_derrimut_prod"
STAGING_KEY, PROD_KEY = keys("clerk")[STAGING], keys("clerk")[PROD]
BASE = "/clerk/v1"
PAGINATED_LISTS = ("/redirect_urls", "/jwt_templates", "/allowlist_identifiers")
"""Lists whose `paginated=true` envelope the document does not describe (a listed deviation)."""


def is_paginated_envelope(body: Any) -> bool:
    return (
        isinstance(body, dict)
        and set(body) == {"data", "total_count"}
        and isinstance(body["data"], list)
        and body["total_count"] == len(body["data"])
    )


def check_response(method: str, path: str, query: str, status: int, body: Any) -> None:
    """A documented response must match its schema; an undocumented one must be Clerk's error envelope."""
    spec = document("clerk")
    if status == 200 and path in PAGINATED_LISTS and "paginated=true" in query:
        assert is_paginated_envelope(body), body
        assert spec.errors(method, path, status, body), "the document now describes the envelope"
        return
    try:
        problems = spec.errors(method, path, status, body)
    except (KeyError, AssertionError):
        assert status >= 400, f"{method} {path} answered an undocumented {status}"
        spec.assert_matches_component("ClerkErrors", body)
        return
    assert not problems, f"{method} {path} {status} does not match the document:\n" + "\n".join(problems[:10])


@dataclass
class Traffic:
    """Every Clerk response a test saw; `check` validates them all."""

    seen: list[tuple[str, str, str, int, Any]] = field(default_factory=list)

    def record(self, response: httpx.Response) -> None:
        path = response.request.url.path
        if not path.startswith(BASE):
            return
        response.read()
        body = response.json() if response.content else None
        query = response.request.url.query.decode()
        self.seen.append(
            (response.request.method, path.removeprefix(BASE), query, response.status_code, body)
        )

    def check(self) -> None:
        for method, path, query, status, body in self.seen:
            check_response(method, path, query, status, body)

    def statuses(self) -> set[int]:
        return {status for _, _, _, status, _ in self.seen}


def sdk(sandbox: SandboxProcess, traffic: Traffic, key: str = STAGING_KEY) -> Clerk:
    """clerk-backend-api 7.0.0 as a user configures it, without retries, recording its traffic."""
    http = httpx.Client(follow_redirects=True, event_hooks={"response": [traffic.record]})
    return Clerk(bearer_auth=key, server_url=f"{sandbox.url}{BASE}", client=http, retry_config=None)


class Raw:
    """Plain HTTP against the Clerk base URL, recorded like the SDK's traffic."""

    def __init__(self, sandbox: SandboxProcess, traffic: Traffic) -> None:
        self.http = httpx.Client(base_url=f"{sandbox.url}{BASE}", event_hooks={"response": [traffic.record]})

    def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        key: str | None = STAGING_KEY,
        content: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = {"Authorization": f"Bearer {key}"} if key else {}
        sent.update(headers or {})
        if body is not None:
            return self.http.request(method, path, json=body, headers=sent)
        return self.http.request(method, path, content=content, headers=sent)


def error_codes(response: httpx.Response) -> list[str]:
    return [e["code"] for e in response.json()["errors"]]
