"""The document's Clerk OAuth providers against the instance's, for `drift` and a restore's report."""

from __future__ import annotations

import asyncio

import httpx

from backstop.plugin.clients import connections
from backstop.plugin.clients.clerk_frontend import social_connections
from backstop.plugin.clients.connections import ClerkSettings, MissingCredential, session_connections
from backstop.plugin.clients.errors import VendorError
from backstop.plugin.model import DesiredState
from backstop.runbook.drift.oauth import OAuthDifference, differences
from backstop.runbook.session import StackSession


async def _live(settings: ClerkSettings) -> dict[str, dict[str, object]]:
    api = connections.clerk_api(settings)
    try:
        return await social_connections(api, settings.frontend_base_url)
    finally:
        await api.aclose()


def oauth_check(session: StackSession, document: DesiredState) -> tuple[list[OAuthDifference], str | None]:
    """(the differences, None), or ([], why they could not be read); ([], None) when none are declared."""
    clerk = document.clerk
    if clerk is None or clerk.oauth_providers is None or document.scope.clerk is None:
        return [], None
    try:
        live = asyncio.run(_live(session_connections(session).clerk))
    except (VendorError, MissingCredential, httpx.HTTPError) as exc:
        return [], f"clerk oauth providers not checked: {(str(exc).splitlines() or [''])[0][:200]}"
    except (ValueError, TypeError, AttributeError) as exc:  # an answer of another shape than documented
        return [], f"clerk oauth providers not checked: unexpected answer ({type(exc).__name__})"
    return differences(clerk.oauth_providers, live), None


def dashboard_steps(found: list[OAuthDifference], document: DesiredState) -> list[str]:
    scope = document.scope.clerk
    if scope is None:
        return []
    return [d.step(scope.instance, scope.environment) for d in found]
