"""Webhook signing secrets the stack does not know (endpoints adopted or imported) and what they affect.

Stripe shows an endpoint's secret only when it is created. A variable following an unknown secret is left
as it is by the program; if that variable is missing too, only a new endpoint (`--rotate-secrets`) can
give the app a working secret again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backstop.plugin.model.document import DesiredState
from backstop.plugin.model.vercel import EnvVar

WEBHOOK_SECRETS_OUTPUT = "webhook_secrets"
ROTATABLE = {
    "stripe": (
        "backstop:components:StripeBilling$backstop:stripe:WebhookEndpoint",
        "stripe-webhook-",
    ),
}


def webhook_secrets(outputs: Mapping[str, Any]) -> dict[str, Any]:
    """A stack's webhook secrets by output path, from its decrypted Automation API outputs (memory only)."""
    found = outputs.get(WEBHOOK_SECRETS_OUTPUT)
    value = getattr(found, "value", found)
    return dict(value) if isinstance(value, dict) else {}


def unknown_paths(outputs: Mapping[str, Any]) -> set[str]:
    """Output paths whose secret is unknown (the endpoint was adopted or imported)."""
    return {path for path, value in webhook_secrets(outputs).items() if value is None}


def rotation_urns(stack: str, unknown: set[str]) -> list[str]:
    """The endpoints to recreate so that they get new secrets."""
    urns = []
    for path in sorted(unknown):
        vendor, _, key, _ = path.split(".")
        if vendor in ROTATABLE:
            kind, prefix = ROTATABLE[vendor]
            urns.append(f"urn:pulumi:{stack}::platform-config::{kind}::{prefix}{key}")
    return urns


def followed_source(var: EnvVar, stack: str) -> tuple[str, str] | None:
    """(stack, output path) of the signing secret a variable follows (None for config secrets, inline
    values and object ids: an id is always known, so its follower is always declared and written)."""
    source = var.value_from
    if source is None or not source.follows_secret:
        return None
    if source.stack_output is not None:
        return source.stack_output.stack, source.stack_output.output
    assert source.output is not None
    return stack, source.output


def missing_followers(
    document: DesiredState, live: dict[str, list[dict[str, Any]]], unknown: dict[str, set[str]]
) -> list[str]:
    """Variables that follow an unknown secret and are missing live: what a restore can't put back."""
    problems = []
    for project, var in document.vercel.variables() if document.vercel else []:
        followed = followed_source(var, document.stack)
        if followed is None or followed[1] not in unknown.get(followed[0], set()):
            continue
        present = any(
            item.get("key") == var.name
            and sorted(item.get("target") or []) == sorted(var.targets)
            and (item.get("gitBranch") or None) == var.git_branch
            for item in live.get(project.id, [])
        )
        if not present:
            where = f"stack {followed[0]}'s " if followed[0] != document.stack else ""
            problems.append(
                f"{var.name} ({', '.join(var.targets)}) is missing and follows {where}{followed[1]}, "
                "whose secret is unknown (adopted or imported endpoint): run "
                f"`backstop restore --stack {followed[0]} --rotate-secrets` to recreate that endpoint "
                "and write its new secret"
            )
    return problems
