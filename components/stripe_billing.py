"""StripeBilling: every Stripe object of one stack's account, as the desired state declares it."""

from __future__ import annotations

import pulumi

from backstop.plugin.model.stripe import StripeSection
from backstop.plugin.resources.stripe import Price, Product, WebhookEndpoint


class StripeBilling(pulumi.ComponentResource):
    webhook_endpoints: dict[str, WebhookEndpoint]
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
        self.products, self.prices = {}, {}
        for product in section.products:
            declared = Product(f"stripe-product-{product.key}", product.spec(), child)
            self.products[product.key] = declared
            after_product = pulumi.ResourceOptions(parent=self, depends_on=[declared])
            for price in product.prices:
                key = f"{product.key}/{price.key}"
                self.prices[key] = Price(
                    f"stripe-price-{product.key}-{price.key}", product.price_spec(price), after_product
                )
        self.register_outputs(
            {
                "webhook_endpoint_ids": {key: ep.id for key, ep in self.webhook_endpoints.items()},
                "product_ids": {key: p.id for key, p in self.products.items()},
                "price_ids": {key: p.id for key, p in self.prices.items()},
            }
        )
