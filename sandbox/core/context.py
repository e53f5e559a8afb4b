"""What every vendor emulation shares: the store, ids, the request log, faults and rate limits."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sandbox.core.faults import Faults
from sandbox.core.ids import IdFactory
from sandbox.core.ratelimit import RateLimiter
from sandbox.core.requestlog import RequestLog
from sandbox.core.store import Store


@dataclass
class Sandbox:
    store: Store
    ids: IdFactory = field(default_factory=IdFactory)
    log: RequestLog = field(default_factory=RequestLog)
    faults: Faults = field(default_factory=Faults)
    ratelimits: RateLimiter = field(default_factory=RateLimiter)
    public_url: str = "http://127.0.0.1"
    """Where clients reach this sandbox; vendors that hand out links (Clerk's Svix portal) build on it."""

    @staticmethod
    def now() -> int:
        return int(time.time())

    @staticmethod
    def now_ms() -> int:
        return int(time.time() * 1000)
