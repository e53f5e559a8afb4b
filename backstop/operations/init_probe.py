"""`backstop init`'s first calls: each chosen credential read with once, before anything is written.

A key the vendor refuses, or a Vercel project the token can't see, is bad input (exit 2) naming the
environment variable or flag and the fix; nothing is created. Reads only.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping

from backstop.operations.errors import INPUT_ERROR, Failure
from backstop.plugin.clients import connections as conn
from backstop.plugin.clients.errors import NotFound, VendorError
from backstop.runbook.doctor.vendors import PROBE_ID, QUICK


def _refused(setting: conn.Setting, vendor: str, exc: VendorError) -> Failure:
    return Failure(
        INPUT_ERROR,
        f"{setting.env}: {vendor} refused it ({exc}); check the key, nothing was written",
    )


async def _stripe(links: conn.Connections) -> None:
    try:
        await conn.stripe_api(links.stripe, QUICK).get("webhook_endpoints", PROBE_ID)
    except VendorError as exc:
        if exc.status in (401, 403):
            raise _refused(conn.STRIPE_API_KEY, "Stripe", exc) from None
        raise


async def _clerk(links: conn.Connections) -> None:
    api = conn.clerk_api(links.clerk, QUICK)
    try:
        await api.instance()
    except VendorError as exc:
        if exc.status in (401, 403):
            raise _refused(conn.CLERK_SECRET_KEY, "Clerk", exc) from None
        raise
    finally:
        await api.aclose()


async def _vercel(links: conn.Connections, team: str, projects: tuple[str, ...]) -> None:
    settings = dataclasses.replace(links.vercel, team=team)
    async with conn.vercel_api(settings, QUICK) as api:
        for project in projects:
            try:
                await api.env_vars(project)
            except NotFound:
                raise Failure(
                    INPUT_ERROR,
                    f"--vercel-project {project}: not visible in team {team} with this token; check the "
                    "project id and --vercel-team, nothing was written",
                ) from None
            except VendorError as exc:
                if exc.status in (401, 403):
                    raise _refused(conn.VERCEL_TOKEN, "Vercel", exc) from None
                raise


def credentials(
    chosen: list[str], env: Mapping[str, str], vercel_team: str | None, vercel_projects: tuple[str, ...]
) -> None:
    """Raises a Failure (exit 2) for the first credential or scope the vendors refuse."""
    links = conn.Connections.resolve({}, env)

    async def run() -> None:
        if "stripe" in chosen:
            await _stripe(links)
        if "clerk" in chosen:
            await _clerk(links)
        if "vercel" in chosen:
            await _vercel(links, vercel_team or env["VERCEL_TEAM"], vercel_projects)

    asyncio.run(run())
