"""Clerk resources (webhook endpoints through Svix) as the Pulumi program declares them."""

from __future__ import annotations

from typing import Any

import pulumi

from backstop.plugin.model.clerk import AllowlistIdentifierSpec, JwtTemplateSpec, RedirectUrlSpec
from backstop.plugin.model.clerk_domains import DomainSpec
from backstop.plugin.model.clerk_settings import (
    InstanceRestrictionsSpec,
    InstanceSettingsSpec,
    OrganizationSettingsSpec,
)
from backstop.plugin.model.clerk_webhook_endpoints import WebhookEndpointSpec
from backstop.plugin.model.wire_names import wire_name
from backstop.plugin.resources.base import BackstopResource


class RedirectUrl(BackstopResource):
    """An allowed redirect URL; a changed URL replaces it."""

    url: pulumi.Output[str]

    def __init__(self, name: str, spec: RedirectUrlSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("backstop:clerk:RedirectUrl", name, spec, ("created_at",), opts)


class Domain(BackstopResource):
    """A domain of the instance: the primary (asserted, never created or deleted) or a satellite."""

    name: pulumi.Output[str]
    frontendApiUrl: pulumi.Output[str]

    def __init__(self, name: str, spec: DomainSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("backstop:clerk:Domain", name, spec, ("frontend_api_url",), opts)


class JwtTemplate(pulumi.CustomResource):
    """A JWT template; `signing_key` (a secret from the stack config) is its write-only custom key."""

    name: pulumi.Output[str]
    customSigningKey: pulumi.Output[bool]

    def __init__(
        self,
        name: str,
        spec: JwtTemplateSpec,
        signing_key: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {wire_name(k): v for k, v in spec.model_dump().items()}
        props.update(signingKey=signing_key, customSigningKey=None, createdAt=None)
        secrets = pulumi.ResourceOptions(additional_secret_outputs=["signingKey"])
        options = pulumi.ResourceOptions.merge(secrets, opts)
        super().__init__("backstop:clerk:JwtTemplate", name, props, options)


class AllowlistIdentifier(BackstopResource):
    """An identifier allowed to sign up; a changed identifier replaces it."""

    identifier: pulumi.Output[str]

    def __init__(
        self, name: str, spec: AllowlistIdentifierSpec, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            "backstop:clerk:AllowlistIdentifier", name, spec, ("identifier_type", "created_at"), opts
        )


class OrganizationSettings(BackstopResource):
    """The instance's organization settings (one per instance)."""

    def __init__(
        self, name: str, spec: OrganizationSettingsSpec, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("backstop:clerk:OrganizationSettings", name, spec, (), opts)


class InstanceSettings(BackstopResource):
    """Write-only instance settings; a new `reapply` token re-applies them."""

    def __init__(
        self, name: str, spec: InstanceSettingsSpec, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("backstop:clerk:InstanceSettings", name, spec, (), opts)


class InstanceRestrictions(BackstopResource):
    """Write-only instance restrictions; a new `reapply` token re-applies them."""

    def __init__(
        self, name: str, spec: InstanceRestrictionsSpec, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("backstop:clerk:InstanceRestrictions", name, spec, (), opts)


class WebhookEndpoint(BackstopResource):
    """An endpoint of the instance's Svix application; `secret` is its signing secret (a secret)."""

    url: pulumi.Output[str]
    secret: pulumi.Output[str]
    svixAppId: pulumi.Output[str]

    def __init__(
        self, name: str, spec: WebhookEndpointSpec, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            "backstop:clerk:WebhookEndpoint",
            name,
            spec,
            ("secret", "svix_app_id", "created_at"),
            opts,
            secret_outputs=("secret",),
        )
