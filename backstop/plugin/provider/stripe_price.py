"""`backstop:stripe:Price`: adopted by lookup key; a change Stripe can't make replaces it, in Stripe's order.

A replacement is created first (taking the lookup key with `transfer_lookup_key`, and becoming the
product's default price if declared so), then the old price is archived: Stripe has no price delete.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from backstop.plugin.model.stripe_catalog import PriceSpec
from backstop.plugin.provider.resource import Json, ResourceHandler

LISTING = "stripe:prices"
PRODUCTS = "stripe:products"


class PriceHandler(ResourceHandler):
    token = "backstop:stripe:Price"
    spec = PriceSpec
    replace_on_change = frozenset({"product", "currency", "unit_amount", "recurring"})
    output_types: ClassVar[dict[str, str]] = {"type": "string", "created": "integer", "livemode": "boolean"}

    def normalize(self, field: str, value: Any) -> Any:
        if field == "recurring":
            return _recurring(value)
        if field == "nickname":
            return value or None
        if field == "metadata":
            return value or {}
        if field in ("active",):
            return True if value is None else bool(value)
        if field == "is_default":
            return bool(value)
        if field == "tax_behavior":
            return value or "unspecified"
        return value

    async def create(self, urn: str, spec: PriceSpec) -> tuple[str, Json]:
        stripe = self.ctx.stripe
        self.ctx.listings.invalidate(LISTING)
        holders = await stripe.list_all("prices", {"lookup_keys": [spec.lookup_key]})
        same = [p for p in holders if _immutable(p) == _wanted(spec)]
        if same:
            live = await self._converge(same[0], spec)
        else:
            params: Json = {
                "product": spec.product,
                "currency": spec.currency,
                "unit_amount": spec.unit_amount,
                "lookup_key": spec.lookup_key,
                "transfer_lookup_key": True,
                "tax_behavior": spec.tax_behavior,
                "active": spec.active,
            }
            if spec.recurring is not None:
                params["recurring"] = spec.recurring.model_dump(exclude_none=True)
            if spec.nickname:
                params["nickname"] = spec.nickname
            if spec.metadata:
                params["metadata"] = spec.metadata
            live = await stripe.create("prices", params, f"backstop-{uuid.uuid4()}")
        # A price just created is no product's default until made so: no need to read the product.
        is_default = await self._set_default(live, spec.is_default) if same or spec.is_default else False
        return live["id"], outputs(live, is_default)

    async def read(self, resource_id: str, state: Json) -> Json | None:
        live = await self.ctx.stripe_object("prices", resource_id)
        if live is None:
            return None
        product = await self.ctx.stripe_object("products", live["product"])
        return outputs(live, product is not None and product.get("default_price") == resource_id)

    async def update(self, resource_id: str, state: Json, spec: PriceSpec) -> Json:
        live = await self.ctx.stripe.get("prices", resource_id)
        if live is None:
            raise LookupError(f"Stripe price {resource_id} is gone; run `pulumi refresh` and retry")
        live = await self._converge(live, spec)
        return outputs(live, await self._set_default(live, spec.is_default))

    async def delete(self, resource_id: str, state: Json) -> None:
        """Archive, after handing back the product's default price if this was it."""
        self.ctx.listings.invalidate(LISTING)
        live = await self.ctx.stripe.get("prices", resource_id)
        if live is None or not live["active"]:
            return
        await self._set_default(live, False)
        await self.ctx.stripe.update("prices", resource_id, {"active": False})

    async def _converge(self, live: Json, spec: PriceSpec) -> Json:
        params: Json = {}
        if live.get("lookup_key") != spec.lookup_key:
            params.update(lookup_key=spec.lookup_key, transfer_lookup_key=True)
        if (live.get("nickname") or None) != spec.nickname:
            params["nickname"] = spec.nickname or ""
        if (live.get("tax_behavior") or "unspecified") != spec.tax_behavior:
            params["tax_behavior"] = spec.tax_behavior
        current = live.get("metadata") or {}
        if current != spec.metadata:
            params["metadata"] = {**{k: "" for k in current if k not in spec.metadata}, **spec.metadata}
        if live["active"] != spec.active:
            if not spec.active:
                await self._set_default(live, False)
            params["active"] = spec.active
        if not params:
            return live
        self.ctx.listings.invalidate(LISTING)
        return await self.ctx.stripe.update("prices", live["id"], params)

    async def _set_default(self, live: Json, wanted: bool) -> bool:
        """Make the product's default price this one, or stop it being so; True if it is the default now.

        Per product, one change at a time: another price of the product may be taking over concurrently.
        """
        product_id = live["product"]
        async with self.ctx.lock(f"stripe:default_price:{product_id}"):
            product = await self.ctx.stripe.get("products", product_id)
            if product is None:
                return False
            current = product.get("default_price")
            if wanted and current != live["id"]:
                await self.ctx.stripe.update("products", product_id, {"default_price": live["id"]})
                self.ctx.listings.invalidate(PRODUCTS)
            elif not wanted and current == live["id"]:
                await self.ctx.stripe.update("products", product_id, {"default_price": ""})
                self.ctx.listings.invalidate(PRODUCTS)
            return wanted


def _recurring(value: Any) -> Json | None:
    if not value:
        return None
    recurring = {
        "interval": value["interval"],
        "interval_count": int(value.get("interval_count") or 1),
        "usage_type": value.get("usage_type") or "licensed",
    }
    if value.get("meter"):
        recurring["meter"] = value["meter"]
    return recurring


def _immutable(live: Json) -> tuple[Any, ...]:
    return (live["product"], live["currency"], live.get("unit_amount"), _recurring(live.get("recurring")))


def _wanted(spec: PriceSpec) -> tuple[Any, ...]:
    recurring = spec.recurring.model_dump() if spec.recurring else None
    return (spec.product, spec.currency, spec.unit_amount, _recurring(recurring))


def outputs(live: Json, is_default: bool) -> Json:
    return {
        "product": live["product"],
        "lookup_key": live.get("lookup_key"),
        "currency": live["currency"],
        "unit_amount": live.get("unit_amount"),
        "recurring": _recurring(live.get("recurring")),
        "tax_behavior": live.get("tax_behavior") or "unspecified",
        "nickname": live.get("nickname"),
        "active": live["active"],
        "metadata": live.get("metadata") or {},
        "is_default": is_default,
        "type": live["type"],
        "created": live["created"],
        "livemode": live["livemode"],
    }
