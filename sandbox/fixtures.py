"""Named fixtures for `POST /_sandbox/fixtures/<name>`: each vendor seeds its part."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.clerk import fixtures as clerk_fixtures
from sandbox.convex import fixtures as convex_fixtures
from sandbox.core.context import Sandbox
from sandbox.stripe import fixtures as stripe_fixtures
from sandbox.vapi import fixtures as vapi_fixtures
from sandbox.vercel import fixtures as vercel_fixtures


def derrimut(sandbox: Sandbox) -> dict[str, Any]:
    """The runbook's platform: a prod and a staging side (see each vendor's fixtures module)."""
    return {
        "stripe": stripe_fixtures.derrimut(sandbox),
        "clerk": clerk_fixtures.derrimut(sandbox),
        "vercel": vercel_fixtures.derrimut(sandbox),
        "vapi": vapi_fixtures.derrimut(sandbox),
        "convex": convex_fixtures.derrimut(sandbox),
    }


def kestrel(sandbox: Sandbox) -> dict[str, Any]:
    """Another team, so nothing quietly depends on derrimut's shape: Kestrel Physio, a staging side only,
    no Vapi and no Convex, two Vercel projects, and a catalog of one-time, recurring and metered prices."""
    return {
        "stripe": stripe_fixtures.kestrel(sandbox),
        "clerk": clerk_fixtures.kestrel(sandbox),
        "vercel": vercel_fixtures.kestrel(sandbox),
    }


FIXTURES: dict[str, Callable[[Sandbox], dict[str, Any]]] = {"derrimut": derrimut, "kestrel": kestrel}
