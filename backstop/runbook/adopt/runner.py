"""Adopt live Vercel variables before an `up`, and again when an `up` stops on ENV_CONFLICT."""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pulumi import automation as auto

from backstop.plugin.clients import connections
from backstop.plugin.clients.connections import VERCEL_TOKEN, VercelSettings, session_connections
from backstop.plugin.model.document import DesiredState
from backstop.plugin.model.secret_bearing import SKIP_CHECKPOINTS_ENV
from backstop.runbook.adopt import phases
from backstop.runbook.adopt.phases import TwoPhases
from backstop.runbook.adopt.vercel import (
    Plan,
    component_urn,
    conflicted_keys,
    import_file,
    plan,
    variable_urn,
)
from backstop.runbook.fingerprint import PARTIAL_ENV
from backstop.runbook.workspace import pulumi_cli, workspace_env

if TYPE_CHECKING:
    from backstop.runbook.session import StackSession


class AdoptionError(Exception):
    """Live variables that can't be adopted as declared; the message says what to change."""


@dataclass
class Adopted:
    keys: list[str] = field(default_factory=list)
    rounds: int = 0
    changed: list[str] = field(default_factory=list)
    """URNs the update created, updated, replaced or deleted."""
    phases: list[str] = field(default_factory=list)
    """How the update ran when it ran in two phases (adopt/phases.py), one line per engine run."""


def _settings(session: StackSession, team: str) -> VercelSettings:
    """The stack's Vercel settings for the scope's team; an AdoptionError without a token."""
    settings = replace(session_connections(session).vercel, team=team)
    if not settings.token:
        raise AdoptionError(f"no Vercel token: {VERCEL_TOKEN.how_to_set}")
    return settings


async def _live(settings: VercelSettings, projects: list[str]) -> dict[str, list[dict[str, Any]]]:
    async with connections.vercel_api(settings) as api:
        listed = await asyncio.gather(*(api.env_vars(project) for project in projects))
    return dict(zip(projects, listed, strict=True))


def live_variables(session: StackSession, document: DesiredState) -> dict[str, list[dict[str, Any]]]:
    """The variables of every project in the stack's Vercel scope (none without a scope)."""
    if document.scope.vercel is None:
        return {}
    scope = document.scope.vercel
    return asyncio.run(_live(_settings(session, scope.team), scope.projects))


def managed_urns(session: StackSession) -> set[str]:
    return set(created_times(session))


def created_times(session: StackSession) -> dict[str, datetime]:
    """Each resource in the state, with the time it entered the state (created or imported; a refresh
    moves the state's `modified` time, so that one can't date a write)."""
    return {r["urn"]: _time(r.get("created")) for r in session.resources()}


def _time(text: str | None) -> datetime:
    if not text:
        return datetime.min.replace(tzinfo=UTC)
    # The engine writes nanoseconds; Python parses up to microseconds.
    whole, _, fraction = text.rstrip("Z").partition(".")
    return datetime.fromisoformat(f"{whole}.{(fraction + '000000')[:6]}+00:00")


def adopt(session: StackSession, document: DesiredState, include: set[str] | None = None) -> list[str]:
    """Import the declared variables that already exist live; returns their keys."""
    if document.vercel is None or document.scope.vercel is None or not document.vercel.projects:
        return []
    stack = session.stack
    managed = {r["urn"] for r in session.resources()}
    if component_urn(stack.name) not in managed:
        # The variables are imported under the VercelEnv component, so it must be in the state first.
        try:
            stack.up(target=[component_urn(stack.name)], color="never")
        finally:
            session.invalidate()
    scope = document.scope.vercel
    live = asyncio.run(_live(_settings(session, scope.team), scope.projects))
    found: Plan = plan(document, live, managed, include)
    if found.problems:
        raise AdoptionError("\n".join(found.problems))
    if not found.adoptions:
        return []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "import.json"
        path.write_text(json.dumps(import_file(stack.name, found.adoptions)))
        try:
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
        finally:
            session.invalidate()
    return [a.key for a in found.adoptions]


def up_adopting(
    session: StackSession,
    document: DesiredState,
    include: set[str] | None = None,
    two_phases: TwoPhases | None = None,
    **options: Any,
) -> tuple[auto.UpResult, Adopted]:
    """`up`, after adopting existing variables (and the followed ones in `include`), and once more after
    adopting those an `up` conflicted on; with `two_phases`, the secret-bearing objects first with
    checkpoints, the rest with checkpoints skipped. The session's state is invalidated after each run."""
    stack = session.stack
    adopted = Adopted(keys=adopt(session, document, include))

    def record(event: auto.EngineEvent) -> None:
        outputs = event.res_outputs_event
        if outputs is not None and outputs.metadata.op.value not in UNCHANGED:
            adopted.changed.append(outputs.metadata.urn)

    first_result = None
    if two_phases is not None:
        replaced = options.get("replace") or []
        first = [u for u in replaced if phases.secret_bearing(u)]
        # A targeted run applies part of the document: its fingerprint must never pass for the whole one.
        with workspace_env(**{PARTIAL_ENV: "1"}):
            first_result = _up(
                session, record, {**options, "target": two_phases.targets, "replace": first or None}
            )
        adopted.phases.append(
            f"phase 1: {len(adopted.changed)} change(s) to webhook endpoints and their components, "
            "with checkpoints"
        )
        options = {**options, "replace": [u for u in replaced if u not in first] or None}
    for _ in range(CONFLICT_ROUNDS):
        try:
            result = _phase_two(session, record, options, adopted, two_phases is not None)
            return _with_first(result, first_result), adopted
        except auto.errors.CommandError as exc:
            conflicts = conflicted_keys(str(exc), document)
            if not conflicts:
                raise
            adopted.keys += adopt(session, document, include=conflicts)
            adopted.rounds += 1
            # A replacement that conflicted kept its original live (retain_on_delete): the import just
            # brought that one back, and replacing it again would only conflict again.
            urns = {variable_urn(stack.name, key) for key in conflicts}
            if options.get("replace"):
                options["replace"] = [u for u in options["replace"] if u not in urns] or None
    result = _phase_two(session, record, options, adopted, two_phases is not None)
    return _with_first(result, first_result), adopted


def _with_first(result: auto.UpResult, first: auto.UpResult | None) -> auto.UpResult:
    """Phase 2's result, its change counts including phase 1's (where the endpoints were created)."""
    if first is None:
        return result
    counts = dict(result.summary.resource_changes or {})
    for kind, n in (first.summary.resource_changes or {}).items():
        if str(getattr(kind, "value", kind)) != "same":
            counts[kind] = counts.get(kind, 0) + n
    result.summary.resource_changes = counts
    return result


def _phase_two(
    session: StackSession,
    record: Callable[[auto.EngineEvent], None],
    options: dict[str, Any],
    adopted: Adopted,
    skipping: bool,
) -> auto.UpResult:
    """The whole update; after a phase 1, with checkpoints skipped unless the plugin refuses a
    secret-bearing create in it, which runs it again with them."""
    if not skipping:
        return _up(session, record, options)
    try:
        result = _up(session, record, options, checkpoints=False)
    except auto.errors.CommandError as exc:
        if not phases.refused_without_checkpoints(str(exc)):
            raise
        adopted.phases.append(
            "phase 2 stopped: an object whose secret only the state keeps was not in phase 1; "
            "ran again with checkpoints"
        )
        return _up(session, record, options)
    adopted.phases.append("phase 2: everything else, checkpoints skipped")
    return result


def _up(
    session: StackSession,
    record: Callable[[auto.EngineEvent], None],
    options: dict[str, Any],
    checkpoints: bool = True,
) -> auto.UpResult:
    """One engine run; whether it writes every checkpoint is Backstop's choice, never an inherited
    PULUMI_SKIP_CHECKPOINTS (the plugin would refuse the endpoints it creates)."""
    try:
        with workspace_env(**{SKIP_CHECKPOINTS_ENV: "false" if checkpoints else "true"}):
            return session.stack.up(color="never", on_event=record, **options)
    finally:
        session.invalidate()


CONFLICT_ROUNDS = 3
"""A killed run's plugins can finish their in-flight creates after it died: a few rounds absorb them."""
UNCHANGED = {"same", "read", "refresh", "discard", "import"}
