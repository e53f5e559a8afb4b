"""Stripe billing meters in the desired state: what a metered price counts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from backstop.plugin.model.common import Key, Strict

EventName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
PayloadKey = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class MeterFields(Strict):
    display_name: Annotated[str, StringConstraints(min_length=1, max_length=250)]
    aggregation: Literal["count", "last", "sum"]
    customer_payload_key: PayloadKey = "stripe_customer_id"
    value_payload_key: PayloadKey = "value"
    event_time_window: Literal["day", "hour"] | None = None
    active: bool = True


class MeterSpec(MeterFields):
    """What `backstop:stripe:Meter` takes. `event_name` is the natural key (one active meter per name)."""

    event_name: EventName


class Meter(MeterSpec):
    """A meter as declared; a metered price names it by `key` in `recurring.meter`."""

    key: Key

    def spec(self) -> MeterSpec:
        return MeterSpec(**self.model_dump(exclude={"key"}))
