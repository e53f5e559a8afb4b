"""Which live Vercel variables a stack's declared variables are, so `pulumi import` can adopt them.

A declared variable is matched to a live one of the same project with the same name, the same target set
and the same git branch. Only the stack's own projects (its scope) are listed. A variable that follows a
webhook secret is imported only once an `up` has tried to create it (its ENV_CONFLICT names it): until
then the program may leave it undeclared (unknown secret), and an imported but undeclared variable would
be deleted by the next `up`. One that follows an object id (`vapi.squads.<key>.id`) is always declared, so
it is imported like an inline one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from backstop.plugin.model.document import DesiredState
from backstop.plugin.model.vercel import EnvVar, Project

PROJECT = "platform-config"
COMPONENT_TYPE = "backstop:components:VercelEnv"
COMPONENT_NAME = "vercel"
ENV_TYPE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"
RESOURCE_PREFIX = "vercel-env-"
_NAME = re.compile(re.escape(RESOURCE_PREFIX) + r"([a-z0-9][a-z0-9-]*)")


@dataclass(frozen=True)
class Adoption:
    key: str
    name: str
    targets: tuple[str, ...]
    import_id: str


@dataclass(frozen=True)
class Plan:
    adoptions: list[Adoption]
    problems: list[str]
    """Live variables that overlap a declared one without matching it: adopting them needs a human."""


def component_urn(stack: str) -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{COMPONENT_TYPE}::{COMPONENT_NAME}"


def variable_urn(stack: str, key: str) -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{COMPONENT_TYPE}${ENV_TYPE}::{RESOURCE_PREFIX}{key}"


_CONFLICT = re.compile(
    r"A variable with the name `(?P<name>[^`]+)` already exists for the target (?P<target>[\w-]+)"
    r"(?: on branch (?P<branch>\S+))?.*?conflicting environment variable ID is "
    r"[^/\s]+/(?P<project>[^/\s]+)/\S+"
)


def conflicted_keys(engine_output: str, document: DesiredState | None = None) -> set[str]:
    """Keys of the variables whose create failed with ENV_CONFLICT, from the engine's output.

    The error names the resource on its own line, or under a `type (name):` heading in the diagnostics.
    When the engine shut down first ("Resource monitor has terminated"), the error may come under the
    stack's heading instead: the conflict message's name, target and project then name the variable.
    """
    keys: set[str] = set()
    heading: str | None = None
    for line in engine_output.splitlines():
        named = _NAME.findall(line)
        if line.rstrip().endswith("):"):
            heading = named[-1] if named else None
        if "ENV_CONFLICT" in line:
            keys.update(named or ([heading] if heading else []))
            keys.update(_declared_key(match, document) for match in _CONFLICT.finditer(line))
    keys.discard("")
    return keys


def _declared_key(conflict: re.Match[str], document: DesiredState | None) -> str:
    if document is None or document.vercel is None:
        return ""
    branch = conflict["branch"] if conflict["branch"] not in (None, "undefined") else None
    for project, var in document.vercel.variables():
        same = var.name == conflict["name"] and var.git_branch == branch
        if same and project.id == conflict["project"] and conflict["target"] in var.targets:
            return var.key
    return ""


def plan(
    document: DesiredState,
    live: dict[str, list[dict[str, Any]]],
    managed: set[str],
    include: set[str] | None = None,
) -> Plan:
    """`live` holds each scoped project's variables; `managed` the URNs already in the state.

    `include` adds variables that follow webhook secrets (those an `up` found in conflict).
    """
    assert document.vercel is not None and document.scope.vercel is not None
    team = document.scope.vercel.team
    adoptions: list[Adoption] = []
    problems: list[str] = []
    for project, var in document.vercel.variables():
        if variable_urn(document.stack, var.key) in managed:
            continue
        follows = var.value_from is not None and var.value_from.follows_secret
        if follows and var.key not in (include or set()):
            continue
        match, overlapping = _find(project, var, live.get(project.id, []))
        if match is not None:
            adoptions.append(
                Adoption(var.key, var.name, tuple(var.targets), f"{team}/{project.id}/{match['id']}")
            )
        elif overlapping:
            problems.append(
                f"{var.name} ({', '.join(var.targets)}) in project {project.key}: the live variable "
                f"{overlapping['id']} has targets {', '.join(_targets(overlapping))}: Vercel can't hold both."
                " Change the document to match it, or remove it in Vercel, then run again."
            )
    return Plan(adoptions, problems)


def import_file(stack: str, adoptions: list[Adoption]) -> dict[str, Any]:
    """The `pulumi import --file` document that adopts these variables under the VercelEnv component."""
    return {
        "nameTable": {COMPONENT_NAME: component_urn(stack)},
        "resources": [
            {
                "type": ENV_TYPE,
                "name": f"{RESOURCE_PREFIX}{a.key}",
                "id": a.import_id,
                "parent": COMPONENT_NAME,
            }
            for a in adoptions
        ],
    }


def _targets(live: dict[str, Any]) -> list[str]:
    target = live.get("target") or []
    return sorted([target] if isinstance(target, str) else target)


def _find(
    project: Project, var: EnvVar, live: list[dict[str, Any]]
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    overlapping = None
    for candidate in live:
        if candidate.get("key") != var.name or (candidate.get("gitBranch") or None) != var.git_branch:
            continue
        if _targets(candidate) == sorted(var.targets):
            return candidate, None
        if set(_targets(candidate)) & set(var.targets):
            overlapping = candidate
    return None, overlapping
