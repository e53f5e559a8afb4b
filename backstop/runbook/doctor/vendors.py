"""Each declared vendor's credential: set, of the right kind, authenticating, and for the stack's scope.

Never a write: a GET of an object that can't exist (404 proves the key authenticates and may read that
family), the Clerk instance the key belongs to, each scoped Vercel project's variables. A Stripe key is also
probed for what a restore writes, with an empty create per family (no parameters): Stripe refuses it before
writing, with 400 `parameter_missing` when the key may write that family and 403 naming the missing
`rak_…_write` permission when it may not (a restricted `rk_…` key without it).
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from backstop.plugin.clients import connections
from backstop.plugin.clients.connections import Connections, MissingCredential
from backstop.plugin.clients.errors import NotFound, VendorError
from backstop.plugin.clients.retry import RetryPolicy
from backstop.plugin.model import DesiredState
from backstop.runbook.doctor.check import Check, failed, passed

if TYPE_CHECKING:
    from backstop.plugin.clients.stripe_client import Collection

QUICK = RetryPolicy(attempts=2, base_delay=0.2, max_delay=1.0, max_retry_after=5.0)
"""A preflight reports a failing service rather than waiting it out."""
PROBE_ID = "backstop_doctor_probe"
STRIPE_FAMILIES: tuple[Collection, ...] = ("webhook_endpoints", "products", "prices", "billing_meters")
"""The Stripe families a backup reads and a restore writes, probed in this order."""
_PERMISSION = re.compile(r"'(rak_([a-z_]+)_(read|write))'")


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
        for collection in STRIPE_FAMILIES:
            step = f"reading {collection.replace('_', ' ')}"
            try:
                await api.get(collection, PROBE_ID)
            except VendorError as exc:
                return _stripe_denied(name, step, exc)
        for collection in STRIPE_FAMILIES:
            step = f"an empty create of {collection.replace('_', ' ')}"
            try:
                await api.may_write(collection)
            except VendorError as exc:
                return _stripe_denied(name, step, exc)
        families = _listed([collection.replace("_", " ") for collection in STRIPE_FAMILIES])
        return passed(name, f"{mode}-mode key reads and may write {families}", restore_needs=True)

    return await _probe(name, call, how)


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _stripe_denied(name: str, step: str, exc: VendorError) -> Check:
    """A 403 naming the permission a restricted key lacks, with where to grant it; anything else as _probe."""
    found = _PERMISSION.search(str(exc)) if exc.status == 403 else None
    if found is None:
        raise exc
    permission, resource, access = found.groups()
    label = resource.replace("_", " ").title() + "s"
    return failed(
        name,
        f"the key lacks the {permission} permission: Stripe answered 403 to {step}",
        f"in the Stripe dashboard, Developers → API keys, edit the restricted key and give {label} "
        f"{access.title()} access ({permission}), or use a key that has it",
        restore_needs=True,
    )


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
