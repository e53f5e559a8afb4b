"""Adopt live Vercel variables before an `up`, and again when an `up` stops on ENV_CONFLICT."""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from backstop.adopt.vercel import Plan, component_urn, conflicted_keys, import_file, plan, variable_urn
from backstop.clients.vercel_client import VercelApi
from backstop.model.document import DesiredState
from backstop.workspace import export_encrypted, pulumi_cli, stack_secret

TOKEN_CONFIG = "vercel:apiToken"
TOKEN_ENV = "VERCEL_API_TOKEN"


class AdoptionError(Exception):
    """Live variables that can't be adopted as declared; the message says what to change."""


@dataclass
class Adopted:
    keys: list[str] = field(default_factory=list)
    rounds: int = 0
    changed: list[str] = field(default_factory=list)
    """URNs the update created, updated, replaced or deleted."""


async def _live(token: str, team: str, projects: list[str]) -> dict[str, list[dict[str, Any]]]:
    async with VercelApi(token, team, os.environ.get("BACKSTOP_VERCEL_BASE_URL")) as api:
        listed = await asyncio.gather(*(api.env_vars(project) for project in projects))
    return dict(zip(projects, listed, strict=True))


def live_variables(stack: auto.Stack, document: DesiredState) -> dict[str, list[dict[str, Any]]]:
    """The variables of every project in the stack's Vercel scope (none without a scope)."""
    if document.scope.vercel is None:
        return {}
    token = stack_secret(stack, TOKEN_CONFIG, TOKEN_ENV)
    if not token:
        raise AdoptionError(f"no Vercel token: set {TOKEN_CONFIG} (a secret) or {TOKEN_ENV}")
    return asyncio.run(_live(token, document.scope.vercel.team, document.scope.vercel.projects))


def managed_urns(stack_name: str) -> set[str]:
    return set(created_times(stack_name))


def created_times(stack_name: str) -> dict[str, datetime]:
    """Each resource in the state, with the time it entered the state (created or imported; a refresh
    moves the state's `modified` time, so that one can't date a write)."""
    resources = (export_encrypted(stack_name).get("deployment") or {}).get("resources") or []
    return {r["urn"]: _time(r.get("created")) for r in resources}


def _time(text: str | None) -> datetime:
    if not text:
        return datetime.min.replace(tzinfo=UTC)
    # The engine writes nanoseconds; Python parses up to microseconds.
    whole, _, fraction = text.rstrip("Z").partition(".")
    return datetime.fromisoformat(f"{whole}.{(fraction + '000000')[:6]}+00:00")


def adopt(stack: auto.Stack, document: DesiredState, include: set[str] | None = None) -> list[str]:
    """Import the declared variables that already exist live; returns their keys."""
    if document.vercel is None or document.scope.vercel is None or not document.vercel.projects:
        return []
    managed = {
        r["urn"] for r in (export_encrypted(stack.name).get("deployment") or {}).get("resources") or []
    }
    if component_urn(stack.name) not in managed:
        # The variables are imported under the VercelEnv component, so it must be in the state first.
        stack.up(target=[component_urn(stack.name)], color="never")
    token = stack_secret(stack, TOKEN_CONFIG, TOKEN_ENV)
    if not token:
        raise AdoptionError(
            f"no Vercel token: set {TOKEN_CONFIG} (pulumi config set --secret) or {TOKEN_ENV}"
        )
    scope = document.scope.vercel
    found: Plan = plan(document, asyncio.run(_live(token, scope.team, scope.projects)), managed, include)
    if found.problems:
        raise AdoptionError("\n".join(found.problems))
    if not found.adoptions:
        return []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "import.json"
        path.write_text(json.dumps(import_file(stack.name, found.adoptions)))
        pulumi_cli(
            "import",
            "--file",
            str(path),
            "--yes",
            "--generate-code=false",
            "--skip-preview",
            "--stack",
            stack.name,
        )
    return [a.key for a in found.adoptions]


def up_adopting(
    stack: auto.Stack, document: DesiredState, include: set[str] | None = None, **options: Any
) -> tuple[auto.UpResult, Adopted]:
    """`up`, after adopting existing variables (and the followed ones in `include`), and once more after
    adopting those an `up` conflicted on."""
    adopted = Adopted(keys=adopt(stack, document, include))

    def record(event: auto.EngineEvent) -> None:
        outputs = event.res_outputs_event
        if outputs is not None and outputs.metadata.op.value not in UNCHANGED:
            adopted.changed.append(outputs.metadata.urn)

    for _ in range(CONFLICT_ROUNDS):
        try:
            return stack.up(color="never", on_event=record, **options), adopted
        except auto.errors.CommandError as exc:
            conflicts = conflicted_keys(str(exc), document)
            if not conflicts:
                raise
            adopted.keys += adopt(stack, document, include=conflicts)
            adopted.rounds += 1
            # A replacement that conflicted kept its original live (retain_on_delete): the import just
            # brought that one back, and replacing it again would only conflict again.
            urns = {variable_urn(stack.name, key) for key in conflicts}
            if options.get("replace"):
                options["replace"] = [u for u in options["replace"] if u not in urns] or None
    return stack.up(color="never", on_event=record, **options), adopted


CONFLICT_ROUNDS = 3
"""A killed run's plugins can finish their in-flight creates after it died: a few rounds absorb them."""
UNCHANGED = {"same", "read", "refresh", "discard", "import"}
