"""The resource types whose create returns a secret the vendor never shows again in full, so that only the
stack's state keeps it: such an object must never be created by a run that skips checkpoints."""

from __future__ import annotations

SECRET_BEARING = frozenset({"backstop:stripe:WebhookEndpoint", "backstop:clerk:WebhookEndpoint"})
"""Stripe webhook endpoints (`secret` in the create's response only) and the Svix endpoints of Clerk's
webhooks (their secret can be read again, but the restore relies on the state's copy)."""

NEEDS_CHECKPOINTS = "BACKSTOP_NEEDS_CHECKPOINTS"
"""In the plugin's refusal, so the runner recognises it and runs the update again with checkpoints."""

SKIP_CHECKPOINTS_ENV = "PULUMI_SKIP_CHECKPOINTS"


def checkpoints_skipped(env: dict[str, str]) -> bool:
    return env.get(SKIP_CHECKPOINTS_ENV, "").strip().lower() in ("1", "true", "yes")
