"""`backstop:stripe:Meter`: a billing meter, adopted by event name; removing it deactivates it.

Only the display name can change in place; the rest replaces the meter, old one first (Stripe allows one
active meter per event name). A create adopts the active meter of its event name, or reactivates a
retired one of the same shape, before it makes a new one.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from backstop.plugin.model.stripe_meter import MeterSpec
from backstop.plugin.provider.resource import Json, ResourceHandler

LISTING = "stripe:billing_meters"
SHAPE = ("aggregation", "customer_payload_key", "value_payload_key", "event_time_window")


class MeterHandler(ResourceHandler):
    token = "backstop:stripe:Meter"
    spec = MeterSpec
    replace_on_change = frozenset({"event_name", *SHAPE})
    delete_before_replace = True
    output_types: ClassVar[dict[str, str]] = {"status": "string", "created": "integer", "livemode": "boolean"}

    def normalize(self, field: str, value: Any) -> Any:
        if field == "active":
            return True if value is None else bool(value)
        if field == "customer_payload_key":
            return value or "stripe_customer_id"
        if field == "value_payload_key":
            return value or "value"
        return value

    async def create(self, urn: str, spec: MeterSpec) -> tuple[str, Json]:
        stripe = self.ctx.stripe
        self.ctx.listings.invalidate(LISTING)
        named = [m for m in await stripe.list_all("billing_meters") if m["event_name"] == spec.event_name]
        active = [m for m in named if m["status"] == "active"]
        if active and _shape(active[0]) != _wanted(spec):
            raise ValueError(
                f"Stripe meter {active[0]['id']} counts event {spec.event_name!r} differently "
                f"({_describe(_shape(active[0]))}, declared {_describe(_wanted(spec))}); Stripe keeps one "
                "active meter per event name: deactivate it in Stripe, or declare it as it is"
            )
        same = active or [m for m in named if _shape(m) == _wanted(spec)]
        if same:
            live = await self._converge(same[0], spec)
        else:
            params: Json = {
                "event_name": spec.event_name,
                "display_name": spec.display_name,
                "default_aggregation": {"formula": spec.aggregation},
                "customer_mapping": {"event_payload_key": spec.customer_payload_key, "type": "by_id"},
                "value_settings": {"event_payload_key": spec.value_payload_key},
            }
            if spec.event_time_window:
                params["event_time_window"] = spec.event_time_window
            live = await stripe.create("billing_meters", params, f"backstop-{uuid.uuid4()}")
            if not spec.active:
                live = await stripe.set_meter_status(live["id"], False)
        return live["id"], outputs(live)

    async def read(self, resource_id: str, state: Json) -> Json | None:
        live = await self.ctx.stripe_object("billing_meters", resource_id)
        return None if live is None else outputs(live)

    async def update(self, resource_id: str, state: Json, spec: MeterSpec) -> Json:
        live = await self.ctx.stripe.get("billing_meters", resource_id)
        if live is None:
            raise LookupError(f"Stripe meter {resource_id} is gone; run `pulumi refresh` and retry")
        return outputs(await self._converge(live, spec))

    async def delete(self, resource_id: str, state: Json) -> None:
        """Deactivate: Stripe has no meter delete."""
        self.ctx.listings.invalidate(LISTING)
        live = await self.ctx.stripe.get("billing_meters", resource_id)
        if live is not None and live["status"] == "active":
            await self.ctx.stripe.set_meter_status(resource_id, False)

    async def _converge(self, live: Json, spec: MeterSpec) -> Json:
        stripe = self.ctx.stripe
        if live["display_name"] != spec.display_name:
            self.ctx.listings.invalidate(LISTING)
            live = await stripe.update("billing_meters", live["id"], {"display_name": spec.display_name})
        if (live["status"] == "active") != spec.active:
            self.ctx.listings.invalidate(LISTING)
            live = await stripe.set_meter_status(live["id"], spec.active)
        return live


def _shape(live: Json) -> tuple[Any, ...]:
    return (
        (live.get("default_aggregation") or {}).get("formula"),
        (live.get("customer_mapping") or {}).get("event_payload_key"),
        (live.get("value_settings") or {}).get("event_payload_key"),
        live.get("event_time_window"),
    )


def _wanted(spec: MeterSpec) -> tuple[Any, ...]:
    return tuple(getattr(spec, name) for name in SHAPE)


def _describe(shape: tuple[Any, ...]) -> str:
    return ", ".join(f"{name} {value}" for name, value in zip(SHAPE, shape, strict=True) if value)


def outputs(live: Json) -> Json:
    formula, customer_key, value_key, window = _shape(live)
    return {
        "event_name": live["event_name"],
        "display_name": live["display_name"],
        "aggregation": formula,
        "customer_payload_key": customer_key,
        "value_payload_key": value_key,
        "event_time_window": window,
        "active": live["status"] == "active",
        "status": live["status"],
        "created": live["created"],
        "livemode": live["livemode"],
    }
