"""Clerk objects in the desired state: one instance per stack (`scope.clerk`), and its configuration.

Secrets are never written in the document: a value that is one (a JWT template's custom signing key) names
a `secure:` stack config key of the program's namespace with `{value_from: {secret: <config key>}}`.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from backstop.plugin.model.clerk_domains import Domain, unique_domains
from backstop.plugin.model.clerk_oauth import OAuthProvider
from backstop.plugin.model.clerk_settings import (
    InstanceId,
    InstanceRestrictions,
    InstanceSettings,
    OrganizationSettings,
    Reapply,
)
from backstop.plugin.model.clerk_webhook_endpoints import WebhookEndpoint
from backstop.plugin.model.common import Key, Strict, no_repeats

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE = re.compile(r"^\+[1-9]\d{6,14}$")
_WALLET = re.compile(r"^0x[0-9a-fA-F]{40}$")
RESERVED_CLAIMS = ("iat", "nbf", "exp", "iss", "sub", "azp")
CLAIMS_MAX_BYTES = 2048
SigningAlgorithm = Literal["RS256", "RS384", "RS512", "HS256", "HS384", "HS512", "ES256", "ES384", "ES512"]
ConfigKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,99}$")]
INLINE_SECRET = (
    "a signing key is a secret and is never written in the document: store it in the stack config "
    "(`pulumi config set --secret <name> …`, kept encrypted in Pulumi.<stack>.yaml) and write "
    "`signing_key: {value_from: {secret: <name>}}`"
)


def _redirect_url(value: str) -> str:
    """A URL with a scheme, as Clerk checks it: https://… or a custom scheme such as my-app://callback."""
    parts = urlsplit(value)
    if (
        not _SCHEME.match(parts.scheme)
        or any(c.isspace() for c in value)
        or not (parts.netloc or parts.path.strip("/") or parts.fragment)
        or (parts.scheme in ("http", "https") and not parts.netloc)
    ):
        raise ValueError(
            "must be a URL with a scheme, e.g. https://app.example.com/sso-callback or my-app://oauth-callback"
        )
    return value


def _identifier(value: str) -> str:
    if _PHONE.match(value):
        return value
    if _EMAIL.match(value) or _WALLET.match(value):
        if value != value.lower():
            raise ValueError(f"write it in lower case ({value.lower()}), as Clerk stores it")
        return value
    raise ValueError(
        "must be an email address (or *@domain), an E.164 phone number (+61…) or a web3 wallet (0x…)"
    )


RedirectTarget = Annotated[str, AfterValidator(_redirect_url)]
Identifier = Annotated[str, AfterValidator(_identifier)]
TemplateName = Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=r"^[a-zA-Z0-9_-]+$")]


class ClerkScope(Strict):
    instance: InstanceId
    """The id of the Clerk instance this stack owns (`ins_…`): every write is checked against it."""
    environment: Literal["development", "production"]


class SecretSource(Strict):
    secret: ConfigKey
    """A `secure:` key of the stack config in the program's namespace (`platform-config:<key>`)."""


class SecretRef(Strict):
    value_from: SecretSource


class RedirectUrlFields(Strict):
    url: RedirectTarget


class RedirectUrlSpec(RedirectUrlFields):
    """What `backstop:clerk:RedirectUrl` takes: `url` is the natural key; Clerk can't edit one."""

    instance_id: InstanceId


class RedirectUrl(RedirectUrlFields):
    key: Key

    def spec(self, instance_id: str) -> RedirectUrlSpec:
        return RedirectUrlSpec(instance_id=instance_id, url=self.url)


class JwtTemplateFields(Strict):
    name: TemplateName
    claims: dict[str, Any]
    lifetime: int = Field(default=60, ge=30, le=315360000)
    allowed_clock_skew: int = Field(default=5, ge=0, le=300)
    signing_algorithm: SigningAlgorithm | None = None
    """Only with a custom signing key; without one Clerk signs with the instance's RS256 key."""

    @field_validator("name")
    @classmethod
    def _not_reserved(cls, name: str) -> str:
        if name.startswith("integration_"):
            raise ValueError("the prefix integration_ is reserved by Clerk")
        return name

    @field_validator("claims")
    @classmethod
    def _claims(cls, claims: dict[str, Any]) -> dict[str, Any]:
        size = len(json.dumps(claims, separators=(",", ":")).encode())
        if size > CLAIMS_MAX_BYTES:
            raise ValueError(f"at most {CLAIMS_MAX_BYTES} bytes as JSON (these are {size})")
        reserved = [c for c in RESERVED_CLAIMS if c in claims]
        if reserved:
            raise ValueError(f"Clerk sets these claims itself: {', '.join(reserved)}")
        audience = claims.get("aud")
        if isinstance(audience, str) and audience.strip().lower() == "clerk":
            raise ValueError("aud can't be clerk")
        return claims


class JwtTemplateSpec(JwtTemplateFields):
    """What `backstop:clerk:JwtTemplate` takes. `name` is the natural key; `signing_key` is write-only."""

    instance_id: InstanceId
    signing_key: str | None = None
    reapply: Reapply | None = None

    @model_validator(mode="after")
    def _key_needs_algorithm(self) -> JwtTemplateSpec:
        if self.signing_key is not None and self.signing_algorithm is None:
            raise ValueError("signing_key needs signing_algorithm")
        return self


class JwtTemplate(JwtTemplateFields):
    key: Key
    signing_key: SecretRef | None = None

    @field_validator("signing_key", mode="before")
    @classmethod
    def _never_inline(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, dict):
            raise ValueError(INLINE_SECRET)
        return value

    @model_validator(mode="after")
    def _key_and_algorithm_together(self) -> JwtTemplate:
        if (self.signing_key is None) != (self.signing_algorithm is None):
            raise ValueError("a custom signing key needs both signing_key and signing_algorithm")
        return self

    def spec(self, instance_id: str, reapply: str | None = None) -> JwtTemplateSpec:
        """The provider inputs without the key, which the program adds from the stack config."""
        return JwtTemplateSpec(
            instance_id=instance_id, reapply=reapply, **self.model_dump(exclude={"key", "signing_key"})
        )


class AllowlistIdentifierFields(Strict):
    identifier: Identifier


class AllowlistIdentifierSpec(AllowlistIdentifierFields):
    """What `backstop:clerk:AllowlistIdentifier` takes: `identifier` is the natural key."""

    instance_id: InstanceId


class AllowlistIdentifier(AllowlistIdentifierFields):
    key: Key

    def spec(self, instance_id: str) -> AllowlistIdentifierSpec:
        return AllowlistIdentifierSpec(instance_id=instance_id, identifier=self.identifier)


class ClerkSection(Strict):
    redirect_urls: list[RedirectUrl] = Field(default_factory=list)
    jwt_templates: list[JwtTemplate] = Field(default_factory=list)
    allowlist_identifiers: list[AllowlistIdentifier] = Field(default_factory=list)
    organization_settings: OrganizationSettings | None = None
    instance_settings: InstanceSettings | None = None
    """Write-only: Clerk can't show them, so drift in them is invisible; `reapply` re-applies them."""
    instance_restrictions: InstanceRestrictions | None = None
    """Write-only, as instance_settings."""
    webhook_endpoints: list[WebhookEndpoint] = Field(default_factory=list)
    domains: Annotated[list[Domain], AfterValidator(unique_domains)] | None = None
    """The primary domain (asserted) and satellites (managed); unset: domains not managed."""
    oauth_providers: list[OAuthProvider] | None = None
    """The social connections the instance should offer, read only (Clerk has no API to write them); unset:
    not checked."""

    @field_validator("oauth_providers")
    @classmethod
    def _unique_providers(cls, providers: list[OAuthProvider] | None) -> list[OAuthProvider] | None:
        no_repeats("provider", [p.provider for p in providers or []])
        return providers

    @field_validator("redirect_urls")
    @classmethod
    def _unique_urls(cls, urls: list[RedirectUrl]) -> list[RedirectUrl]:
        no_repeats("key", [u.key for u in urls])
        no_repeats("url", [u.url for u in urls])
        return urls

    @field_validator("jwt_templates")
    @classmethod
    def _unique_templates(cls, templates: list[JwtTemplate]) -> list[JwtTemplate]:
        no_repeats("key", [t.key for t in templates])
        no_repeats("name", [t.name for t in templates])
        return templates

    @field_validator("allowlist_identifiers")
    @classmethod
    def _unique_identifiers(cls, identifiers: list[AllowlistIdentifier]) -> list[AllowlistIdentifier]:
        no_repeats("key", [i.key for i in identifiers])
        no_repeats("identifier", [i.identifier for i in identifiers])
        return identifiers

    @field_validator("webhook_endpoints")
    @classmethod
    def _unique_endpoints(cls, endpoints: list[WebhookEndpoint]) -> list[WebhookEndpoint]:
        no_repeats("key", [e.key for e in endpoints])
        no_repeats("url", [e.url for e in endpoints])
        return endpoints

    def write_only(self) -> list[str]:
        """The settings Backstop asserts but Clerk can't show (re-applied by a restore)."""
        found = []
        for name in ("instance_settings", "instance_restrictions"):
            settings = getattr(self, name)
            if settings is not None:
                found.append(f"clerk {name}: {', '.join(sorted(settings.model_dump(exclude_none=True)))}")
        found += [f"clerk jwt template {t.name}: signing key" for t in self.jwt_templates if t.signing_key]
        return found

    def secret_refs(self) -> list[tuple[str, str, str]]:
        """(path in the document, owner's key, config key) for every secret the section names."""
        return [
            (f"clerk.jwt_templates[{i}].signing_key", t.key, t.signing_key.value_from.secret)
            for i, t in enumerate(self.jwt_templates)
            if t.signing_key is not None
        ]
