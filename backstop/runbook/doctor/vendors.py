"""Each declared vendor's credential: set, of the right kind, authenticating, and for the stack's scope.

Reads only, never a write: a GET of an object that can't exist (404 proves the key authenticates and may
read that family), the Clerk instance the key belongs to, each scoped Vercel project's variables.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable

from backstop.plugin.clients import connections
from backstop.plugin.clients.connections import Connections, MissingCredential
from backstop.plugin.clients.errors import NotFound, VendorError
from backstop.plugin.clients.retry import RetryPolicy
from backstop.plugin.model import DesiredState
from backstop.runbook.doctor.check import Check, failed, passed

QUICK = RetryPolicy(attempts=2, base_delay=0.2, max_delay=1.0, max_retry_after=5.0)
"""A preflight reports a failing service rather than waiting it out."""
PROBE_ID = "backstop_doctor_probe"


async def _probe(name: str, call: Callable[[], Awaitable[Check]], how_to_set: str) -> Check:
    try:
        return await call()
    except MissingCredential as exc:
        return failed(name, str(exc).split(":", 1)[0], how_to_set, restore_needs=True)
    except VendorError as exc:
        denied = exc.status in (401, 403)
        fix = "use a key that has read access to this family" if exc.status == 403 else "check the key"
        return failed(
            name, str(exc), fix if denied else "retry later, or check the base URL", restore_needs=True
        )


async def stripe(document: DesiredState, links: Connections) -> Check:
    name = "stripe: API key"
    assert document.scope.stripe is not None
    mode = document.scope.stripe.mode
    key = links.stripe.api_key or ""
    how = connections.STRIPE_API_KEY.how_to_set
    kind = connections.wrong_kind("stripe", key)
    if kind:
        return failed(name, f"{kind} (sk_… or rk_… expected)", how, restore_needs=True)
    if key and key.split("_")[1] != mode:
        found = key.split("_")[1]
        return failed(
            name,
            f"a {found}-mode key, but the document's scope.stripe.mode is {mode}",
            f"use this stack's {mode}-mode key: {how}",
            restore_needs=True,
        )

    async def call() -> Check:
        api = connections.stripe_api(links.stripe, QUICK)
        for collection in ("webhook_endpoints", "products", "prices"):
            await api.get(collection, f"{PROBE_ID}")
        return passed(
            name, f"{mode}-mode key reads webhook endpoints, products and prices", restore_needs=True
        )

    return await _probe(name, call, how)


async def clerk(document: DesiredState, links: Connections) -> Check:
    name = "clerk: secret key"
    assert document.scope.clerk is not None
    wanted = document.scope.clerk.instance
    how = connections.CLERK_SECRET_KEY.how_to_set
    key = links.clerk.secret_key or ""
    kind = connections.wrong_kind("clerk", key)
    if kind:
        return failed(name, f"{kind} (sk_… expected)", how, restore_needs=True)

    async def call() -> Check:
        api = connections.clerk_api(links.clerk, QUICK)
        try:
            instance = await api.instance()
        finally:
            await api.aclose()
        found = instance.get("id")
        if found != wanted:
            return failed(
                name,
                f"the key belongs to instance {found}, but the document's scope.clerk.instance is {wanted}",
                f"use instance {wanted}'s secret key: {how}",
                restore_needs=True,
            )
        return passed(name, f"instance {wanted}", restore_needs=True)

    return await _probe(name, call, how)


async def vapi(document: DesiredState, links: Connections) -> Check:
    name = "vapi: API key"
    how = connections.VAPI_API_KEY.how_to_set

    async def call() -> Check:
        api = connections.vapi_api(links.vapi, QUICK)
        try:
            for kind in ("tool", "assistant", "squad"):
                await api.get(kind, "00000000-0000-4000-8000-000000000000")
        finally:
            await api.aclose()
        return passed(name, "reads tools, assistants and squads", restore_needs=True)

    return await _probe(name, call, how)


async def vercel(document: DesiredState, links: Connections) -> Check:
    name = "vercel: API token"
    assert document.scope.vercel is not None
    scope = document.scope.vercel
    how = connections.VERCEL_TOKEN.how_to_set

    async def call() -> Check:
        settings = dataclasses.replace(links.vercel, team=scope.team)
        async with connections.vercel_api(settings, QUICK) as api:
            for project in scope.projects:
                try:
                    await api.env_vars(project)
                except NotFound:
                    return failed(
                        name,
                        f"project {project} of scope.vercel.projects is not visible in team {scope.team}",
                        "check scope.vercel.projects and scope.vercel.team, and the token's team",
                        restore_needs=True,
                    )
        return passed(name, f"team {scope.team}: reads {', '.join(scope.projects)}", restore_needs=True)

    return await _probe(name, call, how)


async def credentials(document: DesiredState, links: Connections) -> list[Check]:
    """One check per vendor the document declares a scope for."""
    checks: list[Awaitable[Check]] = []
    if document.scope.stripe is not None:
        checks.append(stripe(document, links))
    if document.scope.clerk is not None:
        checks.append(clerk(document, links))
    if document.scope.vapi is not None:
        checks.append(vapi(document, links))
    if document.scope.vercel is not None:
        checks.append(vercel(document, links))
    return list(await asyncio.gather(*checks))
