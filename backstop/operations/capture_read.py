"""Reading the live configuration of a stack's accounts, inside its scope, into a desired-state document."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML

from backstop.operations.errors import INPUT_ERROR, Failure
from backstop.plugin.clients import connections
from backstop.plugin.clients.connections import (
    CLERK_SECRET_KEY,
    CONVEX_ADMIN_KEY,
    STRIPE_API_KEY,
    VAPI_API_KEY,
    VERCEL_TEAM,
    VERCEL_TOKEN,
    Connections,
    MissingCredential,
    session_connections,
)
from backstop.plugin.model.vapi import VapiScope
from backstop.runbook.capture.clerk import capture as capture_clerk
from backstop.runbook.capture.convex import capture as capture_convex
from backstop.runbook.capture.stripe import capture as capture_stripe
from backstop.runbook.capture.vapi import OutsideOrg
from backstop.runbook.capture.vapi import capture as capture_vapi
from backstop.runbook.capture.vercel import Captured as CapturedVercel
from backstop.runbook.capture.vercel import capture as capture_vercel
from backstop.runbook.session import StackSession

VENDORS = frozenset({"stripe", "clerk", "vapi", "vercel", "convex"})
DEPLOYMENT_CONFIG = "platform-config:convexDeployment"


def _current(session: StackSession) -> dict[str, Any]:
    """The stack's current document (capture reads inside its scope and keeps its keys), if there is one."""
    path = session.path
    if not path.exists():
        return {}
    data = YAML(typ="safe").load(path.read_text()) or {}
    return data if isinstance(data, dict) else {}


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    return dict(value) if isinstance(value, dict) else {}


def _clerk(
    conn: Connections, scope: dict[str, Any], current: dict[str, Any], owner: Any, result: Capture
) -> None:
    """`current` is the old document's clerk section, which lends its keys and write-only settings only
    when `owner` (the old document's scope.clerk.instance) is the instance the key belongs to."""
    declared = _section(scope, "clerk")
    if not conn.clerk.secret_key:
        if declared:
            raise Failure(
                INPUT_ERROR,
                f"scope.clerk names instance {declared.get('instance')} but there is no Clerk secret key: "
                f"{CLERK_SECRET_KEY.how_to_set}",
            )
        result.not_captured.append(f"clerk: not read (no {CLERK_SECRET_KEY.key} or {CLERK_SECRET_KEY.env})")
        return

    async def read() -> None:
        api = connections.clerk_api(conn.clerk)
        try:
            instance = await api.instance()
            if declared and instance.get("id") != declared.get("instance"):
                raise Failure(
                    INPUT_ERROR,
                    f"the Clerk secret key belongs to instance {instance.get('id')}, but the stack's "
                    f"scope.clerk.instance is {declared.get('instance')}: nothing was captured",
                )
            scope["clerk"] = declared or {
                "instance": instance["id"],
                "environment": instance.get("environment_type", "development"),
            }
            same = owner == instance.get("id")
            captured = await capture_clerk(
                api, conn.svix, current if same else {}, conn.clerk.frontend_base_url
            )
        finally:
            await api.aclose()
        result.document["clerk"] = captured.section
        result.not_captured += captured.not_captured

    asyncio.run(read())


def _vapi(
    session: StackSession, conn: Connections, scope: dict[str, Any], current: dict[str, Any], result: Capture
) -> None:
    raw = scope.get("vapi")
    if not isinstance(raw, dict):
        result.not_captured.append(
            "vapi: not read: the stack's document has no scope.vapi. Vapi orgs are shared, so declare "
            'which part this stack owns first (`scope: {vapi: {org_id: <org uuid>, prefix: "staging-"}}`, '
            "see README, Vapi) and capture again"
        )
        return
    try:
        scope_vapi = VapiScope.model_validate(raw)
    except ValidationError as exc:
        where = session.path
        raise Failure(INPUT_ERROR, f"{where}: scope.vapi: {exc.errors()[0]['msg']}") from None
    if not conn.vapi.api_key:
        raise Failure(
            INPUT_ERROR, f"scope.vapi is declared but there is no Vapi API key: {VAPI_API_KEY.how_to_set}"
        )

    async def read() -> None:
        api = connections.vapi_api(conn.vapi)
        try:
            captured = await capture_vapi(api, scope_vapi, current)
        except OutsideOrg as exc:
            raise Failure(INPUT_ERROR, str(exc)) from None
        finally:
            await api.aclose()
        result.document["vapi"] = captured.section
        result.not_captured += captured.not_captured
        result.followable.update(captured.followable)

    asyncio.run(read())


NATURAL_KEYS = {"webhook_endpoints": "url", "squads": "name", "assistants": "name"}
"""What capture matches a followable object by: an endpoint's URL, a Vapi object's name."""


def _rewire(path: str, old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """An output path of the old document (`stripe.webhook_endpoints.<key>.secret`,
    `vapi.squads.<key>.id`) → the path of the same object in the captured one, matched by its natural key
    (capture keys Stripe endpoints by URL), or None."""
    parts = path.split(".")
    natural = NATURAL_KEYS.get(parts[1]) if len(parts) == 4 else None
    if natural is None:
        return None
    vendor, collection, key, field_name = parts
    items = [e for e in _section(old, vendor).get(collection) or [] if isinstance(e, dict)]
    wanted = next((e.get(natural) for e in items if e.get("key") == key), None)
    found = next(
        (
            e["key"]
            for e in _section(new, vendor).get(collection) or []
            if isinstance(e, dict) and wanted and e.get(natural) == wanted
        ),
        None,
    )
    return f"{vendor}.{collection}.{found}.{field_name}" if found else None


def _convex(
    session: StackSession,
    conn: Connections,
    scope: dict[str, Any],
    old: dict[str, Any],
    result: Capture,
) -> None:
    """The deployment is the document's scope.convex.deployment, else the stack's database deployment
    (`platform-config:convexDeployment`). `old` is the current document: variables it wires to an
    endpoint stay wired to it when the captured document declares the endpoint."""
    current = _section(old, "convex")
    declared = _section(scope, "convex").get("deployment")
    config = session.config()
    deployment = declared or (config[DEPLOYMENT_CONFIG].value if DEPLOYMENT_CONFIG in config else None)
    if not deployment:
        result.not_captured.append(
            "convex: environment variables not read (no scope.convex.deployment or platform-config:"
            "convexDeployment)"
        )
        return
    if not conn.convex.admin_key:
        if declared:
            raise Failure(
                INPUT_ERROR,
                f"scope.convex names deployment {deployment} but there is no Convex admin key: "
                f"{CONVEX_ADMIN_KEY.how_to_set}",
            )
        result.not_captured.append(f"convex: environment variables not read (no {CONVEX_ADMIN_KEY.key})")
        return

    async def read() -> None:
        api = connections.convex_api(conn.convex, deployment)
        try:
            captured = await capture_convex(
                api, current, lambda path: _rewire(path, old, result.document), result.followable
            )
        finally:
            await api.aclose()
        scope["convex"] = {"deployment": deployment}
        if captured.section["env"]:
            result.document["convex"] = captured.section
        result.secrets.update(captured.secrets)

    asyncio.run(read())


def read_live(
    session: StackSession,
    vercel_projects: list[str],
    vercel_team: str | None,
    vendors: frozenset[str] = VENDORS,
    values: bool = True,
) -> Capture:
    """The live configuration inside the stack's scope, as a desired-state document (not yet validated);
    only `vendors` are read (Stripe's key is required when Stripe is one of them). The current document's
    smoke and data checks and recovery targets are kept as they are: they are not live configuration.
    `values` False skips reading Vercel variables' values one by one (drift's unmanaged check compares
    names and targets only)."""
    current = _current(session)
    captured = _read_vendors(session, current, vercel_projects, vercel_team, vendors, values)
    for section in ("checks", "verify", "targets"):
        if isinstance(current.get(section), list | dict):
            captured.document[section] = current[section]
    return captured


def _read_vendors(
    session: StackSession,
    current: dict[str, Any],
    vercel_projects: list[str],
    vercel_team: str | None,
    vendors: frozenset[str],
    values: bool = True,
) -> Capture:
    stack_name = session.name
    conn = session_connections(session)
    scope = {k: v for k, v in _section(current, "scope").items() if k in vendors}
    document: dict[str, Any] = {"version": 1, "stack": stack_name, "scope": scope}
    result = Capture(document, [])
    if "stripe" in vendors:
        try:
            stripe = connections.stripe_api(conn.stripe)
        except MissingCredential:
            raise Failure(
                INPUT_ERROR, f"no Stripe API key for {stack_name}: {STRIPE_API_KEY.how_to_set}"
            ) from None
        captured = asyncio.run(capture_stripe(stripe))
        scope["stripe"] = {"mode": "live" if conn.stripe.live else "test"}
        document["stripe"] = captured.section
        result.not_captured += captured.not_captured
    if "clerk" in vendors:
        owner = _section(_section(current, "scope"), "clerk").get("instance")
        _clerk(conn, scope, _section(current, "clerk"), owner, result)
    if "vapi" in vendors:
        _vapi(session, conn, scope, _section(current, "vapi"), result)
    if "convex" in vendors:
        _convex(session, conn, scope, current, result)
    if "vercel" not in vendors:
        return result

    vercel_scope = scope.get("vercel") or {}
    projects = vercel_projects or list(vercel_scope.get("projects") or [])
    settings = replace(conn.vercel, team=vercel_team or vercel_scope.get("team") or conn.vercel.team)
    if projects:
        if not settings.token or not settings.team:
            raise Failure(
                INPUT_ERROR,
                f"capturing Vercel needs {VERCEL_TOKEN.key} (a secret, or {VERCEL_TOKEN.env}) and "
                f"{VERCEL_TEAM.key} (or {VERCEL_TEAM.env}, or --vercel-team)",
            )
        scope["vercel"] = {"team": settings.team, "projects": projects}

        async def read_vercel() -> CapturedVercel:
            async with connections.vercel_api(settings) as api:
                return await capture_vercel(api, projects, result.followable, values)

        vercel = asyncio.run(read_vercel())
        document["vercel"] = vercel.section
        result.secrets.update(vercel.secrets)
        result.not_captured += vercel.not_captured
    return result


@dataclass
class Capture:
    document: dict[str, Any]
    not_captured: list[str]
    secrets: dict[str, str] = field(default_factory=dict)
    """Readable secret values, stored encrypted in the stack's config (never in the document)."""
    followable: dict[str, str] = field(default_factory=dict)
    """Live id → output path (`vapi.squads.<key>.id`) of the objects captured: variables holding one
    follow it."""

    def text(self) -> str:
        buffer = io.StringIO()
        buffer.write(
            f"# Desired state of the {self.document['stack']} stack, captured from the live services by "
            "`backstop capture`.\n"
        )
        YAML().dump(self.document, buffer)
        return buffer.getvalue()
