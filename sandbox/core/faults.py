"""Injected faults, per vendor, method and route: error statuses, added latency, dropped connections."""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["status", "latency", "drop"]


class FaultSpec(BaseModel):
    """What `POST /_sandbox/faults` accepts."""

    model_config = ConfigDict(extra="forbid")

    vendor: str = "*"
    method: str = "*"
    route: str = "*"
    kind: Kind
    status: int = Field(default=503, ge=400, le=599)
    headers: dict[str, str] = Field(default_factory=dict)
    latency_ms: int = Field(default=0, ge=0, le=60_000)
    drop: Literal["before", "after"] = "before"
    """`before`: the request is never processed; `after`: it is, but the answer is lost on the way."""
    times: int | None = Field(default=None, ge=1)
    """How many requests it hits; unset means until cleared."""
    skip: int = Field(default=0, ge=0)
    """Matching requests let through before it starts hitting."""


@dataclass
class Fault:
    id: int
    spec: FaultSpec
    seen: int = 0
    fired: int = 0

    def matches(self, vendor: str, method: str, route: str) -> bool:
        s = self.spec
        return s.vendor in ("*", vendor) and s.method in ("*", method.upper()) and s.route in ("*", route)

    def exhausted(self) -> bool:
        return self.spec.times is not None and self.fired >= self.spec.times

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, **self.spec.model_dump(), "seen": self.seen, "fired": self.fired}


@dataclass
class Decision:
    delay: float = 0.0
    failure: Fault | None = None
    matched: list[int] = field(default_factory=list)


class Faults:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, spec: FaultSpec) -> Fault:
        fault = Fault(next(self._ids), spec)
        self._faults.append(fault)
        return fault

    def clear(self) -> None:
        self._faults.clear()

    def list(self) -> list[dict[str, Any]]:
        return [f.describe() for f in self._faults]

    def decide(self, vendor: str, method: str, route: str, *, named_only: bool = False) -> Decision:
        """All matching latency adds up; the first matching status or drop fault that is due fires.
        `named_only`: only faults that name `vendor` (not `*`) count, and only they see the request."""
        decision = Decision()
        for fault in self._faults:
            if named_only and fault.spec.vendor != vendor:
                continue
            if fault.exhausted() or not fault.matches(vendor, method, route):
                continue
            fault.seen += 1
            if fault.seen <= fault.spec.skip:
                continue
            if fault.spec.kind == "latency":
                fault.fired += 1
                decision.delay += fault.spec.latency_ms / 1000
                decision.matched.append(fault.id)
            elif decision.failure is None:
                fault.fired += 1
                decision.failure = fault
                decision.matched.append(fault.id)
        return decision


def as_dict(decision: Decision) -> dict[str, Any]:
    return asdict(decision)
