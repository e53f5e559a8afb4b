"""Where an app's variables live in the sandbox, and the value each holds for the app's host."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from sandbox.apps.models import Host
from sandbox.core.context import Sandbox

VENDOR = "apps"
HOSTS = "hosts"
CONVEX_VARIABLES = "_environment_variables"
"""The Convex deployment's variables, as sandbox/convex/environment.py keeps them."""


class HostError(Exception):
    """A host entry of the table that doesn't parse (an edit loaded through the control API)."""


def find_host(sandbox: Sandbox, host: str) -> Host | None:
    """The app declared at `host` (case-insensitive, any fixture), or None."""
    for tables in sandbox.store.data.get(VENDOR, {}).values():
        entry = {name.lower(): value for name, value in tables.get(HOSTS, {}).items()}.get(host.lower())
        if entry is not None:
            try:
                return Host.model_validate(entry)
            except ValidationError as exc:
                raise HostError(f"the sandbox's entry for host {host} is invalid: {exc}") from None
    return None


def declare(sandbox: Sandbox, fixture: str, host: str, app: Host) -> None:
    sandbox.store.collection(VENDOR, fixture, HOSTS)[host] = app.model_dump(mode="json", exclude_none=True)


def where(sandbox: Sandbox, app: Host) -> str:
    """Where the app's variables live, as a person would look for them."""
    if app.runtime == "convex":
        return f"Convex deployment {app.deployment}"
    project = _project(sandbox, app) or {}
    name = project.get("name")
    branch = f" (branch {app.git_branch})" if app.git_branch else ""
    label = f"{name} ({app.project})" if name else str(app.project)
    return f"Vercel project {label}, target {app.target}{branch}"


def variable(sandbox: Sandbox, app: Host, name: str) -> str | None:
    """The value the app's runtime sees for `name`, or None when it is not set there."""
    if app.runtime == "convex":
        assert app.deployment is not None
        row = sandbox.store.collection("convex", app.deployment, CONVEX_VARIABLES).get(name)
        return None if row is None else str(row["value"])
    project = _project(sandbox, app)
    if project is None:
        return None
    matching = [
        env
        for env in project.get("env") or []
        if env.get("key") == name and app.target in (env.get("target") or [])
    ]
    # A branch's own value wins over the branch-less one, as Vercel resolves preview variables.
    for env in sorted(matching, key=lambda e: e.get("gitBranch") is None):
        if env.get("gitBranch") in (None, app.git_branch):
            return str(env.get("value") or "")
    return None


def _project(sandbox: Sandbox, app: Host) -> dict[str, Any] | None:
    assert app.team is not None and app.project is not None
    return sandbox.store.collection("vercel", app.team, "projects").get(app.project)
