"""Stripe resources as the Pulumi program declares them."""

from __future__ import annotations

import pulumi

from backstop.plugin.model.stripe import WebhookEndpointSpec
from backstop.plugin.model.stripe_catalog import PriceSpec, ProductSpec
from backstop.plugin.model.stripe_meter import MeterSpec
from backstop.plugin.resources.base import BackstopResource


class WebhookEndpoint(BackstopResource):
    """A Stripe webhook endpoint; `secret` is its signing secret (unknown when adopted or imported)."""

    url: pulumi.Output[str]
    secret: pulumi.Output[str | None]
    secretKnown: pulumi.Output[bool]
    status: pulumi.Output[str]

    def __init__(
        self, name: str, spec: WebhookEndpointSpec, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            "backstop:stripe:WebhookEndpoint",
            name,
            spec,
            ("secret", "secret_known", "status", "created", "livemode"),
            opts,
            secret_outputs=("secret",),
        )

    def known_secret(self) -> pulumi.Output[str | None]:
        """The signing secret; None when it is unknown for good (adopted or imported), unknown in a preview
        that creates the endpoint."""
        return self.secretKnown.apply(lambda known: self.secret if known else None)


class Product(BackstopResource):
    """A Stripe product under its custom id; removed from the desired state, it is archived."""

    productId: pulumi.Output[str]
    defaultPrice: pulumi.Output[str | None]

    def __init__(self, name: str, spec: ProductSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(
            "backstop:stripe:Product", name, spec, ("default_price", "created", "updated", "livemode"), opts
        )


class Price(BackstopResource):
    """A Stripe price, adopted by lookup key; removed from the desired state, it is archived."""

    lookupKey: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        spec: PriceSpec,
        opts: pulumi.ResourceOptions | None = None,
        meter_id: pulumi.Output[str] | None = None,
    ) -> None:
        """`meter_id`: the id of the meter a metered price attaches (the spec holds a placeholder)."""
        inputs = None
        if meter_id is not None and spec.recurring is not None:
            recurring = spec.recurring.model_dump()
            inputs = {"recurring": meter_id.apply(lambda mid: {**recurring, "meter": mid})}
        super().__init__(
            "backstop:stripe:Price", name, spec, ("type", "created", "livemode"), opts, inputs=inputs
        )


class Meter(BackstopResource):
    """A Stripe billing meter, adopted by event name; removed from the desired state, it is deactivated."""

    eventName: pulumi.Output[str]

    def __init__(self, name: str, spec: MeterSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("backstop:stripe:Meter", name, spec, ("status", "created", "livemode"), opts)
