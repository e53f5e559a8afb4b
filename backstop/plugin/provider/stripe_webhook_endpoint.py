"""`backstop:stripe:WebhookEndpoint`: a Stripe webhook endpoint; its signing secret is kept from creation."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from typing import Any, ClassVar

from backstop.plugin.model.stripe import WebhookEndpointSpec
from backstop.plugin.provider.resource import Json, ResourceHandler

LISTING = "stripe:webhook_endpoints"
MARKER = "backstop_create"
"""Metadata key holding the create's idempotency key, so a re-run after a crash can replay that create."""
REPLAY_WINDOW = 23 * 3600
"""Stripe keeps idempotency keys for at least 24 hours; replay only well inside that."""


class WebhookEndpointHandler(ResourceHandler):
    token = "backstop:stripe:WebhookEndpoint"
    spec = WebhookEndpointSpec
    replace_on_change = frozenset({"api_version"})
    delete_before_replace = True
    secret_outputs = frozenset({"secret"})
    output_types: ClassVar[dict[str, str]] = {
        "secret": "string",
        "secret_known": "boolean",
        "status": "string",
        "created": "integer",
        "livemode": "boolean",
    }

    def normalize(self, field: str, value: Any) -> Any:
        if field == "enabled_events":
            return sorted(value or [])
        if field == "description":
            return value or None
        if field == "disabled":
            return bool(value)
        if field == "metadata":
            return _user_metadata(value or {})
        return value

    async def create(self, urn: str, spec: WebhookEndpointSpec) -> tuple[str, Json]:
        stripe = self.ctx.stripe
        params = _create_params(spec)
        digest = hashlib.sha256(f"{urn}\n{json.dumps(params, sort_keys=True)}".encode()).hexdigest()[:32]
        self.ctx.listings.invalidate(LISTING)
        same_url = [e for e in await stripe.list_all("webhook_endpoints") if e["url"] == spec.url]
        secret: str | None = None
        if not same_url:
            # A fresh key per create: a key reused after the endpoint was deleted would replay the dead one.
            key = f"backstop-{digest}-{secrets.token_hex(8)}"
            live = await stripe.create("webhook_endpoints", _with_marker(params, spec, key), key)
            secret = live["secret"]
        else:
            live = same_url[0]
            key = live["metadata"].get(MARKER, "")
            if key.startswith(f"backstop-{digest}-") and time.time() - live["created"] < REPLAY_WINDOW:
                # Our own create, interrupted before the engine saved it: the replay returns its secret.
                replayed = await stripe.create("webhook_endpoints", _with_marker(params, spec, key), key)
                if replayed["id"] == live["id"]:
                    secret = replayed["secret"]
                else:
                    await stripe.delete("webhook_endpoints", replayed["id"])
        live = await self._converge(live, spec)
        return live["id"], _outputs(live, secret)

    async def read(self, resource_id: str, state: Json) -> Json | None:
        live = await self.ctx.stripe_object("webhook_endpoints", resource_id)
        return None if live is None else _outputs(live, state.get("secret"))

    async def update(self, resource_id: str, state: Json, spec: WebhookEndpointSpec) -> Json:
        live = await self.ctx.stripe.get("webhook_endpoints", resource_id)
        if live is None:
            raise LookupError(
                f"Stripe webhook endpoint {resource_id} is gone; run `pulumi refresh` and retry"
            )
        live = await self._converge(live, spec)
        return _outputs(live, state.get("secret"))

    async def delete(self, resource_id: str, state: Json) -> None:
        self.ctx.listings.invalidate(LISTING)
        await self.ctx.stripe.delete("webhook_endpoints", resource_id)

    async def _converge(self, live: Json, spec: WebhookEndpointSpec) -> Json:
        """Send only what differs from the declared state (Stripe merges metadata, so drop extras)."""
        params: Json = {}
        if live["url"] != spec.url:
            params["url"] = spec.url
        if sorted(live["enabled_events"]) != sorted(spec.enabled_events):
            params["enabled_events"] = spec.enabled_events
        if (live.get("description") or None) != spec.description:
            params["description"] = spec.description or ""
        if (live["status"] == "disabled") != spec.disabled:
            params["disabled"] = spec.disabled
        current = _user_metadata(live.get("metadata") or {})
        if current != spec.metadata:
            params["metadata"] = {**{k: "" for k in current if k not in spec.metadata}, **spec.metadata}
        if not params:
            return live
        self.ctx.listings.invalidate(LISTING)
        return await self.ctx.stripe.update("webhook_endpoints", live["id"], params)


def _create_params(spec: WebhookEndpointSpec) -> Json:
    params: Json = {"url": spec.url, "enabled_events": spec.enabled_events}
    if spec.description:
        params["description"] = spec.description
    if spec.api_version:
        params["api_version"] = spec.api_version
    return params


def _with_marker(params: Json, spec: WebhookEndpointSpec, key: str) -> Json:
    return {**params, "metadata": {**spec.metadata, MARKER: key}}


def _user_metadata(metadata: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in metadata.items() if not k.startswith("backstop_")}


def _outputs(live: Json, secret: str | None) -> Json:
    return {
        "url": live["url"],
        "enabled_events": list(live["enabled_events"]),
        "description": live.get("description"),
        "api_version": live.get("api_version"),
        "disabled": live["status"] == "disabled",
        "metadata": _user_metadata(live.get("metadata") or {}),
        "secret": secret,
        # Never null, unlike `secret`: a preview reads a null output as unknown, which would hide that
        # the secret is unknown for good (the endpoint was adopted or imported).
        "secret_known": secret is not None,
        "status": live["status"],
        "created": live["created"],
        "livemode": live["livemode"],
    }
