"""`backstop:clerk:WebhookEndpoint`: an endpoint of the Clerk instance's Svix application.

Clerk has no endpoint API. The plugin makes sure the instance has its Svix application
(`POST /v1/webhooks/svix`), mints an App Portal link (`POST /v1/webhooks/svix_url`), trades the link's
one-time token for an application-scoped token as the Svix dashboard does, then uses the Svix API (see
backstop/plugin/clients/svix_client.py). **The `svix_url` route is not a documented Clerk contract**: Clerk
may change it without notice.

Adopted by Svix `uid` (set to the declared key on create) or else by URL. Svix can show the signing secret
at any time, so every read refreshes the `secret` output (always a Pulumi secret). Creates send an
`idempotency-key`, the same on every retry.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from backstop.plugin.clients.svix_client import SvixApi, SvixApiError
from backstop.plugin.model.clerk_webhook_endpoints import WebhookEndpointSpec
from backstop.plugin.provider.clerk_base import ClerkHandler
from backstop.plugin.provider.resource import Json

LISTING = "svix:endpoints"


class WebhookEndpointHandler(ClerkHandler):
    token = "backstop:clerk:WebhookEndpoint"
    spec = WebhookEndpointSpec
    secret_outputs = frozenset({"secret"})
    output_types: ClassVar[dict[str, str]] = {
        "secret": "string",
        "svix_app_id": "string",
        "created_at": "string",
    }

    def normalize(self, field: str, value: Any) -> Any:
        if field == "event_types":
            return sorted(value or [])
        if field == "description":
            return value or ""
        if field == "metadata":
            return value or {}
        if field == "disabled":
            return bool(value)
        return value

    async def create(self, urn: str, spec: WebhookEndpointSpec) -> tuple[str, Json]:
        await self.in_scope(spec.instance_id)
        svix = await self._svix()
        live = await self._find(svix, spec)
        if live is None:
            body = {**_body(spec), "uid": spec.uid}
            try:
                live = await svix.create_endpoint(body, f"backstop-{uuid.uuid4()}")
            except SvixApiError as exc:
                # 409: the uid is taken, by our own create whose answer was lost.
                live = await self._find(svix, spec) if exc.status == 409 else None
                if live is None:
                    raise
        live = await self._converge(svix, live, spec)
        return live["id"], await self._outputs(svix, live)

    async def read(self, resource_id: str, state: Json) -> Json | None:
        svix = await self.ctx.svix(ensure_app=False)
        if svix is None:
            return None  # the instance's Svix application is gone, and its endpoints with it
        listing = await self.ctx.listings.get(LISTING, lambda: svix.list_endpoints())
        live = listing.get(resource_id) or await svix.get_endpoint(resource_id)
        return None if live is None else await self._outputs(svix, live)

    async def update(self, resource_id: str, state: Json, spec: WebhookEndpointSpec) -> Json:
        await self.in_scope(spec.instance_id)
        svix = await self._svix()
        live = await svix.get_endpoint(resource_id)
        if live is None:
            raise LookupError(f"Svix endpoint {resource_id} is gone; run `pulumi refresh` and retry")
        return await self._outputs(svix, await self._converge(svix, live, spec))

    async def delete(self, resource_id: str, state: Json) -> None:
        await self.in_scope(state.get("instance_id"))
        svix = await self.ctx.svix(ensure_app=False)
        if svix is not None:
            self.ctx.listings.invalidate(LISTING)
            await svix.delete_endpoint(resource_id)

    async def _svix(self) -> SvixApi:
        svix = await self.ctx.svix(ensure_app=True)
        assert svix is not None
        return svix

    async def _find(self, svix: SvixApi, spec: WebhookEndpointSpec) -> Json | None:
        self.ctx.listings.invalidate(LISTING)
        endpoints = await svix.list_endpoints()
        by_uid = [e for e in endpoints if spec.uid is not None and e.get("uid") == spec.uid]
        return next(iter(by_uid or [e for e in endpoints if e["url"] == spec.url]), None)

    async def _converge(self, svix: SvixApi, live: Json, spec: WebhookEndpointSpec) -> Json:
        """Patch only what differs from the declared state."""
        current = _fields(live)
        wanted = {**_body(spec), "uid": spec.uid}
        changes = {
            name: value
            for name, value in wanted.items()
            if self.normalize(_SNAKE[name], current[name]) != self.normalize(_SNAKE[name], value)
        }
        if not changes:
            return live
        self.ctx.listings.invalidate(LISTING)
        return await svix.update_endpoint(live["id"], changes)

    async def _outputs(self, svix: SvixApi, live: Json) -> Json:
        fields = _fields(live)
        return {
            "instance_id": await self.live_instance_id(),
            **{_SNAKE[name]: value for name, value in fields.items()},
            "secret": await svix.endpoint_secret(live["id"]),
            "svix_app_id": svix.app_id,
            "created_at": live.get("createdAt"),
        }


_SNAKE = {
    "url": "url",
    "description": "description",
    "eventTypes": "event_types",
    "disabled": "disabled",
    "metadata": "metadata",
    "throttleRate": "throttle_rate",
    "uid": "uid",
}


def _body(spec: WebhookEndpointSpec) -> Json:
    return {
        "url": spec.url,
        "description": spec.description,
        "eventTypes": spec.event_types,
        "disabled": spec.disabled,
        "metadata": spec.metadata,
        "throttleRate": spec.throttle_rate,
    }


def _fields(live: Json) -> Json:
    event_types = live.get("eventTypes") if live.get("eventTypes") is not None else live.get("filterTypes")
    return {
        "url": live["url"],
        "description": live.get("description") or "",
        "eventTypes": list(event_types or []),
        "disabled": bool(live.get("disabled")),
        "metadata": dict(live.get("metadata") or {}),
        "throttleRate": live.get("throttleRate"),
        "uid": live.get("uid"),
    }
