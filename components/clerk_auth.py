"""ClerkAuth: every managed object of the stack's Clerk instance (webhooks through Svix).

Resource names are `clerk-<family>-<key>`, and `clerk-<settings>` for the instance-wide settings.
`reapply` (the stack config `reapply`, which `backstop restore` sets) reaches every write-only resource:
a new value re-applies what Clerk can't show.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from backstop.plugin.model.clerk import ClerkSection
from backstop.plugin.resources.clerk import (
    AllowlistIdentifier,
    Domain,
    InstanceRestrictions,
    InstanceSettings,
    JwtTemplate,
    OrganizationSettings,
    RedirectUrl,
    WebhookEndpoint,
)


class ClerkAuth(pulumi.ComponentResource):
    redirect_urls: dict[str, RedirectUrl]
    jwt_templates: dict[str, JwtTemplate]
    allowlist_identifiers: dict[str, AllowlistIdentifier]
    organization_settings: OrganizationSettings | None
    instance_settings: InstanceSettings | None
    instance_restrictions: InstanceRestrictions | None
    domains: dict[str, Domain]
    webhook_endpoints: dict[str, WebhookEndpoint]
    """By key; each has a `secret` output (the Svix signing secret, a Pulumi secret)."""

    def __init__(
        self,
        name: str,
        section: ClerkSection,
        instance_id: str,
        reapply: str | None = None,
        signing_keys: Mapping[str, pulumi.Input[str]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """`signing_keys`: the secret signing key of each JWT template that declares one, by template key."""
        super().__init__("backstop:components:ClerkAuth", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        keys = signing_keys or {}
        self.redirect_urls = {
            u.key: RedirectUrl(f"clerk-redirect-url-{u.key}", u.spec(instance_id), child)
            for u in section.redirect_urls
        }
        self.jwt_templates = {
            t.key: JwtTemplate(
                f"clerk-jwt-template-{t.key}",
                t.spec(instance_id, reapply if t.signing_key is not None else None),
                keys.get(t.key),
                child,
            )
            for t in section.jwt_templates
        }
        self.allowlist_identifiers = {
            i.key: AllowlistIdentifier(f"clerk-allowlist-identifier-{i.key}", i.spec(instance_id), child)
            for i in section.allowlist_identifiers
        }
        self.domains = {
            d.key: Domain(f"clerk-domain-{d.key}", d.spec(instance_id), child) for d in section.domains or []
        }
        self.organization_settings = self.instance_settings = self.instance_restrictions = None
        if section.organization_settings is not None:
            self.organization_settings = OrganizationSettings(
                "clerk-organization-settings", section.organization_settings.spec(instance_id), child
            )
        if section.instance_settings is not None:
            self.instance_settings = InstanceSettings(
                "clerk-instance-settings", section.instance_settings.spec(instance_id, reapply), child
            )
        if section.instance_restrictions is not None:
            self.instance_restrictions = InstanceRestrictions(
                "clerk-instance-restrictions", section.instance_restrictions.spec(instance_id, reapply), child
            )
        self.webhook_endpoints = {
            e.key: WebhookEndpoint(f"clerk-webhook-{e.key}", e.spec(instance_id), child)
            for e in section.webhook_endpoints
        }
        self.register_outputs(
            {
                "redirect_url_ids": {key: r.id for key, r in self.redirect_urls.items()},
                "jwt_template_ids": {key: t.id for key, t in self.jwt_templates.items()},
                "domain_ids": {key: d.id for key, d in self.domains.items()},
                "webhook_endpoint_ids": {key: e.id for key, e in self.webhook_endpoints.items()},
            }
        )


def signing_keys(section: ClerkSection, config: pulumi.Config, source: str) -> dict[str, pulumi.Output[str]]:
    """Each template's signing key from the stack config, or ValueError listing every missing or plaintext
    one (`file: path: reason`), before anything is declared."""
    keys: dict[str, pulumi.Output[str]] = {}
    problems: list[str] = []
    for path, template_key, name in section.secret_refs():
        full = config.full_key(name)
        if config.get_secret(name) is None:
            problems.append(
                f"{source}: {path}: the stack config has no {full}: "
                f"set it with `pulumi config set --secret {name} …`"
            )
        elif not pulumi.runtime.is_config_secret(full):
            problems.append(
                f"{source}: {path}: {full} is stored in plaintext in the stack config: "
                f"set it again with `pulumi config set --secret {name} …`"
            )
        else:
            keys[template_key] = config.require_secret(name)
    if problems:
        raise ValueError("\n".join(problems))
    return keys
