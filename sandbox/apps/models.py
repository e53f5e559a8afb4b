"""The host table: which app answers at a host, where its environment variables live, and its receivers.

Stored in the sandbox's state as `data["apps"][<fixture>]["hosts"][<host>]` (a dump → edit → load can add
or change a host), each entry validated with these models when a delivery arrives.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Scheme = Literal["stripe", "svix"]
"""How a receiver verifies: Stripe's `Stripe-Signature`, or Svix's `svix-id/-timestamp/-signature`."""
Target = Literal["production", "preview", "development"]


class Receiver(BaseModel):
    """One webhook route of an app: POSTs to `path` are verified with the variable `variable`."""

    model_config = ConfigDict(extra="forbid")
    path: str = Field(pattern=r"^/")
    scheme: Scheme
    variable: str


NEXTJS_RECEIVERS = (
    Receiver(path="/api/webhooks/stripe", scheme="stripe", variable="STRIPE_WEBHOOK_SECRET"),
    Receiver(path="/api/webhooks/clerk", scheme="svix", variable="CLERK_WEBHOOK_SECRET"),
)
"""The Next.js app's route handlers (`stripe.webhooks.constructEvent`, `new Webhook(secret).verify`)."""
CONVEX_RECEIVERS = (
    Receiver(path="/stripe/webhook", scheme="stripe", variable="STRIPE_WEBHOOK_SECRET"),
    Receiver(path="/clerk-users-webhook", scheme="svix", variable="CLERK_WEBHOOK_SECRET"),
)
"""The Convex deployment's HTTP actions (`convex/http.ts`), reading `process.env` of the deployment."""


class Host(BaseModel):
    """An app at a host: a Vercel project's deployment for one target (and branch), or a Convex
    deployment's HTTP actions (`<deployment>.convex.site`)."""

    model_config = ConfigDict(extra="forbid")
    app: str
    runtime: Literal["vercel", "convex"]
    team: str | None = None
    """Vercel: the team (account) owning the project."""
    project: str | None = None
    target: Target | None = None
    git_branch: str | None = None
    """Vercel preview deployments of one branch see that branch's variables before the branch-less ones."""
    deployment: str | None = None
    receivers: list[Receiver]

    @model_validator(mode="after")
    def _placed(self) -> Host:
        if self.runtime == "vercel" and not (self.team and self.project and self.target):
            raise ValueError("a Vercel app needs team, project and target")
        if self.runtime == "convex" and not self.deployment:
            raise ValueError("a Convex app needs its deployment")
        return self

    def receiver(self, path: str) -> Receiver | None:
        return next((r for r in self.receivers if r.path == path), None)
