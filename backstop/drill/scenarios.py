"""The runbook's disaster scenarios, as changes to the sandbox's state (dump → edit → load).

Each scenario works inside the stack's own accounts only, so a drill on staging never touches prod.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

State = dict[str, Any]
Scenario = Callable[[State, str], list[str]]
"""Edits the dumped state in place for the stack's Stripe account; returns what it broke."""


def _stripe(state: State, account: str) -> dict[str, dict[str, Any]]:
    collections: dict[str, dict[str, Any]] = state.setdefault("stripe", {}).setdefault(account, {})
    return collections


def complete_loss(state: State, account: str) -> list[str]:
    """A: every managed object is gone (the account emptied)."""
    stripe = _stripe(state, account)
    broken = [
        f"{name}: {len(objects)} deleted" for name, objects in stripe.items() if not name.startswith("_")
    ]
    for name in list(stripe):
        if not name.startswith("_"):
            stripe[name] = {}
    return broken


def corrupted(state: State, account: str) -> list[str]:
    """B: critical objects edited wrongly: endpoints disabled, products renamed, default prices lost."""
    stripe = _stripe(state, account)
    broken = []
    for endpoint in stripe.get("webhook_endpoints", {}).values():
        endpoint.update(status="disabled", enabled_events=["charge.refunded"], description="corrupted")
        broken.append(f"webhook endpoint {endpoint['url']}: disabled, events cut")
    for product in stripe.get("products", {}).values():
        product.update(name=f"CORRUPTED {product['name']}", default_price=None)
        broken.append(f"product {product['id']}: renamed, default price unset")
    for price in stripe.get("prices", {}).values():
        price["nickname"] = "corrupted"
    return broken


def third_party_deleted(state: State, account: str) -> list[str]:
    """D: third-party configuration deleted: the webhook endpoints."""
    stripe = _stripe(state, account)
    endpoints = stripe.get("webhook_endpoints", {})
    broken = [f"webhook endpoint {e['url']} deleted" for e in endpoints.values()]
    stripe["webhook_endpoints"] = {}
    return broken


UNAVAILABLE = {"C": "scenario C (all environment variables deleted) needs Vercel env vars, not managed yet"}
SCENARIOS: dict[str, tuple[str, Scenario]] = {
    "A": ("complete loss of every managed object", complete_loss),
    "B": ("corrupted critical data", corrupted),
    "D": ("third-party configuration deleted", third_party_deleted),
}


def apply(state: State, scenario: str, account: str) -> tuple[State, list[str]]:
    broken_state = copy.deepcopy(state)
    return broken_state, SCENARIOS[scenario][1](broken_state, account)
