"""`backstop:stripe:Product`: a product under its custom id; removing it from the desired state archives it.

Its default price is set by the `isDefault` input of the price, which can only exist after the product.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from backstop.plugin.model.stripe_catalog import ProductSpec
from backstop.plugin.provider.resource import Json, ResourceHandler

LISTING = "stripe:products"
EDITABLE = ("name", "description", "active", "statement_descriptor", "unit_label", "url", "tax_code")


class ProductHandler(ResourceHandler):
    token = "backstop:stripe:Product"
    spec = ProductSpec
    replace_on_change = frozenset({"product_id"})
    output_types: ClassVar[dict[str, str]] = {
        "default_price": "string",
        "created": "integer",
        "updated": "integer",
        "livemode": "boolean",
    }

    def normalize(self, field: str, value: Any) -> Any:
        if field in ("description", "statement_descriptor", "unit_label", "url", "tax_code"):
            return value or None
        if field == "metadata":
            return value or {}
        if field == "active":
            return True if value is None else bool(value)
        return value

    async def create(self, urn: str, spec: ProductSpec) -> tuple[str, Json]:
        stripe = self.ctx.stripe
        self.ctx.listings.invalidate(LISTING)
        live = await stripe.get("products", spec.product_id)
        if live is None:
            params: Json = {"id": spec.product_id, "name": spec.name, "active": spec.active}
            params.update({k: getattr(spec, k) for k in EDITABLE[1:] if getattr(spec, k) is not None})
            if spec.metadata:
                params["metadata"] = spec.metadata
            live = await stripe.create("products", params, f"backstop-{uuid.uuid4()}")
        else:
            live = await self._converge(live, spec)
        return live["id"], outputs(live)

    async def read(self, resource_id: str, state: Json) -> Json | None:
        live = await self.ctx.stripe_object("products", resource_id)
        return None if live is None else outputs(live)

    async def update(self, resource_id: str, state: Json, spec: ProductSpec) -> Json:
        live = await self.ctx.stripe.get("products", resource_id)
        if live is None:
            raise LookupError(f"Stripe product {resource_id} is gone; run `pulumi refresh` and retry")
        return outputs(await self._converge(live, spec))

    async def delete(self, resource_id: str, state: Json) -> None:
        """Archive: Stripe keeps products that have prices, and so does Backstop."""
        self.ctx.listings.invalidate(LISTING)
        live = await self.ctx.stripe.get("products", resource_id)
        if live is not None and live["active"]:
            await self.ctx.stripe.update("products", resource_id, {"active": False})

    async def _converge(self, live: Json, spec: ProductSpec) -> Json:
        params: Json = {}
        for name in EDITABLE:
            wanted = getattr(spec, name)
            if self.normalize(name, live.get(name)) != self.normalize(name, wanted):
                params[name] = "" if wanted is None else wanted
        current = live.get("metadata") or {}
        if current != spec.metadata:
            params["metadata"] = {**{k: "" for k in current if k not in spec.metadata}, **spec.metadata}
        if not params:
            return live
        self.ctx.listings.invalidate(LISTING)
        return await self.ctx.stripe.update("products", live["id"], params)


def outputs(live: Json) -> Json:
    return {
        "product_id": live["id"],
        **{name: live.get(name) for name in EDITABLE},
        "metadata": live.get("metadata") or {},
        "default_price": live.get("default_price"),
        "created": live["created"],
        "updated": live["updated"],
        "livemode": live["livemode"],
    }
