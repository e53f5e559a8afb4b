"""The whole desired-state document of one stack (`snapshots/<stack>.yaml`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator

from backstop.model.common import Strict
from backstop.model.stripe import StripeScope, StripeSection
from backstop.model.vapi import VapiScope, VapiSection, document_scope


class Scope(Strict):
    """What this stack owns in each shared account; writes and reads stay inside it."""

    stripe: StripeScope | None = None
    vapi: VapiScope | None = None


class DesiredState(Strict):
    version: Literal[1]
    stack: str
    scope: Scope
    stripe: StripeSection | None = None
    vapi: VapiSection | None = None

    @model_validator(mode="wrap")
    @classmethod
    def _vapi_names_in_scope(cls, data: Any, handler: Any) -> Any:
        with document_scope(data):
            return handler(data)

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
        return self
