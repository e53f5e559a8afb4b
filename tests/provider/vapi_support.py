"""What the Vapi diff tests share: the engine's diff call on the plugin, and the derrimut objects' inputs."""

from __future__ import annotations

import asyncio
from typing import Any

from pulumi.provider.experimental.provider import CheckRequest, DiffRequest

from backstop.plugin.provider.dispatcher import BackstopProvider
from backstop.plugin.provider.props import property_map

ORG = "562cb561-7989-5bc7-8e8c-6eb62c59f7ff"
PARENT = "urn:pulumi:prod::platform-config::backstop:components:VapiAgent$"


def urn(token: str, name: str) -> str:
    return f"{PARENT}{token}::{name}"


def diff(token: str, olds: dict[str, Any], news: dict[str, Any]) -> Any:
    request = DiffRequest(urn(token, "x"), "id", property_map(olds), property_map(news), [])
    return asyncio.run(BackstopProvider().diff(request))


def check(token: str, news: dict[str, Any]) -> Any:
    request = CheckRequest(urn(token, "x"), {}, property_map(news), b"")
    return asyncio.run(BackstopProvider().check(request))
