"""`POST /_sandbox/accounts`: a team's own accounts in a sandbox, under the team's ids, each with a key the
sandbox mints, and the hosts its apps answer at. A rehearsal (`backstop drill --rehearse`) starts a private
sandbox and registers the accounts its backups' documents name, so the documents apply unchanged."""

from __future__ import annotations

import secrets
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sandbox.apps import state as apps_state
from sandbox.apps.models import CONVEX_RECEIVERS, NEXTJS_RECEIVERS, Host, Target
from sandbox.clerk.state import SOCIAL, ClerkInstance, social_connection
from sandbox.core import accounts
from sandbox.core.context import Sandbox
from sandbox.vercel.fixtures import new_project
from sandbox.vercel.state import VercelTeam

FIXTURE = "registered"
"""The apps' host table entries registered here live under this fixture name."""


class SocialSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider: str = Field(pattern=r"^[a-z][a-z0-9_]{0,40}$")
    enabled: bool = True
    required: bool = False
    authenticatable: bool = True


class AccountSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    vendor: Literal["stripe", "clerk", "vapi", "vercel", "convex"]
    name: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:-]+$")
    """The account's id as the team's documents name it (Clerk instance, Vercel team, Convex deployment);
    any name for Stripe (a key selects the account) and Vapi (its `external_id` is the org id)."""
    livemode: bool = False
    external_id: str | None = None
    projects: dict[str, str] = {}
    """Vercel: the team's projects to create, id -> name."""
    social: list[SocialSpec] | None = None
    """Clerk: the instance's social connections (the dashboard's part), instead of the default (Google on)."""
    primary_domain: str | None = Field(default=None, pattern=r"^[a-z0-9.:-]{1,253}$")
    """Clerk: the primary domain the instance was made with, instead of a generated one."""


class HostSpec(BaseModel):
    """An app at a host, answering with the sandbox's receivers for its runtime (the Next.js app's route
    handlers on Vercel, the HTTP actions on Convex)."""

    model_config = ConfigDict(extra="forbid")
    runtime: Literal["vercel", "convex"]
    team: str | None = None
    project: str | None = None
    target: Target | None = None
    deployment: str | None = None

    def host(self) -> Host:
        receivers = NEXTJS_RECEIVERS if self.runtime == "vercel" else CONVEX_RECEIVERS
        return Host(
            app=self.project or self.deployment or self.runtime,
            **self.model_dump(exclude_none=True),
            receivers=list(receivers),
        )


class Registration(BaseModel):
    model_config = ConfigDict(extra="forbid")
    accounts: list[AccountSpec]
    hosts: dict[str, HostSpec] = {}


def mint_key(spec: AccountSpec) -> str:
    token = secrets.token_hex(16)
    mode = "live" if spec.livemode else "test"
    match spec.vendor:
        case "stripe" | "clerk":
            return f"sk_{mode}_sandbox_registered_{token}"
        case "vapi":
            return str(uuid.uuid4())
        case "vercel":
            return token
        case "convex":
            return f"{'prod' if spec.livemode else 'preview'}:{spec.name}|sandbox-registered-{token}"


def apply(sandbox: Sandbox, registration: Registration) -> dict[str, Any]:
    """Registers every account (ValueError when one exists with another mode) and its projects and hosts;
    answers each account's key as `<vendor>/<name>`."""
    made: dict[str, str] = {}
    for spec in registration.accounts:
        account = accounts.register(
            accounts.Account(spec.vendor, spec.name, mint_key(spec), spec.livemode, spec.external_id)
        )
        made[f"{spec.vendor}/{spec.name}"] = account.api_key
        if spec.vendor == "clerk" and spec.social is not None:
            social = ClerkInstance(sandbox, account).objects(SOCIAL)
            social.clear()
            for connection in spec.social:
                entry = social_connection(connection.provider, connection.enabled, connection.required)
                social[f"oauth_{connection.provider}"] = {
                    **entry,
                    "authenticatable": connection.authenticatable,
                }
        if spec.vendor == "clerk" and spec.primary_domain is not None:
            clerk = ClerkInstance(sandbox, account)
            stored = clerk.objects("domains")
            for domain_id, domain in list(stored.items()):
                if not domain["is_satellite"]:
                    stored[domain_id] = clerk.derive_domain({**domain, "name": spec.primary_domain})
        if spec.vendor == "vercel":
            projects = VercelTeam(sandbox, account).projects()
            for project_id, name in spec.projects.items():
                projects.setdefault(project_id, new_project(sandbox, spec.name, project_id, name))
    for name, host in registration.hosts.items():
        apps_state.declare(sandbox, FIXTURE, name, host.host())
    return {"keys": made, "hosts": sorted(registration.hosts)}


def handle(sandbox: Sandbox, body: Any) -> dict[str, Any]:
    return apply(sandbox, Registration.model_validate(body))
