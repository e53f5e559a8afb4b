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


class Smoke(BaseModel):
    """One smoke check (`checks:` in the document)."""

    key: str
    url: str
    method: str
    status: Literal["passed", "failed"]
    detail: str
    http_status: int | None = None
    seconds: float | None = None
    body: str | None = None
    """The first 200 bytes of a failing answer, the check's header secrets redacted."""

    def line(self) -> str:
        took = f" in {self.seconds:.2f} s" if self.seconds is not None else ""
        code = f" {self.http_status}" if self.http_status is not None else ""
        label = LABELS[self.status]
        return f"{label}{code}{took}: checks.{self.key} ({self.method} {self.url}): {self.detail}"


class CheckReport(BaseModel):
    stack: str
    started_at: datetime
    seconds: float
    delivered_through: str | None = None
    """`BACKSTOP_DELIVERY_BASE_URL` when deliveries went there (the sandbox's apps), else None (HTTPS)."""
    deliveries: list[Delivery] = []
    smoke: list[Smoke] = []
    error: str | None = None
    """Why the check could not run at all (inside a restore, which never fails because of it)."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ok(self) -> bool:
        """Every delivery and smoke check passed (a disabled endpoint, which its vendor sends nothing, is
        skipped)."""
        return (
            self.error is None
            and all(d.status in ("passed", "skipped") for d in self.deliveries)
            and all(s.status == "passed" for s in self.smoke)
        )

    def summary(self) -> str:
        if self.error is not None:
            return f"not run: {self.error}"
        parts = []
        if self.deliveries:
            counts = Counter(d.status for d in self.deliveries)
            parts.append(", ".join(f"{counts[s]} {LABELS[s].lower()}" for s in LABELS if counts[s]))
        if self.smoke:
            smoke: Counter[Status] = Counter(s.status for s in self.smoke)
            parts.append(
                "smoke checks: " + ", ".join(f"{smoke[s]} {LABELS[s].lower()}" for s in LABELS if smoke[s])
            )
        return "; ".join(parts) or "no webhook endpoint or smoke check to check"

    def lines(self) -> list[str]:
        out = []
        for d in self.deliveries:
            out.append(d.line())
            if d.body and d.status == "failed":
                out.append(f"    answer: {d.body}")
            out += [f"    should hold its secret: {v}" for v in d.verifies_with]
            if d.fix:
                out.append(f"    fix: {d.fix}")
        for smoke in self.smoke:
            out.append(smoke.line())
            if smoke.body and smoke.status == "failed":
                out.append(f"    answer: {smoke.body}")
        return out

    def markdown(self) -> str:
        lines = [f"# Application checks: {self.stack}", "", f"{self.summary()} ({self.seconds:.2f} s)", ""]
        return "\n".join(lines + [f"- {line}" if not line.startswith(" ") else line for line in self.lines()])
