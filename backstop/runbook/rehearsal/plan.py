"""What a rehearsal needs from its backups' documents and stack configs: the stacks a document reads outputs
of, the accounts and app hosts a private sandbox must hold under the team's own ids, and each stack's
config rewritten for that sandbox (its keys minted there, every other secret minted fresh)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from backstop.plugin.model import DesiredState
from backstop.runbook.check.targets import targets

VENDOR_KEYS = {
    "backstop:stripeApiKey": "stripe",
    "backstop:clerkSecretKey": "clerk",
    "backstop:vapiApiKey": "vapi",
    "backstop:convexAdminKey": "convex",
    "vercel:apiToken": "vercel",
}
"""Each vendor credential in stack config, and the vendor whose sandbox key replaces it."""
DROPPED_SUFFIXES = ("BaseUrl", ":desiredState", ":convexDeployment", ":convexUrl", ":dbBackupKey")
"""Config a rehearsal leaves out: base URLs (the sandbox's come from the environment) and the database
settings (the database side is not rehearsed: its export is encrypted to the team's key); a document path
(the copy holds the document at its default place)."""


def referenced_stacks(raw: Any) -> set[str]:
    """The stacks whose outputs a document reads (`value_from: {stack_output: {stack: …}}`)."""
    found: set[str] = set()
    if isinstance(raw, Mapping):
        source = raw.get("stack_output")
        if isinstance(source, Mapping) and isinstance(source.get("stack"), str):
            found.add(source["stack"])
        for value in raw.values():
            found |= referenced_stacks(value)
    elif isinstance(raw, list):
        for value in raw:
            found |= referenced_stacks(value)
    return found


@dataclass
class Registration:
    """The body of the private sandbox's `POST /_sandbox/accounts`, and which stack uses which account."""

    accounts: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    hosts: dict[str, dict[str, Any]] = field(default_factory=dict)
    uses: dict[str, dict[str, str]] = field(default_factory=dict)
    """Stack -> vendor -> account name."""

    def add(self, stack: str, vendor: str, name: str, **spec: Any) -> None:
        entry = self.accounts.setdefault((vendor, name), {"vendor": vendor, "name": name, "livemode": False})
        for key, value in spec.items():
            if key == "projects":
                entry.setdefault("projects", {}).update(value)
            else:
                entry[key] = value
        self.uses.setdefault(stack, {})[vendor] = name

    def body(self) -> dict[str, Any]:
        return {"accounts": list(self.accounts.values()), "hosts": self.hosts}


def registration(documents: Mapping[str, DesiredState]) -> Registration:
    """Every account the documents' scopes name, under the same ids; a Stripe account per stack (a key,
    not an id, selects one). Hosts: `<deployment>.convex.site` answers as that Convex deployment; any other
    host a webhook or smoke check names answers as the one Vercel project the documents declare (its
    production target for a live stack, its preview target otherwise); with several projects such a host
    is left out, and its deliveries fail saying no app is declared there."""
    made = Registration()
    projects: list[tuple[str, str]] = []
    for stack, document in documents.items():
        scope = document.scope
        live = bool(
            (scope.stripe and scope.stripe.mode == "live")
            or (scope.clerk and scope.clerk.environment == "production")
        )
        if scope.stripe:
            made.add(stack, "stripe", f"acct_rehearsal_{stack}", livemode=scope.stripe.mode == "live")
        if scope.clerk:
            # The dashboard's part of the instance: its social connections and the primary domain it has.
            dashboard: dict[str, Any] = {}
            declared = document.clerk.oauth_providers if document.clerk else None
            if declared is not None:
                dashboard["social"] = [p.model_dump(exclude_none=True) for p in declared]
            domains = (document.clerk.domains if document.clerk else None) or []
            primary = next((d.name for d in domains if d.primary), None)
            if primary is not None:
                dashboard["primary_domain"] = primary
            made.add(
                stack,
                "clerk",
                scope.clerk.instance,
                livemode=scope.clerk.environment == "production",
                **dashboard,
            )
        if scope.vapi:
            made.add(stack, "vapi", f"org_{scope.vapi.org_id}", external_id=scope.vapi.org_id)
        if scope.convex:
            made.add(stack, "convex", scope.convex.deployment, livemode=live)
        if scope.vercel:
            names = {p.id: p.key for p in (document.vercel.projects if document.vercel else [])}
            made.add(
                stack,
                "vercel",
                scope.vercel.team,
                projects={pid: names.get(pid, pid) for pid in scope.vercel.projects},
            )
            projects += [(scope.vercel.team, pid) for pid in scope.vercel.projects]
    for stack, document in documents.items():
        live = made.accounts.get(("stripe", f"acct_rehearsal_{stack}"), {}).get("livemode", False)
        for host in _hosts(document):
            if host.endswith(".convex.site"):
                made.hosts[host] = {"runtime": "convex", "deployment": host.removesuffix(".convex.site")}
            elif len(set(projects)) == 1:
                team, project = projects[0]
                target = "production" if live else "preview"
                made.hosts.setdefault(
                    host, {"runtime": "vercel", "team": team, "project": project, "target": target}
                )
    return made


def _hosts(document: DesiredState) -> Iterator[str]:
    for url in [t.url for t in targets(document)] + [c.url for c in document.checks]:
        host = urlsplit(url).hostname
        if host:
            yield host.lower()


@dataclass(frozen=True)
class StackConfig:
    plain: dict[str, str]
    secret: dict[str, str]


def rewritten_config(raw: Mapping[str, Any], keys: Mapping[str, str], team: str | None = None) -> StackConfig:
    """A backup's `stack-config.yaml` (`config:` section) for the rehearsal: plain values kept, vendor
    credentials replaced by the sandbox's `keys` (vendor -> key), other secrets minted, dropped what
    `DROPPED_SUFFIXES` names. Values the team's secrets provider encrypted are never decrypted."""
    plain: dict[str, str] = {}
    secret: dict[str, str] = {}
    for key, value in raw.items():
        if key.endswith(DROPPED_SUFFIXES):
            continue
        if key in VENDOR_KEYS:
            if VENDOR_KEYS[key] in keys:
                secret[key] = keys[VENDOR_KEYS[key]]
        elif isinstance(value, Mapping) and "secure" in value:
            secret[key] = f"rehearsal-{secrets.token_hex(16)}"
        elif isinstance(value, str | int | float | bool):
            plain[key] = str(value).lower() if isinstance(value, bool) else str(value)
    for key, vendor in VENDOR_KEYS.items():
        if vendor in keys and key not in secret:
            secret[key] = keys[vendor]
    if team:
        plain["vercel:team"] = team
    return StackConfig(plain, secret)
