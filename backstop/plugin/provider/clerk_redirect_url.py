"""`backstop:clerk:RedirectUrl`: an allowed redirect URL. The URL is the natural key; Clerk can't edit one,
so any change replaces it (the new URL is added before the old one is removed)."""

from __future__ import annotations

from typing import ClassVar

from backstop.plugin.clients.clerk_client import ClerkApiError
from backstop.plugin.model.clerk import RedirectUrlSpec
from backstop.plugin.provider.clerk_base import ClerkHandler
from backstop.plugin.provider.resource import Json

LISTING = "clerk:redirect_urls"


class RedirectUrlHandler(ClerkHandler):
    token = "backstop:clerk:RedirectUrl"
    spec = RedirectUrlSpec
    replace_on_change = frozenset({"url", "instance_id"})
    output_types: ClassVar[dict[str, str]] = {"created_at": "integer"}

    async def create(self, urn: str, spec: RedirectUrlSpec) -> tuple[str, Json]:
        await self.in_scope(spec.instance_id)
        live = await self._find(spec.url)
        if live is None:
            try:
                live = await self.ctx.clerk.create("redirect_urls", {"url": spec.url})
            except ClerkApiError as exc:
                # A create whose answer was lost was retried: the URL is ours already.
                live = await self._find(spec.url) if exc.already_exists else None
                if live is None:
                    raise
            self.ctx.listings.invalidate(LISTING)
        return live["id"], await self._outputs(live)

    async def read(self, resource_id: str, state: Json) -> Json | None:
        listing = await self.ctx.listings.get(LISTING, lambda: self.ctx.clerk.list_all("redirect_urls"))
        live = listing.get(resource_id) or await self.ctx.clerk.get("redirect_urls", resource_id)
        return None if live is None else await self._outputs(live)

    async def update(self, resource_id: str, state: Json, spec: RedirectUrlSpec) -> Json:
        live = await self.ctx.clerk.get("redirect_urls", resource_id)
        if live is None:
            raise LookupError(f"Clerk redirect URL {resource_id} is gone; run `pulumi refresh` and retry")
        return await self._outputs(live)

    async def delete(self, resource_id: str, state: Json) -> None:
        await self.in_scope(state.get("instance_id"))
        self.ctx.listings.invalidate(LISTING)
        await self.ctx.clerk.delete("redirect_urls", resource_id)

    async def _find(self, url: str) -> Json | None:
        return next((r for r in await self.ctx.clerk.list_all("redirect_urls") if r["url"] == url), None)

    async def _outputs(self, live: Json) -> Json:
        return {
            "instance_id": await self.live_instance_id(),
            "url": live["url"],
            "created_at": live["created_at"],
        }
