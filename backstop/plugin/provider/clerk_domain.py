"""`backstop:clerk:Domain`: one of the instance's domains.

A satellite is adopted by name or created; renamed and moved to or off a proxy in place; deleted when the
document drops it. The primary domain is made with the instance: it is adopted only when its name is the
declared one, and never renamed (a different name, on adoption or later, is an error: a typo or an older
backup must not move production's sign-in); its proxy is set in place; it is left alone when the document
drops it. Clerk has no GET of one domain: every read
is the list.
"""

from __future__ import annotations

from typing import ClassVar

from backstop.plugin.clients.clerk_client import ClerkApiError
from backstop.plugin.model.clerk_domains import DomainSpec
from backstop.plugin.provider.clerk_base import ClerkHandler
from backstop.plugin.provider.context import ProviderError
from backstop.plugin.provider.resource import Json

LISTING = "clerk:domains"


class DomainHandler(ClerkHandler):
    token = "backstop:clerk:Domain"
    spec = DomainSpec
    replace_on_change = frozenset({"instance_id", "primary"})
    output_types: ClassVar[dict[str, str]] = {"frontend_api_url": "string"}

    async def create(self, urn: str, spec: DomainSpec) -> tuple[str, Json]:
        await self.in_scope(spec.instance_id)
        domains = await self.ctx.clerk.domains()
        live = next((d for d in domains if d["name"] == spec.name), None)
        if spec.primary and (live is None or live["is_satellite"]):
            primary = next((d["name"] for d in domains if not d["is_satellite"]), "none")
            raise ProviderError(
                f"{self.token}: {spec.name} is not the primary domain of {spec.instance_id} (its primary "
                f"domain is {primary}); Clerk makes the primary domain with the instance and can't create "
                "another: declare the live one, or change it in Clerk's dashboard first; nothing was changed"
            )
        if not spec.primary and live is not None and not live["is_satellite"]:
            raise ProviderError(
                f"{self.token}: {spec.name} is the primary domain of {spec.instance_id}: declare it with "
                "`primary: true`; nothing was changed"
            )
        if live is None:
            body: Json = {"name": spec.name, "is_satellite": True}
            if spec.proxy_url is not None:
                body["proxy_url"] = spec.proxy_url
            try:
                live = await self.ctx.clerk.create("domains", body)
            except ClerkApiError as exc:
                # A create whose answer was lost was retried: the domain is ours already.
                live = await self._named(spec.name) if exc.already_exists else None
                if live is None:
                    raise
            self.ctx.listings.invalidate(LISTING)
        return live["id"], await self._converge(live, spec)

    async def read(self, resource_id: str, state: Json) -> Json | None:
        listing = await self.ctx.listings.get(LISTING, self.ctx.clerk.domains)
        live = listing.get(resource_id) or await self._by_id(resource_id)
        return None if live is None else await self._outputs(live)

    async def update(self, resource_id: str, state: Json, spec: DomainSpec) -> Json:
        await self.in_scope(spec.instance_id)
        live = await self._by_id(resource_id)
        if live is None:
            raise LookupError(f"Clerk domain {resource_id} is gone; run `pulumi refresh` and retry")
        if spec.primary and live["name"] != spec.name:
            raise ProviderError(
                f"{self.token}: the primary domain of {spec.instance_id} is {live['name']}, not {spec.name}: "
                "Backstop never renames a primary domain (a typo, or an older backup, would move "
                "production's sign-in); rename it in Clerk's dashboard if that is meant, then declare the "
                "new name; nothing was changed"
            )
        return await self._converge(live, spec)

    async def delete(self, resource_id: str, state: Json) -> None:
        """The primary domain can't be deleted: dropping it from the document only stops asserting it."""
        if state.get("primary"):
            return
        await self.in_scope(state.get("instance_id"))
        self.ctx.listings.invalidate(LISTING)
        await self.ctx.clerk.delete("domains", resource_id)

    async def _converge(self, live: Json, spec: DomainSpec) -> Json:
        body: Json = {}
        if live["name"] != spec.name:
            body["name"] = spec.name
        if (live.get("proxy_url") or None) != spec.proxy_url:
            body["proxy_url"] = spec.proxy_url  # null goes back to DNS
        if body:
            live = await self.ctx.clerk.update("domains", live["id"], body)
            self.ctx.listings.invalidate(LISTING)
        return await self._outputs(live)

    async def _named(self, name: str) -> Json | None:
        return next((d for d in await self.ctx.clerk.domains() if d["name"] == name), None)

    async def _by_id(self, domain_id: str) -> Json | None:
        return next((d for d in await self.ctx.clerk.domains() if d["id"] == domain_id), None)

    async def _outputs(self, live: Json) -> Json:
        return {
            "instance_id": await self.live_instance_id(),
            "name": live["name"],
            "primary": not live["is_satellite"],
            "proxy_url": live.get("proxy_url") or None,
            "frontend_api_url": live.get("frontend_api_url"),
        }
