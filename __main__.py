"""Composition root: load and validate the stack's desired state, then declare one component per vendor."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pulumi

from backstop.model import DesiredStateError, load_document
from components.stripe_billing import StripeBilling
from components.vapi_agent import VapiAgent

stack = pulumi.get_stack()
config = pulumi.Config()
document_path = Path(
    os.environ.get("BACKSTOP_DESIRED_STATE") or config.get("desiredState") or f"snapshots/{stack}.yaml"
)
try:
    desired = load_document(document_path)
except DesiredStateError as exc:
    # Stop before any resource is declared, so nothing reaches a vendor API.
    print(exc, file=sys.stderr)
    sys.exit(2)

if desired.stack != stack:
    print(f"{document_path}: stack: declares {desired.stack!r} but this is stack {stack!r}", file=sys.stderr)
    sys.exit(2)

if desired.stripe is not None:
    billing = StripeBilling("stripe", desired.stripe)
    pulumi.export("stripe_webhook_endpoints", {key: ep.id for key, ep in billing.webhook_endpoints.items()})
    pulumi.export("stripe_prices", {key: price.id for key, price in billing.prices.items()})

if desired.vapi is not None and desired.scope.vapi is not None:
    agent = VapiAgent("vapi", desired.scope.vapi, desired.vapi)
    pulumi.export("vapi_tools", {key: tool.id for key, tool in agent.tools.items()})
    pulumi.export("vapi_assistants", {key: a.id for key, a in agent.assistants.items()})
    pulumi.export("vapi_squads", {key: squad.id for key, squad in agent.squads.items()})
