"""The endpoints a check delivers to: every managed Stripe and Clerk (Svix) webhook endpoint of a document,
with the output path of its signing secret (`<vendor>.webhook_endpoints.<key>.secret`)."""

from __future__ import annotations

from dataclasses import dataclass

from backstop.plugin.model import DesiredState
from backstop.runbook.check.events import Family
from backstop.runbook.check.report import Delivery


@dataclass(frozen=True)
class Target:
    family: Family
    key: str
    url: str
    disabled: bool

    @property
    def name(self) -> str:
        """The endpoint as the document names it: `stripe.webhook_endpoints.app-payments`."""
        return f"{self.family}.webhook_endpoints.{self.key}"

    @property
    def output(self) -> str:
        """Where the stack's `webhook_secrets` output keeps its signing secret."""
        return f"{self.name}.secret"

    @property
    def scheme(self) -> str:
        return "stripe" if self.family == "stripe" else "svix"

    def delivery(self, status: str, detail: str, **fields: object) -> Delivery:
        """The result of delivering to (or not sending to) this endpoint."""
        return Delivery.model_validate(
            {
                "endpoint": self.name,
                "url": self.url,
                "signed_as": self.scheme,
                "status": status,
                "detail": detail,
            }
            | fields
        )


def targets(document: DesiredState) -> list[Target]:
    found = [
        Target("stripe", e.key, str(e.url), e.disabled)
        for e in (document.stripe.webhook_endpoints if document.stripe else [])
    ]
    found += [
        Target("clerk", e.key, str(e.url), e.disabled)
        for e in (document.clerk.webhook_endpoints if document.clerk else [])
    ]
    return found
