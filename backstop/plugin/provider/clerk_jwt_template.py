"""`backstop:clerk:JwtTemplate`: a session-token template, adopted by name.

A custom signing key is write-only (Clerk never returns it): the state keeps the last applied key, as a
secret, and reads report it back while Clerk still says the template has a custom key, so a plain preview
stays clean. A key replaced behind Backstop's back can't be seen; a new `reapply` token re-applies it.
Clerk's PATCH needs `name` and `claims` and drops a custom key it isn't sent, so every write sends the
whole template.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from pulumi.provider.experimental.provider import DiffResponse

from backstop.plugin.clients.clerk_client import ClerkApiError
from backstop.plugin.model.clerk import JwtTemplateSpec
from backstop.plugin.provider.clerk_base import ClerkHandler, unset_inputs_unchanged
from backstop.plugin.provider.props import PropertyMap
from backstop.plugin.provider.resource import Json

LISTING = "clerk:jwt_templates"
COMPARED = ("name", "claims", "lifetime", "allowed_clock_skew")


class JwtTemplateHandler(ClerkHandler):
    token = "backstop:clerk:JwtTemplate"
    spec = JwtTemplateSpec
    secret_outputs = frozenset({"signing_key"})
    output_types: ClassVar[dict[str, str]] = {"custom_signing_key": "boolean", "created_at": "integer"}

    def diff(self, olds: PropertyMap, news: PropertyMap) -> DiffResponse:
        return super().diff(unset_inputs_unchanged(olds, news, ["reapply"]), news)

    async def create(self, urn: str, spec: JwtTemplateSpec) -> tuple[str, Json]:
        await self.in_scope(spec.instance_id)
        live = await self._find(spec.name)
        if live is None:
            try:
                live = await self.ctx.clerk.create("jwt_templates", _body(spec))
            except ClerkApiError as exc:
                live = await self._find(spec.name) if exc.already_exists else None
                if live is None:
                    raise
                live = await self.ctx.clerk.update("jwt_templates", live["id"], _body(spec))
        elif spec.signing_key is not None or _differs(live, spec):
            live = await self.ctx.clerk.update("jwt_templates", live["id"], _body(spec))
        self.ctx.listings.invalidate(LISTING)
        return live["id"], await self._outputs(live, spec.signing_key, spec.reapply)

    async def read(self, resource_id: str, state: Json) -> Json | None:
        listing = await self.ctx.listings.get(LISTING, lambda: self.ctx.clerk.list_all("jwt_templates"))
        live = listing.get(resource_id) or await self.ctx.clerk.get("jwt_templates", resource_id)
        if live is None:
            return None
        return await self._outputs(live, state.get("signing_key"), state.get("reapply"))

    async def update(self, resource_id: str, state: Json, spec: JwtTemplateSpec) -> Json:
        await self.in_scope(spec.instance_id)
        if await self.ctx.clerk.get("jwt_templates", resource_id) is None:
            raise LookupError(f"Clerk JWT template {resource_id} is gone; run `pulumi refresh` and retry")
        self.ctx.listings.invalidate(LISTING)
        live = await self.ctx.clerk.update("jwt_templates", resource_id, _body(spec))
        return await self._outputs(live, spec.signing_key, spec.reapply)

    async def delete(self, resource_id: str, state: Json) -> None:
        await self.in_scope(state.get("instance_id"))
        self.ctx.listings.invalidate(LISTING)
        await self.ctx.clerk.delete("jwt_templates", resource_id)

    async def _find(self, name: str) -> Json | None:
        return next((t for t in await self.ctx.clerk.list_all("jwt_templates") if t["name"] == name), None)

    async def _outputs(self, live: Json, signing_key: str | None, reapply: str | None) -> Json:
        custom = bool(live.get("custom_signing_key"))
        return {
            "instance_id": await self.live_instance_id(),
            "name": live["name"],
            "claims": live["claims"],
            "lifetime": live["lifetime"],
            "allowed_clock_skew": live["allowed_clock_skew"],
            "signing_algorithm": live["signing_algorithm"] if custom else None,
            # The key applied last, while Clerk still has a custom key: it can't show which one.
            "signing_key": signing_key if custom else None,
            "reapply": reapply,
            "custom_signing_key": custom,
            "created_at": live["created_at"],
        }


def _body(spec: JwtTemplateSpec) -> Json:
    body: Json = {
        "name": spec.name,
        "claims": spec.claims,
        "lifetime": spec.lifetime,
        "allowed_clock_skew": spec.allowed_clock_skew,
        "custom_signing_key": spec.signing_key is not None,
    }
    if spec.signing_key is not None:
        body.update(signing_algorithm=spec.signing_algorithm, signing_key=spec.signing_key)
    return body


def _differs(live: Json, spec: JwtTemplateSpec) -> bool:
    def canonical(value: Any) -> str:
        return json.dumps(value, sort_keys=True)

    wanted = {name: getattr(spec, name) for name in COMPARED}
    return canonical({name: live.get(name) for name in COMPARED}) != canonical(wanted) or bool(
        live.get("custom_signing_key")
    ) != (spec.signing_key is not None)
