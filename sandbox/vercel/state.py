"""The stored objects of one Vercel team, the team scope of a request, and the objects' JSON shapes.

A project is stored as Vercel's Project JSON, its environment variables in its `env` array with their
values in plaintext (the dump shows them), its deploy hooks in `link.deployHooks`. Responses encrypt
or drop the values as Vercel does.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any, Literal

from sandbox.core.accounts import Account
from sandbox.core.context import Sandbox
from sandbox.vercel.errors import forbidden_scope, not_found

Json = dict[str, Any]
View = Literal["list", "get", "write", "project"]
"""`list`: an item of a list response; `get`: get one by id; `write`: create/edit/delete responses;
`project`: an item of the Project's `env` array."""

TEAM_SLUGS = {"team_derrimut": "derrimut", "team_kestrel": "kestrel-physio"}
USER_ID = "sbxDerrimutPlatformOps01"
"""The user that owns the sandbox token: `createdBy`/`updatedBy` of what the API changes."""
PREFIX = "/vercel"
HOOK_PATH = "/v1/integrations/deploy/{project_id}/{hook_id}"


class VercelTeam:
    def __init__(self, sandbox: Sandbox, account: Account) -> None:
        self.sandbox, self.account = sandbox, account

    def collection(self, name: str) -> dict[str, Json]:
        return self.sandbox.store.collection("vercel", self.account.name, name)

    def projects(self) -> dict[str, Json]:
        return self.collection("projects")

    def deployments(self) -> dict[str, Json]:
        return self.collection("deployments")

    def check_scope(self, query: dict[str, str]) -> bool:
        """True when `teamId` or `slug` selects this team; False for the token's personal scope."""
        team_id, slug = query.get("teamId"), query.get("slug")
        if team_id is not None and team_id != self.account.name:
            raise forbidden_scope(team_id)
        if slug is not None and slug != TEAM_SLUGS.get(self.account.name):
            raise forbidden_scope(slug)
        return team_id is not None or slug is not None

    def project(self, id_or_name: str, query: dict[str, str]) -> Json:
        """The project by id or name, in the request's scope; the personal scope has no projects."""
        if self.check_scope(query):
            for project in self.projects().values():
                if id_or_name in (project["id"], project["name"]):
                    return project
        raise not_found("Project not found")

    def tick(self, project: Json) -> int:
        """Now in ms, strictly after the project's last change, so every edit moves `updatedAt` and
        no two vars of a project share a `createdAt` (the `until` cursor of the env list)."""
        stamp = max(self.sandbox.now_ms(), int(project["updatedAt"]) + 1)
        project["updatedAt"] = stamp
        return stamp

    def hook_url(self, project_id: str, hook_id: str) -> str:
        path = HOOK_PATH.format(project_id=project_id, hook_id=hook_id)
        return f"{self.sandbox.public_url}{PREFIX}{path}"

    def render_project(self, project: Json) -> Json:
        out = {k: v for k, v in project.items() if k not in ("env", "link")}
        out["env"] = [render_env(env, "project") for env in project.get("env", [])]
        link = project.get("link")
        if link is not None:
            hooks = [
                {**hook, "url": self.hook_url(project["id"], hook["id"])} for hook in link["deployHooks"]
            ]
            out["link"] = {**link, "deployHooks": hooks}
        return out


def ciphertext(env: Json) -> str:
    """An opaque stand-in for Vercel's ciphertext: stable between reads, new after every edit."""
    plain = env["value"].encode()
    seed = f"{env['id']}\0{env['updatedAt']}\0".encode() + plain
    return base64.b64encode(hashlib.shake_256(seed).digest(len(plain) + 32)).decode()


def render_env(env: Json, view: View, *, decrypt: bool = False) -> Json:
    """Vercel's JSON for a stored var. Sensitive values never leave: the field is empty where the
    response requires it and absent from get-one; encrypted values are ciphertext unless decrypted."""
    out = {k: v for k, v in env.items() if k != "value"}
    decrypted = False
    if env["type"] == "sensitive":
        value: str | None = None if view == "get" else ""
    elif env["type"] == "encrypted":
        decrypted = decrypt
        value = env["value"] if decrypt else ciphertext(env)
    else:
        value = env["value"]
    if value is not None:
        out = {"type": out.pop("type"), "value": value, **out}
    out["decrypted"] = decrypted
    if view == "list":
        out["securityIssues"] = []
    return out
