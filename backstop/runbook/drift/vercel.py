"""Vercel variables: sensitive values changed out of band, and live variables no stack declares.

Vercel never returns a sensitive value, so a refresh can't see it change. Each variable's `updatedAt`
can: one newer than both the end of the stack's last successful update and the time the variable entered
the state was written by someone else. The second bound covers runs that were killed: what they created
is in the state with its time, though their update never succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from backstop.plugin.model.document import DesiredState
from backstop.runbook.adopt.vercel import variable_urn

SLACK = timedelta(seconds=2)
"""The engine's update history keeps whole seconds: a write in the update's last second is its own."""


@dataclass(frozen=True)
class OutOfBand:
    key: str
    name: str
    targets: list[str]
    updated_at: datetime
    urn: str


@dataclass(frozen=True)
class Unmanaged:
    project: str
    name: str
    targets: list[str]
    env_id: str


def _targets(live: dict[str, Any]) -> list[str]:
    target = live.get("target") or []
    return sorted([target] if isinstance(target, str) else target)


def _slot(name: str, targets: list[str], branch: str | None) -> tuple[str, tuple[str, ...], str | None]:
    return name, tuple(sorted(targets)), branch


def classify(
    document: DesiredState,
    live: dict[str, list[dict[str, Any]]],
    managed: set[str],
    baseline: datetime | None,
    created: dict[str, datetime] | None = None,
) -> tuple[list[OutOfBand], list[Unmanaged]]:
    """`live`: each scoped project's variables; `baseline`: end of the last successful update, if any;
    `created`: when each resource entered the state, by URN."""
    out_of_band: list[OutOfBand] = []
    unmanaged: list[Unmanaged] = []
    declared = document.vercel.variables() if document.vercel else []
    scope = document.scope.vercel.projects if document.scope.vercel else []
    for project_id in scope:
        wanted = {
            _slot(var.name, list(var.targets), var.git_branch): var
            for project, var in declared
            if project.id == project_id
        }
        for item in live.get(project_id, []):
            var = wanted.get(_slot(item["key"], _targets(item), item.get("gitBranch") or None))
            if var is None:
                unmanaged.append(Unmanaged(project_id, item["key"], _targets(item), item["id"]))
                continue
            urn = variable_urn(document.stack, var.key)
            updated = datetime.fromtimestamp(int(item.get("updatedAt") or 0) / 1000, UTC)
            own = (created or {}).get(urn)
            since = max(baseline, own) if baseline is not None and own is not None else baseline
            if var.sensitive and urn in managed and since is not None and updated > since + SLACK:
                out_of_band.append(OutOfBand(var.key, var.name, list(var.targets), updated, urn))
    return out_of_band, unmanaged
