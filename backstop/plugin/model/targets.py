"""`targets:`: the recovery objectives a drill is measured against (the runbook's RTO and RPO)."""

from __future__ import annotations

from pydantic import Field

from backstop.plugin.model.common import Strict


class Targets(Strict):
    rto_minutes: float = Field(default=30, gt=0, le=7 * 24 * 60)
    """Recovery time objective: detect, decide and restore within it (the runbook's 30 minutes)."""
    rpo_hours: float = Field(default=24, gt=0, le=365 * 24)
    """Recovery point objective: the newest backup at most this old (the runbook's 24 hours)."""
