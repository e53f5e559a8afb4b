"""StripeBilling: every Stripe object of one stack's account, as the desired state declares it."""

from __future__ import annotations

import pulumi

from backstop.plugin.model.stripe import StripeSection
from backstop.plugin.model.stripe_catalog import Price as PriceDecl
from backstop.plugin.model.stripe_catalog import Product as ProductDecl
from backstop.plugin.resources.stripe import Meter, Price, Product, WebhookEndpoint


class StripeBilling(pulumi.ComponentResource):
    webhook_endpoints: dict[str, WebhookEndpoint]
    meters: dict[str, Meter]
    products: dict[str, Product]
    prices: dict[str, Price]

    def __init__(self, name: str, section: StripeSection, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("backstop:components:StripeBilling", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # A forced replacement (`--rotate-secrets`) must delete first: a create would adopt the old endpoint
        # by its URL, and the engine would then delete the very endpoint it adopted.
        endpoint_opts = pulumi.ResourceOptions(parent=self, delete_before_replace=True)
        self.webhook_endpoints = {
            endpoint.key: WebhookEndpoint(f"stripe-webhook-{endpoint.key}", endpoint.spec(), endpoint_opts)
            for endpoint in section.webhook_endpoints
        }
        self.meters = {
            meter.key: Meter(f"stripe-meter-{meter.key}", meter.spec(), child) for meter in section.meters
        }
        self.products, self.prices = {}, {}
        for product in section.products:
            declared = Product(f"stripe-product-{product.key}", product.spec(), child)
            self.products[product.key] = declared
            for price in product.prices:
                key = f"{product.key}/{price.key}"
                self.prices[key] = self._price(product, price, declared)
        self.register_outputs(
            {
                "webhook_endpoint_ids": {key: ep.id for key, ep in self.webhook_endpoints.items()},
                "meter_ids": {key: m.id for key, m in self.meters.items()},
                "product_ids": {key: p.id for key, p in self.products.items()},
                "price_ids": {key: p.id for key, p in self.prices.items()},
            }
        )

    def _price(self, product: ProductDecl, price: PriceDecl, declared: Product) -> Price:
        name = f"stripe-price-{product.key}-{price.key}"
        meter_key = price.recurring.meter if price.recurring else None
        if meter_key is None:
            opts = pulumi.ResourceOptions(parent=self, depends_on=[declared])
            return Price(name, product.price_spec(price), opts)
        meter = self.meters[meter_key]
        opts = pulumi.ResourceOptions(parent=self, depends_on=[declared, meter])
        # The spec is validated with a placeholder id; the engine gets the meter's id once it is known.
        return Price(name, product.price_spec(price, "mtr_pending"), opts, meter_id=meter.id)
