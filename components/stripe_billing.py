"""StripeBilling: every Stripe object of one stack's account, as the desired state declares it."""

from __future__ import annotations

import pulumi

from backstop.model.stripe import StripeSection
from backstop.resources.stripe import WebhookEndpoint


class StripeBilling(pulumi.ComponentResource):
    webhook_endpoints: dict[str, WebhookEndpoint]

    def __init__(self, name: str, section: StripeSection, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("backstop:components:StripeBilling", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.webhook_endpoints = {
            endpoint.key: WebhookEndpoint(f"stripe-webhook-{endpoint.key}", endpoint, child)
            for endpoint in section.webhook_endpoints
        }
        self.register_outputs(
            {"webhook_endpoint_ids": {key: ep.id for key, ep in self.webhook_endpoints.items()}}
        )
