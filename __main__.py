"""Composition root: load and validate the stack's desired state, then declare one component per vendor."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pulumi

from backstop.model import DesiredStateError, load_document
from components.clerk_auth import ClerkAuth, signing_keys
from components.stripe_billing import StripeBilling

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

if desired.clerk is not None and desired.scope.clerk is not None:
    # `reapply`: a new value re-applies Clerk's write-only settings (`backstop restore` sets it).
    clerk = ClerkAuth("clerk", desired.clerk, desired.scope.clerk.instance, config.get("reapply"), clerk_keys)
    pulumi.export("clerk_webhook_endpoints", {key: ep.id for key, ep in clerk.webhook_endpoints.items()})
    pulumi.export(
        "clerk_webhook_secrets",
        pulumi.Output.secret({key: ep.secret for key, ep in clerk.webhook_endpoints.items()}),
    )
