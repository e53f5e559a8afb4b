"""The whole route to a Clerk instance's Svix endpoints, as clients really take it: Clerk's svix_url,
its `#key=` fragment, the one-time-token exchange, then the svix SDK with the exchanged token. Every Svix
response is checked against Svix's OpenAPI document."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

import httpx
from clerk_backend_api import Clerk, models
from svix.api import Svix, SvixOptions

from tests.openapi import document
from tests.sandbox.clerk.harness import STAGING_KEY
from tests.support import SandboxProcess

BASE = "/svix"
EXCHANGE = "/api/v1/auth/one-time-token"
ROTATE_SUFFIX = "/secret/rotate"


def check_response(method: str, path: str, status: int, body: Any) -> None:
    spec = document("svix")
    if method == "POST" and path.endswith(ROTATE_SUFFIX) and status == 200:
        # Listed deviation: the svix 2.9.1 SDK reads the new secret; the document says 204.
        assert spec.response_schema(method, path, 204) is None
        spec.assert_matches_component("EndpointSecretOut", body)
        return
    try:
        problems = spec.errors(method, path, status, body)
    except (KeyError, AssertionError):
        assert status >= 400, f"{method} {path} answered an undocumented {status}"
        spec.assert_matches_component("HttpErrorOut", body)
        return
    assert not problems, f"{method} {path} {status} does not match the document:\n" + "\n".join(problems[:10])


@dataclass
class Traffic:
    seen: list[tuple[str, str, int, Any]] = field(default_factory=list)

    def record(self, response: httpx.Response) -> None:
        path = response.request.url.path
        if not path.startswith(BASE):
            return
        response.read()
        body = response.json() if response.content else None
        self.seen.append((response.request.method, path.removeprefix(BASE), response.status_code, body))

    def check(self) -> None:
        for method, path, status, body in self.seen:
            check_response(method, path, status, body)


def decode(svix_url: str) -> dict[str, str]:
    decoded: dict[str, str] = json.loads(base64.urlsafe_b64decode(svix_url.partition("#key=")[2]))
    return decoded


@dataclass
class Portal:
    """An exchanged app-portal session for one Clerk instance's Svix application."""

    app_id: str
    token: str
    svix: Svix
    http: httpx.Client

    def raw(
        self, method: str, path: str, body: Any = None, token: str | None = None, **headers: str
    ) -> httpx.Response:
        sent = {"Authorization": f"Bearer {token or self.token}", **headers}
        return self.http.request(method, path, json=body, headers=sent)


def svix_url(sandbox: SandboxProcess, key: str = STAGING_KEY) -> str:
    """The instance's App Portal link, creating its Svix application when it has none."""
    clerk = Clerk(bearer_auth=key, server_url=f"{sandbox.url}/clerk/v1", retry_config=None)
    try:
        return clerk.webhooks.create_svix_app().svix_url
    except models.ClerkErrors:
        return clerk.webhooks.generate_svix_auth_url().svix_url


def exchange(http: httpx.Client, one_time_token: str) -> httpx.Response:
    return http.post(EXCHANGE, json={"oneTimeToken": one_time_token})


def open_portal(sandbox: SandboxProcess, traffic: Traffic, key: str = STAGING_KEY) -> Portal:
    http = httpx.Client(base_url=f"{sandbox.url}{BASE}", event_hooks={"response": [traffic.record]})
    fragment = decode(svix_url(sandbox, key))
    exchanged = exchange(http, fragment["oneTimeToken"])
    assert exchanged.status_code == 200, exchanged.text
    token = exchanged.json()["token"]
    client = Svix(token, SvixOptions(server_url=f"{sandbox.url}{BASE}", retry_schedule=[]))
    client._httpx_client = httpx.Client(event_hooks={"response": [traffic.record]})
    return Portal(fragment["appId"], token, client, http)
