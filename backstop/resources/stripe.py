"""Stripe resources as the Pulumi program declares them."""

from __future__ import annotations

from typing import Any

import pulumi

from backstop.model.stripe import WebhookEndpointSpec


class WebhookEndpoint(pulumi.CustomResource):
    """A Stripe webhook endpoint; `secret` is its signing secret (unknown when adopted or imported)."""

    url: pulumi.Output[str]
    enabledEvents: pulumi.Output[list[str]]
    secret: pulumi.Output[str | None]
    status: pulumi.Output[str]

    def __init__(
        self, name: str, spec: WebhookEndpointSpec, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        props: dict[str, Any] = {
            "url": spec.url,
            "enabledEvents": spec.enabled_events,
            "description": spec.description,
            "apiVersion": spec.api_version,
            "disabled": spec.disabled,
            "metadata": spec.metadata,
            "secret": None,
            "status": None,
            "created": None,
            "livemode": None,
        }
        secret_opts = pulumi.ResourceOptions(additional_secret_outputs=["secret"])
        super().__init__(
            "backstop:stripe:WebhookEndpoint", name, props, pulumi.ResourceOptions.merge(secret_opts, opts)
        )
