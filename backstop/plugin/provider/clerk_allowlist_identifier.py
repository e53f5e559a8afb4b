"""`backstop:clerk:AllowlistIdentifier`: an email address (or `*@domain`), phone number or web3 wallet
allowed to sign up. The identifier is the natural key; Clerk can neither edit nor GET one (only list), so a
change replaces it. Creates never send invitations (`notify: false`): a restore must not email anyone."""

from __future__ import annotations

from typing import ClassVar

from backstop.plugin.clients.clerk_client import ClerkApiError
from backstop.plugin.model.clerk import AllowlistIdentifierSpec
from backstop.plugin.provider.clerk_base import ClerkHandler
from backstop.plugin.provider.resource import Json

LISTING = "clerk:allowlist_identifiers"


class AllowlistIdentifierHandler(ClerkHandler):
    token = "backstop:clerk:AllowlistIdentifier"
    spec = AllowlistIdentifierSpec
    replace_on_change = frozenset({"identifier", "instance_id"})
    output_types: ClassVar[dict[str, str]] = {"identifier_type": "string", "created_at": "integer"}

    async def create(self, urn: str, spec: AllowlistIdentifierSpec) -> tuple[str, Json]:
        await self.in_scope(spec.instance_id)
        live = await self._find(spec.identifier)
        if live is None:
            body = {"identifier": spec.identifier, "notify": False}
            try:
                live = await self.ctx.clerk.create("allowlist_identifiers", body)
            except ClerkApiError as exc:
                live = await self._find(spec.identifier) if exc.already_exists else None
                if live is None:
                    raise
            self.ctx.listings.invalidate(LISTING)
        return live["id"], await self._outputs(live)

    async def read(self, resource_id: str, state: Json) -> Json | None:
        listing = await self.ctx.listings.get(
            LISTING, lambda: self.ctx.clerk.list_all("allowlist_identifiers")
        )
        live = listing.get(resource_id)
        if live is None and not self.ctx.listings.enabled:
            live = await self.ctx.clerk.get("allowlist_identifiers", resource_id)
        return None if live is None else await self._outputs(live)

    async def update(self, resource_id: str, state: Json, spec: AllowlistIdentifierSpec) -> Json:
        live = await self.ctx.clerk.get("allowlist_identifiers", resource_id)
        if live is None:
            raise LookupError(
                f"Clerk allowlist identifier {resource_id} is gone; run `pulumi refresh` and retry"
            )
        return await self._outputs(live)

    async def delete(self, resource_id: str, state: Json) -> None:
        await self.in_scope(state.get("instance_id"))
        self.ctx.listings.invalidate(LISTING)
        await self.ctx.clerk.delete("allowlist_identifiers", resource_id)

    async def _find(self, identifier: str) -> Json | None:
        listed = await self.ctx.clerk.list_all("allowlist_identifiers")
        return next((i for i in listed if i["identifier"] == identifier), None)

    async def _outputs(self, live: Json) -> Json:
        return {
            "instance_id": await self.live_instance_id(),
            "identifier": live["identifier"],
            "identifier_type": live["identifier_type"],
            "created_at": live["created_at"],
        }
