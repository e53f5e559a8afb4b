"""Calling the provider's Clerk types as the engine does, against the sandbox (one event loop per test)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    CreateRequest,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    ReadRequest,
    UpdateRequest,
)

from backstop.plugin.provider.dispatcher import BackstopProvider
from backstop.plugin.provider.props import PropertyMap, plain_map, property_map
from tests.support import SandboxProcess

T = TypeVar("T")
STAGING_KEY = "sk_test_sandbox_clerk_derrimut_staging"
PROD_KEY = "sk_live_sandbox_clerk_derrimut_prod"
INSTANCE = "ins_derrimut_staging"


def urn(token: str, name: str) -> str:
    return f"urn:pulumi:staging::platform-config::backstop:components:ClerkAuth${token}::{name}"


def configured(sandbox: SandboxProcess, key: str = STAGING_KEY) -> BackstopProvider:
    provider = BackstopProvider()
    args = {
        "clerkSecretKey": PropertyValue(key, is_secret=True),
        "clerkBaseUrl": PropertyValue(f"{sandbox.url}/clerk/v1"),
        "svixBaseUrl": PropertyValue(f"{sandbox.url}/svix"),
    }
    asyncio.run(provider.configure(ConfigureRequest({}, args, True, True)))
    return provider


def run(scenario: Callable[[], Awaitable[T]]) -> T:
    """One event loop for a whole scenario: the provider's clients and caches belong to it."""
    return asyncio.run(scenario())  # type: ignore[arg-type]


class Engine:
    """The engine's calls for one resource type, with plain values in and out."""

    def __init__(self, provider: BackstopProvider, token: str) -> None:
        self.provider, self.token = provider, token

    async def create(self, name: str, inputs: dict[str, Any]) -> tuple[str, PropertyMap]:
        response = await self.provider.create(
            CreateRequest(urn(self.token, name), property_map(inputs), 60, False)
        )
        assert response.resource_id
        return response.resource_id, dict(response.properties or {})

    async def read(self, resource_id: str, state: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        response = await self.provider.read(
            ReadRequest(urn(self.token, "r"), resource_id, property_map(state), {})
        )
        return response.resource_id or "", plain_map(response.properties or {})

    async def update(self, resource_id: str, olds: dict[str, Any], news: dict[str, Any]) -> PropertyMap:
        response = await self.provider.update(
            UpdateRequest(
                urn(self.token, "r"), resource_id, property_map(olds), property_map(news), 60, [], False
            )
        )
        return dict(response.properties or {})

    async def delete(self, resource_id: str, state: dict[str, Any]) -> None:
        await self.provider.delete(DeleteRequest(urn(self.token, "r"), resource_id, property_map(state), 60))


def diff(token: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResponse:
    request = DiffRequest(urn(token, "r"), "id", property_map(olds), property_map(news), [])
    return asyncio.run(BackstopProvider().diff(request))


def check(token: str, inputs: dict[str, Any]) -> CheckResponse:
    return asyncio.run(BackstopProvider().check(CheckRequest(urn(token, "r"), {}, property_map(inputs), b"")))


def seed(sandbox: SandboxProcess) -> dict[str, Any]:
    response = sandbox.http.post("/_sandbox/fixtures/derrimut")
    response.raise_for_status()
    created: dict[str, Any] = response.json()
    return created


def clerk_objects(sandbox: SandboxProcess, collection: str, instance: str = INSTANCE) -> dict[str, Any]:
    objects: dict[str, Any] = sandbox.dump()["clerk"][instance].get(collection, {})
    return objects


def svix_endpoints(sandbox: SandboxProcess, instance: str = INSTANCE) -> dict[str, Any]:
    endpoints: dict[str, Any] = sandbox.dump().get("svix", {}).get(instance, {}).get("endpoints", {})
    return endpoints


def writes(sandbox: SandboxProcess) -> list[str]:
    """The mutating requests since the log was last cleared, as `vendor METHOD route`."""
    return [
        f"{r['vendor']} {r['method']} {r['route']}"
        for r in sandbox.requests()["requests"]
        if r["method"] in ("POST", "PATCH", "PUT", "DELETE")
    ]
