"""A drill's disaster made in the stack's real services (`backstop drill --live`): the scenario's subset of
the objects the stack's state holds, broken through the vendors' public APIs with the plugin's own
handlers (the calls a `pulumi destroy` or an update makes) and the Vercel API, never through a sandbox's
control API. Only objects this stack manages are touched: each is found by its id in the stack's state.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from pydantic.alias_generators import to_snake

from backstop.plugin.clients import connections
from backstop.plugin.clients.connections import Connections
from backstop.plugin.provider.config import ProviderConfig
from backstop.plugin.provider.context import ProviderContext
from backstop.plugin.provider.dispatcher import handler_class
from backstop.runbook.adopt.vercel import ENV_TYPE

Resource = dict[str, Any]
DELETED_IN_D = (
    "backstop:vapi:Squad",
    "backstop:vapi:Assistant",
    "backstop:vapi:Tool",
    "backstop:stripe:WebhookEndpoint",
    "backstop:clerk:WebhookEndpoint",
    "backstop:clerk:RedirectUrl",
)
DELETED_IN_A = (
    *DELETED_IN_D,
    "backstop:stripe:Price",
    "backstop:stripe:Product",
    "backstop:stripe:Meter",
    "backstop:clerk:JwtTemplate",
    "backstop:clerk:AllowlistIdentifier",
    "backstop:convex:EnvironmentVariable",
    ENV_TYPE,
)
"""In this order: what references another object goes first (squads, then assistants, then tools;
prices before their products). Clerk's instance-wide settings are not objects that can be lost."""
DELETED: dict[str, tuple[str, ...]] = {"A": DELETED_IN_A, "C": (ENV_TYPE,), "D": DELETED_IN_D}
CORRUPTED = "corrupted by a backstop drill"


def break_live(
    resources: list[Resource], scenario: str, conn: Connections, vercel_team: str | None
) -> list[str]:
    """Breaks the stack's objects as the scenario says; answers what it broke, one line each."""
    return asyncio.run(_break(resources, scenario, conn, vercel_team))


def _state(resource: Resource) -> dict[str, Any]:
    return {to_snake(k): v for k, v in (resource.get("outputs") or {}).items()}


def _label(resource: Resource) -> str:
    return f"{resource['type'].split(':')[-1]} {resource['urn'].rsplit('::', 1)[-1]}"


async def _break(
    resources: list[Resource], scenario: str, conn: Connections, vercel_team: str | None
) -> list[str]:
    ctx = ProviderContext(ProviderConfig(conn))
    managed = [r for r in resources if r.get("id") and not r.get("delete")]
    if scenario == "B":
        return await _corrupt(ctx, managed)
    broken = []
    for token in DELETED[scenario]:
        for resource in (r for r in managed if r["type"] == token):
            if token == ENV_TYPE:
                await _delete_env_var(conn, resource, vercel_team)
            else:
                await handler_class(token)(ctx).delete(resource["id"], _state(resource))
            broken.append(f"{_label(resource)} deleted")
    return broken


async def _delete_env_var(conn: Connections, resource: Resource, vercel_team: str | None) -> None:
    outputs = resource.get("outputs") or {}
    team = outputs.get("teamId") or vercel_team or conn.vercel.team
    async with connections.vercel_api(replace(conn.vercel, team=team)) as api:
        await api.delete_env_var(outputs["projectId"], resource["id"])


async def _corrupt(ctx: ProviderContext, managed: list[Resource]) -> list[str]:
    """B: webhook endpoints disabled, products renamed, the voice agent's first message overwritten."""
    broken = []
    for resource in managed:
        kind, state = resource["type"], _state(resource)
        if kind == "backstop:stripe:WebhookEndpoint":
            await ctx.stripe.update(
                "webhook_endpoints", resource["id"], {"disabled": True, "description": CORRUPTED}
            )
            broken.append(f"{_label(resource)}: disabled")
        elif kind == "backstop:stripe:Product":
            await ctx.stripe.update(
                "products", resource["id"], {"name": f"CORRUPTED {state.get('name', '')}"}
            )
            broken.append(f"{_label(resource)}: renamed")
        elif kind == "backstop:vapi:Assistant":
            await ctx.vapi.update("assistant", resource["id"], {"firstMessage": "CORRUPTED"})
            broken.append(f"{_label(resource)}: first message overwritten")
    return broken
