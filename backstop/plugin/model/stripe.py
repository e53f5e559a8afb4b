"""Stripe objects in the desired state."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from backstop.plugin.model.common import HttpUrl, Key, Strict, no_repeats
from backstop.plugin.model.stripe_catalog import Product
from backstop.plugin.model.stripe_events import WEBHOOK_EVENT_TYPES
from backstop.plugin.model.stripe_meter import Meter

MetadataKey = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[^\[\]]+$")]
MetadataValue = Annotated[str, StringConstraints(max_length=500)]
ApiVersion = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$")]


def webhook_event_types() -> frozenset[str]:
    """The event names the pinned Stripe SDK declares for `enabled_events` (from Stripe's OpenAPI)."""
    return WEBHOOK_EVENT_TYPES


class WebhookEndpointSpec(Strict):
    """What the `backstop:stripe:WebhookEndpoint` resource takes (the provider validates with this too)."""

    url: HttpUrl
    enabled_events: list[str] = Field(min_length=1)
    description: Annotated[str, StringConstraints(max_length=5000)] | None = None
    api_version: ApiVersion | None = None
    disabled: bool = False
    metadata: dict[MetadataKey, MetadataValue] = Field(default_factory=dict, max_length=50)

    @field_validator("enabled_events")
    @classmethod
    def _known_events(cls, events: list[str]) -> list[str]:
        unknown = [e for e in events if e not in webhook_event_types()]
        if unknown:
            raise ValueError(f"unknown Stripe event type(s): {', '.join(unknown)}")
        if len(set(events)) != len(events):
            raise ValueError("lists an event type twice")
        return events


class WebhookEndpoint(WebhookEndpointSpec):
    key: Key

    def spec(self) -> WebhookEndpointSpec:
        return WebhookEndpointSpec(**self.model_dump(exclude={"key"}))


class StripeScope(Strict):
    mode: Literal["test", "live"]


class StripeSection(Strict):
    webhook_endpoints: list[WebhookEndpoint] = Field(default_factory=list)
    meters: list[Meter] = Field(default_factory=list)
    products: list[Product] = Field(default_factory=list)

    @field_validator("meters")
    @classmethod
    def _unique_meters(cls, meters: list[Meter]) -> list[Meter]:
        no_repeats("meter key", [m.key for m in meters])
        no_repeats("meter event_name", [m.event_name for m in meters if m.active])
        return meters

    @model_validator(mode="after")
    def _meters_declared(self) -> StripeSection:
        declared = {m.key: m for m in self.meters}
        for product in self.products:
            for price in product.prices:
                name = price.recurring.meter if price.recurring else None
                if name is None:
                    continue
                if name not in declared:
                    raise ValueError(
                        f"products.{product.key}.prices.{price.key}: recurring.meter {name!r} is not a key "
                        "of stripe.meters"
                    )
                if price.active and not declared[name].active:
                    raise ValueError(
                        f"products.{product.key}.prices.{price.key}: meter {name!r} is inactive, and Stripe "
                        "attaches active meters only"
                    )
        return self

    @field_validator("products")
    @classmethod
    def _unique_products(cls, products: list[Product]) -> list[Product]:
        no_repeats("key", [p.key for p in products])
        no_repeats("id", [p.id for p in products])
        no_repeats("price lookup_key", [price.lookup_key for p in products for price in p.prices])
        no_repeats("price key", [f"{p.key}/{price.key}" for p in products for price in p.prices])
        return products

    @field_validator("webhook_endpoints")
    @classmethod
    def _unique(cls, endpoints: list[WebhookEndpoint]) -> list[WebhookEndpoint]:
        no_repeats("key", [e.key for e in endpoints])
        no_repeats("url", [e.url for e in endpoints])
        return endpoints
