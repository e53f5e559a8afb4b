"""The runbook's retention table as a pure policy: which backups to keep and which to remove."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from backstop.runbook.backups.manifest import BackupClass, Manifest

RUNBOOK_POLICY: Mapping[BackupClass, timedelta | None] = {
    "daily": timedelta(days=30),
    "manual": timedelta(days=90),
    "critical": timedelta(days=365),
    "release": None,
}
"""None keeps forever."""


@dataclass(frozen=True)
class Decision:
    id: str
    keep: bool
    reason: str


class PolicyError(ValueError):
    pass


def decide(
    manifests: Sequence[Manifest],
    now: datetime,
    policy: Mapping[BackupClass, timedelta | None] = RUNBOOK_POLICY,
) -> list[Decision]:
    """Each backup is kept while younger than its class's retention; the newest complete one always stays."""
    if not policy:
        raise PolicyError("the retention policy is empty: refusing to decide (it would remove every backup)")
    newest = max((m for m in manifests if m.status == "complete"), key=lambda m: m.created_at, default=None)
    decisions = []
    for manifest in sorted(manifests, key=lambda m: m.created_at):
        if manifest.backup_class not in policy:
            raise PolicyError(f"the retention policy has no rule for class {manifest.backup_class!r}")
        limit = policy[manifest.backup_class]
        age = now - manifest.created_at
        if newest is not None and manifest.id == newest.id:
            decisions.append(Decision(manifest.id, True, "the newest complete backup is always kept"))
        elif limit is None:
            decisions.append(Decision(manifest.id, True, f"{manifest.backup_class}: kept forever"))
        elif age <= limit:
            decisions.append(
                Decision(manifest.id, True, f"{manifest.backup_class}: {age.days} d of {limit.days} d")
            )
        else:
            decisions.append(
                Decision(manifest.id, False, f"{manifest.backup_class}: {age.days} d > {limit.days} d")
            )
    return decisions
