"""Clerk's public Frontend API environment: each instance's social connections, found by the Frontend API
host of its primary domain, read by Backstop's client; switched off only behind the API's back."""

from __future__ import annotations

import asyncio

import httpx

from backstop.plugin.clients.clerk_client import ClerkApi
from backstop.plugin.clients.clerk_frontend import social_connections
from tests.sandbox.clerk.harness import PROD_KEY, STAGING_KEY
from tests.support import SandboxProcess


def read(sandbox: SandboxProcess, key: str) -> dict[str, dict[str, object]]:
    async def go() -> dict[str, dict[str, object]]:
        api = ClerkApi(key, f"{sandbox.url}/clerk/v1")
        try:
            return await social_connections(api, f"{sandbox.url}/clerk-frontend")
        finally:
            await api.aclose()

    return asyncio.run(go())


def test_each_instance_shows_its_social_connections_at_its_frontend_host(sandbox: SandboxProcess) -> None:
    prod = read(sandbox, PROD_KEY)
    assert prod["google"]["enabled"] is True and prod["google"]["strategy"] == "oauth_google"
    assert set(prod["google"]) >= {"enabled", "required", "authenticatable"}
    answer = httpx.get(f"{sandbox.url}/clerk-frontend/clerk.derrimut247.com.au/v1/environment")
    assert answer.status_code == 200, "public: no key"
    assert answer.json()["display_config"]["instance_environment_type"] == "production"
    assert httpx.get(f"{sandbox.url}/clerk-frontend/clerk.example.com/v1/environment").status_code == 404

    state = sandbox.dump()
    state["clerk"]["ins_derrimut_staging"]["social"]["oauth_google"]["enabled"] = False
    sandbox.load(state)
    assert read(sandbox, STAGING_KEY)["google"]["enabled"] is False
    assert read(sandbox, PROD_KEY)["google"]["enabled"] is True, "another instance's stay as they were"
