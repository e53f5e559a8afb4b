"""Provider settings: stack config `backstop:<name>` first, then the environment, then the real vendor."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from pulumi.provider.experimental.property_value import PropertyValue

from backstop.provider.props import to_plain

ENVIRONMENT = {
    "stripeApiKey": "BACKSTOP_STRIPE_API_KEY",
    "stripeBaseUrl": "BACKSTOP_STRIPE_BASE_URL",
    "batchedReads": "BACKSTOP_BATCHED_READS",
    "clerkSecretKey": "BACKSTOP_CLERK_SECRET_KEY",
    "clerkBaseUrl": "BACKSTOP_CLERK_BASE_URL",
    "svixBaseUrl": "BACKSTOP_SVIX_BASE_URL",
    "vapiApiKey": "BACKSTOP_VAPI_API_KEY",
    "vapiBaseUrl": "BACKSTOP_VAPI_BASE_URL",
    "adoptAsDeclared": "BACKSTOP_ADOPT_AS_DECLARED",
}


@dataclass(frozen=True)
class ProviderConfig:
    stripe_api_key: str | None = None
    stripe_base_url: str | None = None
    batched_reads: bool = True
    """Read whole collections once per process (default); off reads object by object, for benchmarks."""
    clerk_secret_key: str | None = None
    clerk_base_url: str | None = None
    """Clerk Backend API base, ending in `/v1` (default https://api.clerk.com/v1)."""
    svix_base_url: str | None = None
    """Svix API base (default: the server the app-portal token names, https://api.svix.com)."""
    vapi_api_key: str | None = None
    vapi_base_url: str | None = None
    adopt_as_declared: bool = False
    """Creating a write-only Clerk settings resource records the declared values without writing them
    (`backstop capture --adopt`: the live instance is taken to hold them; a restore re-applies them)."""

    @classmethod
    def from_args(
        cls, args: Mapping[str, PropertyValue], env: Mapping[str, str] = os.environ
    ) -> ProviderConfig:
        def pick(name: str) -> str | None:
            if name in args and args[name].value not in (None, ""):
                return str(to_plain(args[name]))
            return env.get(ENVIRONMENT[name]) or None

        batched = (pick("batchedReads") or "true").lower() not in ("false", "0", "no")
        return cls(
            stripe_api_key=pick("stripeApiKey"),
            stripe_base_url=pick("stripeBaseUrl"),
            batched_reads=batched,
            clerk_secret_key=pick("clerkSecretKey"),
            clerk_base_url=pick("clerkBaseUrl"),
            svix_base_url=pick("svixBaseUrl"),
            vapi_api_key=pick("vapiApiKey"),
            vapi_base_url=pick("vapiBaseUrl"),
            adopt_as_declared=(pick("adoptAsDeclared") or "").lower() in ("true", "1", "yes"),
        )

    def __repr__(self) -> str:
        return (
            f"ProviderConfig(stripe_api_key={'set' if self.stripe_api_key else None}, "
            f"stripe_base_url={self.stripe_base_url!r}, "
            f"clerk_secret_key={'set' if self.clerk_secret_key else None}, "
            f"clerk_base_url={self.clerk_base_url!r}, svix_base_url={self.svix_base_url!r}, "
            f"vapi_api_key={'set' if self.vapi_api_key else None}, vapi_base_url={self.vapi_base_url!r})"
        )
