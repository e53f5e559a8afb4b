"""The whole desired-state document of one stack (`snapshots/<stack>.yaml`)."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from backstop.model.clerk import ClerkScope, ClerkSection
from backstop.model.common import Strict
from backstop.model.stripe import StripeScope, StripeSection


class Scope(Strict):
    """What this stack owns in each shared account; writes and reads stay inside it."""

    stripe: StripeScope | None = None
    clerk: ClerkScope | None = None


class DesiredState(Strict):
    version: Literal[1]
    stack: str
    scope: Scope
    stripe: StripeSection | None = None
    clerk: ClerkSection | None = None

    @model_validator(mode="after")
    def _inside_scope(self) -> DesiredState:
        if self.stripe and self.stripe.webhook_endpoints:
            if self.scope.stripe is None:
                raise ValueError("declares Stripe objects but scope.stripe is missing")
            if self.scope.stripe.mode == "live":
                for endpoint in self.stripe.webhook_endpoints:
                    if not endpoint.url.startswith("https://"):
                        raise ValueError(f"webhook endpoint {endpoint.key!r}: live-mode URLs must use https")
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
