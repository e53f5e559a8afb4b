"""What the Vapi resource types share: adopt-by-natural-key, batched reads, converging by PATCH.

Each type says how a live object looks as its spec (`project`), how a spec looks as Vapi's JSON (`body`),
which Vapi field carries each spec field, and what its natural key is. Only spec fields that differ from
the live object are sent; a PATCH replaces a top-level field whole, so nested objects Backstop manages in
part (an assistant's model, a tool's server) are sent together with their live parts Backstop leaves alone.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar

from pydantic import BaseModel

from backstop.plugin.clients.errors import VendorError
from backstop.plugin.clients.vapi_client import Kind, VapiApi
from backstop.plugin.provider.context import ProviderError
from backstop.plugin.provider.resource import Json, ResourceHandler


class VapiHandler(ResourceHandler):
    kind: ClassVar[Kind]
    label: ClassVar[str]
    vapi_fields: ClassVar[dict[str, str | None]]
    """Spec field -> the top-level Vapi field that carries it (None: not a Vapi field)."""
    output_types: ClassVar[dict[str, str]] = {"created_at": "string"}

    @property
    def listing(self) -> str:
        return f"vapi:{self.kind}"

    @property
    def api(self) -> VapiApi:
        return self.ctx.vapi

    @abstractmethod
    def natural_key(self, live: Json) -> str | None: ...

    @abstractmethod
    def wanted_key(self, spec: Any) -> str: ...

    @abstractmethod
    def project(self, live: Json) -> Json:
        """The live object in the spec's shape (fields Backstop doesn't manage left out)."""

    @abstractmethod
    def body(self, spec: Any, live: Json | None) -> Json:
        """Every Vapi field the spec sets, as Vapi's JSON (None where the spec clears it)."""

    def normalize(self, field: str, value: Any) -> Any:
        value = _without_nones(value)
        info = self.spec.model_fields[field]
        if value is None and not info.is_required():
            default = info.get_default(call_default_factory=True)
            return default.model_dump() if isinstance(default, BaseModel) else default
        return value

    # The resource contract
    async def create(self, urn: str, spec: Any) -> tuple[str, Json]:
        self.ctx.listings.invalidate(self.listing)
        existing = await self._find(spec)
        if existing is not None:
            live = await self._converge(existing, spec)
            return live["id"], self.outputs(live)
        body = {k: v for k, v in self.body(spec, None).items() if v is not None}
        try:
            live = await self.api.create(self.kind, body)
        except VendorError as exc:
            if exc.status is not None:
                raise
            # The answer was lost: Vapi may have made it. Find it by its natural key rather than repeat it.
            found = await self._find(spec)
            if found is None:
                raise
            live = await self._converge(found, spec)
        self.ctx.listings.invalidate(self.listing)
        if live.get("orgId") != spec.org_id:
            await self.api.delete(self.kind, live["id"])
            raise ProviderError(self._wrong_org(live, spec))
        return live["id"], self.outputs(live)

    async def read(self, resource_id: str, state: Json) -> Json | None:
        listing = await self.ctx.listings.get(self.listing, lambda: self.api.list_all(self.kind))
        live = listing.get(resource_id) or await self.api.get(self.kind, resource_id)
        return None if live is None else self.outputs(live)

    async def update(self, resource_id: str, state: Json, spec: Any) -> Json:
        live = await self.api.get(self.kind, resource_id)
        if live is None:
            raise ProviderError(
                f"Vapi {self.label} {resource_id} is gone; run `pulumi refresh` (or `up --refresh`) and retry"
            )
        if live.get("orgId") != spec.org_id:
            raise ProviderError(self._wrong_org(live, spec))
        return self.outputs(await self._converge(live, spec))

    async def delete(self, resource_id: str, state: Json) -> None:
        self.ctx.listings.invalidate(self.listing)
        await self.api.delete(self.kind, resource_id)

    # Helpers
    def outputs(self, live: Json) -> Json:
        return {**self.project(live), "created_at": live.get("createdAt")}

    async def _find(self, spec: Any) -> Json | None:
        """The oldest live object with the spec's natural key, in the spec's org."""
        listed = await self.api.list_all(self.kind)
        other_org = next((o for o in listed if o.get("orgId") != spec.org_id), None)
        if other_org is not None:
            raise ProviderError(self._wrong_org(other_org, spec))
        same = [o for o in listed if self.natural_key(o) == self.wanted_key(spec)]
        return min(same, key=lambda o: str(o.get("createdAt"))) if same else None

    async def _converge(self, live: Json, spec: Any) -> Json:
        current, wanted = self.project(live), spec.model_dump()
        changed = [
            f
            for f, vapi in self.vapi_fields.items()
            if vapi and self.normalize(f, current.get(f)) != self.normalize(f, wanted.get(f))
        ]
        if not changed:
            return live
        body = self.body(spec, live)
        patch = {vapi: body.get(vapi) for f in changed if (vapi := self.vapi_fields[f])}
        self.ctx.listings.invalidate(self.listing)
        return await self.api.update(self.kind, live["id"], patch)

    def _wrong_org(self, live: Json, spec: Any) -> str:
        return (
            f"the Vapi API key reaches org {live.get('orgId')}, but scope.vapi.org_id is {spec.org_id}: "
            f"no {self.label} was adopted or changed there (check backstop:vapiApiKey)"
        )


def merged(live: Any, ours: Json, managed: frozenset[str]) -> Json:
    """`ours` (None values dropped) on top of the live object's fields Backstop doesn't manage."""
    kept = {k: v for k, v in live.items() if k not in managed} if isinstance(live, dict) else {}
    return {**kept, **{k: v for k, v in ours.items() if v is not None}}


def _without_nones(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nones(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nones(v) for v in value]
    return value
