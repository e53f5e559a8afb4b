"""What a check found: one line per endpoint, for `backstop check`, a restore's and a drill's reports."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, computed_field

Status = Literal["passed", "failed", "not_checkable", "skipped"]
LABELS: dict[Status, str] = {
    "passed": "passed",
    "failed": "FAILED",
    "not_checkable": "not checkable",
    "skipped": "skipped",
}


class Delivery(BaseModel):
    endpoint: str
    """The endpoint as the document names it, e.g. `stripe.webhook_endpoints.app-payments`."""
    url: str
    signed_as: Literal["stripe", "svix"]
    status: Status
    detail: str
    http_status: int | None = None
    seconds: float | None = None
    event_id: str | None = None
    body: str | None = None
    """The first 200 bytes of the answer, with the endpoint's secret redacted."""
    verifies_with: list[str] = []
    """The variables that should hold the endpoint's secret, and where they live (for a failure)."""
    fix: str | None = None

    def line(self) -> str:
        took = f" in {self.seconds:.2f} s" if self.seconds is not None else ""
        code = f" {self.http_status}" if self.http_status is not None else ""
        return f"{LABELS[self.status]}{code}{took}: {self.endpoint} ({self.url}): {self.detail}"


class CheckReport(BaseModel):
    stack: str
    started_at: datetime
    seconds: float
    delivered_through: str | None = None
    """`BACKSTOP_DELIVERY_BASE_URL` when deliveries went there (the sandbox's apps), else None (HTTPS)."""
    deliveries: list[Delivery] = []
    error: str | None = None
    """Why the check could not run at all (inside a restore, which never fails because of it)."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ok(self) -> bool:
        """Every delivery passed (a disabled endpoint, which its vendor sends nothing, is skipped)."""
        return self.error is None and all(d.status in ("passed", "skipped") for d in self.deliveries)

    def summary(self) -> str:
        if self.error is not None:
            return f"not run: {self.error}"
        if not self.deliveries:
            return "no webhook endpoint to check"
        counts = Counter(d.status for d in self.deliveries)
        return ", ".join(f"{counts[s]} {LABELS[s].lower()}" for s in LABELS if counts[s])

    def lines(self) -> list[str]:
        out = []
        for d in self.deliveries:
            out.append(d.line())
            if d.body and d.status == "failed":
                out.append(f"    answer: {d.body}")
            out += [f"    should hold its secret: {v}" for v in d.verifies_with]
            if d.fix:
                out.append(f"    fix: {d.fix}")
        return out

    def markdown(self) -> str:
        lines = [f"# Application checks: {self.stack}", "", f"{self.summary()} ({self.seconds:.2f} s)", ""]
        return "\n".join(lines + [f"- {line}" if not line.startswith(" ") else line for line in self.lines()])
