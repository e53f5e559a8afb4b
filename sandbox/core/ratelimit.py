"""Token buckets with each vendor's documented limits; off until switched on through the control API."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    rate: float
    """Tokens added per second."""
    burst: float
    """Bucket size: the requests allowed at once."""


class _Bucket:
    def __init__(self, limit: RateLimit) -> None:
        self.limit, self.tokens, self.at = limit, limit.burst, time.monotonic()

    def take(self) -> float | None:
        """None if a token was taken, else the seconds until one is due."""
        now = time.monotonic()
        self.tokens = min(self.limit.burst, self.tokens + (now - self.at) * self.limit.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return None
        return (1 - self.tokens) / self.limit.rate


class RateLimiter:
    def __init__(self) -> None:
        self.enabled = False
        self.overrides: dict[str, RateLimit | None] = {}
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def configure(self, enabled: bool, overrides: dict[str, RateLimit | None]) -> None:
        self.enabled = enabled
        self.overrides = overrides
        self._buckets.clear()

    def check(self, vendor: str, key: str, documented: RateLimit | None) -> int | None:
        """Whole seconds to wait (at least 1) when over the limit, else None."""
        if not self.enabled:
            return None
        limit = self.overrides.get(vendor, documented) if vendor in self.overrides else documented
        if limit is None:
            return None
        bucket = self._buckets.get((vendor, key))
        if bucket is None or bucket.limit != limit:
            bucket = self._buckets[(vendor, key)] = _Bucket(limit)
        wait = bucket.take()
        return None if wait is None else max(1, math.ceil(wait))
