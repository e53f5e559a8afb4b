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
}


@dataclass(frozen=True)
class ProviderConfig:
    stripe_api_key: str | None = None
    stripe_base_url: str | None = None
    batched_reads: bool = True
    """Read whole collections once per process (default); off reads object by object, for benchmarks."""

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
            stripe_api_key=pick("stripeApiKey"), stripe_base_url=pick("stripeBaseUrl"), batched_reads=batched
        )

    def __repr__(self) -> str:
        return (
            f"ProviderConfig(stripe_api_key={'set' if self.stripe_api_key else None}, "
            f"stripe_base_url={self.stripe_base_url!r})"
        )
