"""The whole desired-state document of one stack (`snapshots/<stack>.yaml`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from backstop.plugin.model.checks import SmokeCheck, unique_checks
from backstop.plugin.model.clerk import ClerkScope, ClerkSection
from backstop.plugin.model.clerk_domains import clerk_environment
from backstop.plugin.model.common import Strict
from backstop.plugin.model.convex import ConvexScope, ConvexSection
from backstop.plugin.model.data_checks import DataCheck, unique_data_checks
from backstop.plugin.model.outputs import document_outputs
from backstop.plugin.model.stripe import StripeScope, StripeSection
from backstop.plugin.model.targets import Targets
from backstop.plugin.model.vapi import VapiScope, VapiSection, document_scope
from backstop.plugin.model.vercel import VercelScope, VercelSection


class Scope(Strict):
    """What this stack owns in each shared account; writes and reads stay inside it."""

    stripe: StripeScope | None = None
    vercel: VercelScope | None = None
    vapi: VapiScope | None = None
    clerk: ClerkScope | None = None
    convex: ConvexScope | None = None


class DesiredState(Strict):
    version: Literal[1]
    stack: str
    scope: Scope
    stripe: StripeSection | None = None
    vercel: VercelSection | None = None
    vapi: VapiSection | None = None

    @model_validator(mode="wrap")
    @classmethod
    def _checked_where_written(cls, data: Any, handler: Any) -> Any:
        """What the raw document's other sections say, for checks made where each value is written (file,
        line and path): Vapi names against `scope.vapi`, Clerk domains against the instance's environment,
        each `value_from.output` against the objects declared."""
        with document_scope(data), clerk_environment(data), document_outputs(data):
            return handler(data)

    clerk: ClerkSection | None = None
    convex: ConvexSection | None = None
    checks: Annotated[list[SmokeCheck], AfterValidator(unique_checks)] = Field(default_factory=list)
    """Smoke checks of the running apps (`backstop check`); not live configuration."""
    verify: Annotated[list[DataCheck], AfterValidator(unique_data_checks)] = Field(default_factory=list)
    """Data checks of a restored database export (`backstop verify`); not live configuration."""
    targets: Targets = Field(default_factory=Targets)
    """The recovery objectives a live drill must meet; not live configuration."""

    @model_validator(mode="after")
    def _inside_scope(self) -> DesiredState:
        if self.stripe and self.stripe.webhook_endpoints:
            if self.scope.stripe is None:
                raise ValueError("declares Stripe objects but scope.stripe is missing")
            if self.scope.stripe.mode == "live":
                for endpoint in self.stripe.webhook_endpoints:
                    if not endpoint.url.startswith("https://"):
                        raise ValueError(f"webhook endpoint {endpoint.key!r}: live-mode URLs must use https")
        if self.vapi and self.vapi.declares_objects() and self.scope.vapi is None:
            raise ValueError("declares Vapi objects but scope.vapi is missing (the org and name prefix)")
        if self.clerk is not None:
            if self.scope.clerk is None:
                raise ValueError(
                    "declares a clerk section but scope.clerk is missing: name the stack's Clerk instance "
                    "(scope.clerk.instance: ins_…, scope.clerk.environment: development|production)"
                )
            settings = self.clerk.instance_settings
            if (
                settings is not None
                and settings.development_origin is not None
                and self.scope.clerk.environment == "production"
            ):
                raise ValueError("clerk.instance_settings.development_origin: development instances only")
        return self

    @model_validator(mode="after")
    def _convex_inside_scope(self) -> DesiredState:
        if self.convex is None or not self.convex.env:
            return self
        if self.scope.convex is None:
            raise ValueError(
                "declares convex.env but scope.convex is missing: name the stack's Convex deployment "
                "(scope.convex.deployment: e.g. spotted-gerbil-236)"
            )
        return self

    @model_validator(mode="after")
    def _vercel_inside_scope(self) -> DesiredState:
        if self.vercel is None or not self.vercel.projects:
            return self
        if self.scope.vercel is None:
            raise ValueError("declares Vercel projects but scope.vercel is missing")
        for project in self.vercel.projects:
            if project.id not in self.scope.vercel.projects:
                raise ValueError(
                    f"Vercel project {project.key!r} ({project.id}) is outside scope.vercel.projects"
                )
        return self
