"""The request log that benchmarks and tests count API calls with."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class LoggedRequest:
    seq: int
    at: float
    vendor: str
    account: str | None
    method: str
    route: str
    path: str
    status: int


READS_BY_POST = frozenset({"/api/query", "/{deployment}/api/query"})
"""Routes that read with a POST (Convex's HTTP query API): not counted as mutating."""


def mutating(entry: LoggedRequest) -> bool:
    return entry.method in {"POST", "PATCH", "PUT", "DELETE"} and entry.route not in READS_BY_POST


class RequestLog:
    def __init__(self) -> None:
        self.entries: list[LoggedRequest] = []

    def add(self, vendor: str, account: str | None, method: str, route: str, path: str, status: int) -> None:
        self.entries.append(
            LoggedRequest(len(self.entries) + 1, time.time(), vendor, account, method, route, path, status)
        )

    def clear(self) -> None:
        self.entries.clear()

    def summary(self) -> dict[str, Any]:
        counts = Counter(f"{e.vendor} {e.method} {e.route}" for e in self.entries)
        per_vendor = Counter(e.vendor for e in self.entries)
        return {
            "total": len(self.entries),
            "mutating": sum(1 for e in self.entries if mutating(e)),
            "by_vendor": dict(per_vendor),
            "by_route": dict(sorted(counts.items())),
            "requests": [asdict(e) for e in self.entries],
        }
