"""What every vendor emulation shares: the store, the id factory and the request log."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sandbox.core.ids import IdFactory
from sandbox.core.requestlog import RequestLog
from sandbox.core.store import Store


@dataclass
class Sandbox:
    store: Store
    ids: IdFactory = field(default_factory=IdFactory)
    log: RequestLog = field(default_factory=RequestLog)

    @staticmethod
    def now() -> int:
        return int(time.time())
