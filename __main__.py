"""Composition root: load and validate the stack's desired state, then declare one component per vendor."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime.config import get_config_env

from backstop.plugin.model import DesiredStateError, load_document, paths
from backstop.plugin.model.stacks import check_ownership
from backstop.runbook.approvals.gate import guard
from backstop.runbook.fingerprint import OUTPUT as FINGERPRINT_OUTPUT
from backstop.runbook.fingerprint import code_digest, exported
from components.clerk_auth import ClerkAuth, signing_keys
from components.stripe_billing import StripeBilling
from components.values import WEBHOOK_SECRETS_OUTPUT, Values
from components.vapi_agent import VapiAgent

stack = pulumi.get_stack()
config = pulumi.Config()
# Relative to the program's working directory, the project (messages name the path as configured).
document_path = paths.document_path(stack, Path(), config.get("desiredState"))
try:
    desired = load_document(document_path)
    check_ownership(desired, document_path)
except DesiredStateError as exc:
    # Stop before any resource is declared, so nothing reaches a vendor API.
    print(exc, file=sys.stderr)
    sys.exit(2)

if desired.stack != stack:
    print(f"{document_path}: stack: declares {desired.stack!r} but this is stack {stack!r}", file=sys.stderr)
    sys.exit(2)

guard(stack, document_path)  # a protected stack's update needs a signed approval (backstop/runbook/approvals)

webhook_secrets: dict[str, pulumi.Output[Any]] = {}
"""Signing secrets Vercel variables can follow, by output path (`stripe.webhook_endpoints.<key>.secret`)."""
object_ids: dict[str, pulumi.Output[Any]] = {}
"""Object ids they can follow (`vapi.squads.<key>.id`): not secrets, and not in `webhook_secrets`."""
clerk_keys: dict[str, pulumi.Output[str]] = {}
if desired.clerk is not None:
    try:
        clerk_keys = signing_keys(desired.clerk, config, str(document_path))
    except ValueError as exc:
        # Missing secrets stop the program before any resource is declared, as a bad document does.
        print(exc, file=sys.stderr)
        sys.exit(2)

if desired.stripe is not None:
    billing = StripeBilling("stripe", desired.stripe)
    pulumi.export("stripe_webhook_endpoints", {key: ep.id for key, ep in billing.webhook_endpoints.items()})
    pulumi.export("stripe_prices", {key: price.id for key, price in billing.prices.items()})
    for key, endpoint in billing.webhook_endpoints.items():
        webhook_secrets[f"stripe.webhook_endpoints.{key}.secret"] = endpoint.known_secret()

if desired.clerk is not None and desired.scope.clerk is not None:
    # `reapply`: a new value re-applies Clerk's write-only settings (`backstop restore` sets it).
    clerk = ClerkAuth("clerk", desired.clerk, desired.scope.clerk.instance, config.get("reapply"), clerk_keys)
    pulumi.export("clerk_webhook_endpoints", {key: ep.id for key, ep in clerk.webhook_endpoints.items()})
    pulumi.export(
        "clerk_webhook_secrets",
        pulumi.Output.secret({key: ep.secret for key, ep in clerk.webhook_endpoints.items()}),
    )
    for key, svix_endpoint in clerk.webhook_endpoints.items():
        webhook_secrets[f"clerk.webhook_endpoints.{key}.secret"] = svix_endpoint.secret

if desired.vapi is not None and desired.scope.vapi is not None:
    agent = VapiAgent("vapi", desired.scope.vapi, desired.vapi)
    pulumi.export("vapi_tools", {key: tool.id for key, tool in agent.tools.items()})
    pulumi.export("vapi_assistants", {key: a.id for key, a in agent.assistants.items()})
    pulumi.export("vapi_squads", {key: squad.id for key, squad in agent.squads.items()})
    object_ids.update(agent.ids())

# Other stacks read these through a StackReference (a preview target fed by the staging stack's endpoints).
pulumi.export(WEBHOOK_SECRETS_OUTPUT, pulumi.Output.secret(webhook_secrets))
values = Values(config, {**webhook_secrets, **object_ids})

if desired.convex is not None and desired.convex.env:
    assert desired.scope.convex is not None  # the model refuses Convex variables without a scope
    from components.convex_env import ConvexEnv

    convex_env = ConvexEnv(
        "convex", desired.convex, desired.scope.convex.deployment, values.resolve(desired.convex.env)
    )

if desired.vercel is not None and desired.vercel.projects:
    assert desired.scope.vercel is not None  # the model refuses Vercel projects without a scope
    from components.vercel_env import VercelEnv  # pulumiverse_vercel costs half a second: only when used

    env = VercelEnv(
        "vercel",
        desired.vercel,
        desired.scope.vercel.team,
        values.resolve(var for _, var in desired.vercel.variables()),
    )

# What this update applies, as one digest: `backstop drift` skips running the program while it holds.
applied = exported(document_path.read_bytes(), get_config_env(), code_digest(Path()), os.environ)
pulumi.export(FINGERPRINT_OUTPUT, pulumi.Output.secret(applied))
