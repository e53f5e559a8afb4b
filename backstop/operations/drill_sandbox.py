"""The sandbox a drill runs in: a refusal unless every vendor the stack writes to is the sandbox, and the
sandbox account holding the stack's Stripe objects."""

from __future__ import annotations

import os
from typing import Any

import httpx

from backstop.operations.errors import INPUT_ERROR, Failure
from backstop.plugin.clients.connections import session_connections
from backstop.runbook.session import StackSession


def sandbox_url(session: StackSession) -> str:
    """The sandbox the stack talks to, or a refusal: drills never run against real services."""
    url = os.environ.get("BACKSTOP_SANDBOX_URL")
    # Every vendor the plugin writes to: an unset base URL means the real service.
    conn = session_connections(session)
    bases = [base or "" for base in (conn.stripe.base_url, conn.clerk.base_url, conn.svix.base_url)]
    if not url or not all(base.startswith(url) for base in bases):
        raise Failure(
            INPUT_ERROR, 'drills run only against the sandbox: `eval "$(backstop sandbox env)"` first'
        )
    try:
        httpx.get(f"{url}/_sandbox/faults", timeout=5).raise_for_status()
    except httpx.HTTPError as exc:
        raise Failure(INPUT_ERROR, f"no sandbox answers at {url}: {exc}") from None
    return url


def stripe_account(state: dict[str, Any], session: StackSession) -> str:
    """The sandbox account holding the stack's managed Stripe objects."""
    ids = {r["id"] for r in session.resources() if r["type"].startswith("backstop:stripe:") and r.get("id")}
    # Custom product ids repeat across accounts (the derrimut fixture's tiers): the account holding
    # the most of the stack's objects is the stack's own.
    overlap = {
        str(account): sum(
            len(ids & set(objects)) for name, objects in collections.items() if not name.startswith("_")
        )
        for account, collections in state.get("stripe", {}).items()
    }
    best = max(overlap, key=lambda account: overlap[account], default=None)
    if best is not None and overlap[best]:
        return best
    raise Failure(
        INPUT_ERROR, f"{session.name} manages no Stripe object in the sandbox: run `pulumi up` first"
    )
