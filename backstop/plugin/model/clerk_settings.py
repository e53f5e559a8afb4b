"""A Clerk instance's own settings: organization settings (readable) and two write-only groups.

Every field is optional: a field left out is not managed, so Backstop neither writes nor compares it.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from backstop.plugin.model.common import HttpUrl, Strict

InstanceId = Annotated[str, StringConstraints(pattern=r"^ins_[A-Za-z0-9_]+$")]
RoleKey = Annotated[str, StringConstraints(pattern=r"^org:[a-z0-9_]+$")]
EnrollmentMode = Literal["manual_invitation", "automatic_invitation", "automatic_suggestion"]
_ORIGIN = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s?#]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def _origin(value: str) -> str:
    if not _ORIGIN.match(value):
        raise ValueError("must be an origin, scheme://host[:port] without a path, e.g. capacitor://localhost")
    return value


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("must be an email address")
    return value


Origin = Annotated[str, AfterValidator(_origin)]
Email = Annotated[str, AfterValidator(_email)]
Reapply = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class OrganizationSettingsFields(Strict):
    """Roles are named by key (`org:admin`); Backstop writes them as the role ids Clerk's PATCH takes."""

    enabled: bool | None = None
    max_allowed_memberships: int | None = Field(default=None, ge=0, le=2**31 - 1)
    admin_delete_enabled: bool | None = None
    domains_enabled: bool | None = None
    slug_disabled: bool | None = None
    domains_enrollment_modes: list[EnrollmentMode] | None = Field(default=None, min_length=1)
    """`manual_invitation` is always on in Clerk, declared or not."""
    creator_role: RoleKey | None = None
    domains_default_role: RoleKey | None = None

    @model_validator(mode="after")
    def _domains(self) -> OrganizationSettingsFields:
        if self.domains_enabled and self.domains_default_role is None:
            raise ValueError("domains_enabled: true needs domains_default_role (Clerk requires it)")
        if self.domains_default_role is not None and self.domains_enabled is not True:
            raise ValueError(
                "domains_default_role needs domains_enabled: true (Clerk clears it while domains are off)"
            )
        return self


class OrganizationSettingsSpec(OrganizationSettingsFields):
    """What `backstop:clerk:OrganizationSettings` takes."""

    instance_id: InstanceId


class OrganizationSettings(OrganizationSettingsFields):
    def spec(self, instance_id: str) -> OrganizationSettingsSpec:
        return OrganizationSettingsSpec(instance_id=instance_id, **self.model_dump())


class InstanceSettingsFields(Strict):
    """PATCH /v1/instance. Clerk never returns these, except `allowed_origins`: write-only."""

    test_mode: bool | None = None
    hibp: bool | None = None
    support_email: Email | None = None
    clerk_js_version: Annotated[str, StringConstraints(min_length=1)] | None = None
    development_origin: HttpUrl | None = None
    """Development instances only."""
    allowed_origins: list[Origin] | None = Field(default=None, min_length=1)
    url_based_session_syncing: bool | None = None
    preferred_sign_in_strategy_when_password_required: Literal["password", "otp"] | None = None


class InstanceSettingsSpec(InstanceSettingsFields):
    """What `backstop:clerk:InstanceSettings` takes; a new `reapply` token re-applies every field."""

    instance_id: InstanceId
    reapply: Reapply | None = None


class InstanceSettings(InstanceSettingsFields):
    def spec(self, instance_id: str, reapply: str | None = None) -> InstanceSettingsSpec:
        return InstanceSettingsSpec(instance_id=instance_id, reapply=reapply, **self.model_dump())


class InstanceRestrictionsFields(Strict):
    """PATCH /v1/instance/restrictions; there is no GET: write-only."""

    allowlist: bool | None = None
    blocklist: bool | None = None
    allowlist_blocklist_disabled_on_sign_in: bool | None = None
    block_email_subaddresses: bool | None = None
    block_disposable_email_domains: bool | None = None


class InstanceRestrictionsSpec(InstanceRestrictionsFields):
    """What `backstop:clerk:InstanceRestrictions` takes; a new `reapply` token re-applies every field."""

    instance_id: InstanceId
    reapply: Reapply | None = None


class InstanceRestrictions(InstanceRestrictionsFields):
    def spec(self, instance_id: str, reapply: str | None = None) -> InstanceRestrictionsSpec:
        return InstanceRestrictionsSpec(instance_id=instance_id, reapply=reapply, **self.model_dump())
