"""The runbook's disaster scenarios, as changes to the sandbox's state (dump → edit → load).

Each scenario works inside the stack's own accounts and scope only, so a drill on staging never touches
prod: its Stripe account, its Clerk instance (and that instance's Svix application), the Vapi objects its
name scope owns, and the Vercel projects it owns.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from backstop.plugin.model import DesiredState

State = dict[str, Any]


@dataclass(frozen=True)
class Where:
    """The parts of the sandbox a stack owns."""

    stripe_account: str
    clerk_instance: str | None = None
    vapi_org: str | None = None
    vapi_owns: Callable[[str], bool] = lambda name: False
    vercel_team: str | None = None
    vercel_projects: list[str] = field(default_factory=list)


Scenario = Callable[[State, Where], list[str]]
"""Edits the dumped state in place inside the stack's scope; returns what it broke."""


def where(document: DesiredState, stripe_account: str, state: State) -> Where:
    scope = document.scope
    vapi_org = None
    if scope.vapi is not None:
        vapi_org = next(
            (org for org, objects in state.get("vapi", {}).items() if _org_id(objects) == scope.vapi.org_id),
            None,
        )
    return Where(
        stripe_account=stripe_account,
        clerk_instance=scope.clerk.instance if scope.clerk and document.clerk else None,
        vapi_org=vapi_org if document.vapi else None,
        vapi_owns=scope.vapi.owns if scope.vapi else (lambda name: False),
        vercel_team=scope.vercel.team if scope.vercel and document.vercel else None,
        vercel_projects=list(scope.vercel.projects) if scope.vercel and document.vercel else [],
    )


def _org_id(objects: dict[str, Any]) -> str | None:
    for name in ("assistants", "tools", "squads"):
        for item in (objects.get(name) or {}).values():
            if isinstance(item, dict) and item.get("orgId"):
                return str(item["orgId"])
    return None


def _stripe(state: State, at: Where) -> dict[str, dict[str, Any]]:
    collections: dict[str, dict[str, Any]] = state.setdefault("stripe", {}).setdefault(at.stripe_account, {})
    return collections


def _name(item: dict[str, Any]) -> str:
    return str(item.get("name") or (item.get("function") or {}).get("name") or "")


def _vapi(state: State, at: Where, families: tuple[str, ...]) -> list[str]:
    if at.vapi_org is None:
        return []
    org = state.get("vapi", {}).get(at.vapi_org, {})
    broken = []
    for family in families:
        objects = org.get(family) or {}
        for object_id in [i for i, item in objects.items() if at.vapi_owns(_name(item))]:
            broken.append(f"vapi {family[:-1]} {_name(objects.pop(object_id))} deleted")
    return broken


def _clerk(state: State, at: Where, collections: tuple[str, ...]) -> list[str]:
    if at.clerk_instance is None:
        return []
    instance = state.get("clerk", {}).get(at.clerk_instance, {})
    broken = []
    for name in collections:
        if instance.get(name):
            broken.append(f"clerk {name}: {len(instance[name])} deleted")
            instance[name] = {}
    return broken


def _svix(state: State, at: Where) -> list[str]:
    if at.clerk_instance is None:
        return []
    app = state.get("svix", {}).get(at.clerk_instance, {})
    endpoints = app.get("endpoints") or {}
    broken = [f"clerk (svix) webhook endpoint {e.get('url')} deleted" for e in endpoints.values()]
    if endpoints:
        app["endpoints"], app["endpoint_order"] = {}, {}
    return broken


def _vercel(state: State, at: Where) -> list[str]:
    broken = []
    for project_id in at.vercel_projects:
        project = state.get("vercel", {}).get(at.vercel_team or "", {}).get("projects", {}).get(project_id)
        if project and project.get("env"):
            broken.append(f"vercel {project_id}: {len(project['env'])} environment variables deleted")
            project["env"] = []
    return broken


def complete_loss(state: State, at: Where) -> list[str]:
    """A: every managed object is gone (the accounts emptied)."""
    stripe = _stripe(state, at)
    broken = [
        f"stripe {name}: {len(objects)} deleted"
        for name, objects in stripe.items()
        if not name.startswith("_")
    ]
    for name in list(stripe):
        if not name.startswith("_"):
            stripe[name] = {}
    broken += _clerk(state, at, ("redirect_urls", "jwt_templates", "allowlist_identifiers"))
    broken += _svix(state, at)
    broken += _vapi(state, at, ("squads", "assistants", "tools"))
    return broken + _vercel(state, at)


def corrupted(state: State, at: Where) -> list[str]:
    """B: critical objects edited wrongly: endpoints disabled, products renamed, the agent's words changed."""
    stripe = _stripe(state, at)
    broken = []
    for endpoint in stripe.get("webhook_endpoints", {}).values():
        endpoint.update(status="disabled", enabled_events=["charge.refunded"], description="corrupted")
        broken.append(f"webhook endpoint {endpoint['url']}: disabled, events cut")
    for product in stripe.get("products", {}).values():
        product.update(name=f"CORRUPTED {product['name']}", default_price=None)
        broken.append(f"product {product['id']}: renamed, default price unset")
    for price in stripe.get("prices", {}).values():
        price["nickname"] = "corrupted"
    if at.vapi_org is not None:
        for assistant in (state.get("vapi", {}).get(at.vapi_org, {}).get("assistants") or {}).values():
            if at.vapi_owns(_name(assistant)):
                assistant["firstMessage"] = "CORRUPTED"
                broken.append(f"vapi assistant {_name(assistant)}: first message overwritten")
    return broken


def env_vars_deleted(state: State, at: Where) -> list[str]:
    """C: every environment variable of the stack's Vercel projects deleted."""
    return _vercel(state, at)


def third_party_deleted(state: State, at: Where) -> list[str]:
    """D: third-party configuration deleted: webhooks, redirect URLs, the voice agent."""
    stripe = _stripe(state, at)
    endpoints = stripe.get("webhook_endpoints", {})
    broken = [f"stripe webhook endpoint {e['url']} deleted" for e in endpoints.values()]
    stripe["webhook_endpoints"] = {}
    broken += _clerk(state, at, ("redirect_urls",))
    broken += _svix(state, at)
    return broken + _vapi(state, at, ("squads", "assistants", "tools"))


SCENARIOS: dict[str, tuple[str, Scenario]] = {
    "A": ("complete loss of every managed object", complete_loss),
    "B": ("corrupted critical data", corrupted),
    "C": ("all environment variables deleted", env_vars_deleted),
    "D": ("third-party configuration deleted", third_party_deleted),
}


def apply(state: State, scenario: str, at: Where) -> tuple[State, list[str]]:
    broken_state = copy.deepcopy(state)
    return broken_state, SCENARIOS[scenario][1](broken_state, at)
