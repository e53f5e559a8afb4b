"""The restore report: what was restored, how long it took (RTO) and how much could be lost (RPO)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from backstop.runbook.check.report import CheckReport
from backstop.runbook.reports import span, write_pair


class Report(BaseModel):
    stack: str
    backup_id: str
    backup_time: datetime
    started_at: datetime
    finished_at: datetime
    duration_seconds: float
    """Recovery time: from the start of the restore to a verified state."""
    data_loss_window_seconds: float
    """Restore time minus backup time: changes made in that window are not in the backup."""
    exact: bool
    source_stack: str | None = None
    """Set for a cross-stack restore: the stack whose backup was mapped into this one."""
    mapping: str | None = None
    approved_by: str | None
    safety_backup: str | None
    post_restore_backup: str | None
    state_imported: bool
    stale_lock_cleared: list[str] = []
    """Locks left by a killed `pulumi` run that the restore cleared before starting."""
    preflight_warnings: list[str] = []
    """`backstop doctor`'s failed checks the restore went on without, each with its fix."""
    newer_objects_kept: list[str]
    pruned_unmanaged: list[str] = []
    """Live objects in scope that no document declared, removed (`--prune-unmanaged`; products archived)."""
    adopted: list[str] = []
    """Live objects adopted through `pulumi import` (Vercel variables that already existed)."""
    phases: list[str] = []
    manual_steps: list[str] = []
    """What a restore can't write, as dashboard steps (Clerk OAuth providers that differ live)."""
    """How a large restore's update ran in two phases (webhook endpoints first, with checkpoints)."""
    rewritten: list[str] = []
    """Write-only values changed out of band since the last update, written again."""
    rotated: list[str] = []
    """Webhook endpoints recreated for a new signing secret (`--rotate-secrets`)."""
    update_next: list[str] = []
    """Stacks that read this stack's webhook secrets, which changed: update them next (or use `--chain`)."""
    chained: list[str] = []
    redeployed: str | None = None
    """The deployment job a deploy hook started, when the restore changed Vercel variables."""
    changes: dict[str, int]
    verified: bool
    remaining_drift: list[str]
    checks: CheckReport | None = None
    """`backstop check` at the end: signed test deliveries to the endpoints (reported; not the verdict)."""

    def write(self, folder: Path) -> tuple[Path, Path]:
        return write_pair(
            folder, f"restore-{self.started_at.strftime('%Y%m%dT%H%M%SZ')}", self, self.markdown()
        )

    def markdown(self) -> str:
        rows: list[tuple[str, Any]] = [
            ("Stack", self.stack),
            ("Backup", f"{self.backup_id} ({self.backup_time.isoformat()})"),
            ("Mode", "exact" if self.exact else "backup's objects + objects added since"),
            (
                "Cross-stack",
                f"from {self.source_stack} through {self.mapping}" if self.source_stack else "no",
            ),
            ("Approved by", self.approved_by or "not required"),
            ("Safety backup (undo)", self.safety_backup or "none (no prior state)"),
            ("Stack state imported from the backup", "yes" if self.state_imported else "no"),
            ("Stale lock or broken checkpoint of a killed run", ", ".join(self.stale_lock_cleared) or "none"),
            ("Preflight warnings (doctor's ✗ a restore goes on without)", self._warnings()),
            ("Duration (RTO)", f"{self.duration_seconds:.1f} s"),
            ("Data-loss window", span(self.data_loss_window_seconds)),
            ("Changes applied", json.dumps(self.changes)),
            ("Live objects adopted", ", ".join(self.adopted) or "none"),
            ("Update", "; ".join(self.phases) or "one phase, every checkpoint written"),
            ("Write-only values changed out of band, written again", ", ".join(self.rewritten) or "none"),
            ("Endpoints recreated for new secrets", ", ".join(self.rotated) or "none"),
            ("Stacks updated after this one (--chain)", ", ".join(self.chained) or "none"),
            ("Stacks to update next (they read its secrets)", ", ".join(self.update_next) or "none"),
            ("Redeploy (deploy hook)", self.redeployed or "not triggered"),
            ("Objects newer than the backup, kept", ", ".join(self.newer_objects_kept) or "none"),
            ("Unmanaged objects removed (--prune-unmanaged)", ", ".join(self.pruned_unmanaged) or "none"),
            ("Verified (refresh preview, no changes)", "yes" if self.verified else "NO"),
            ("Remaining drift", ", ".join(self.remaining_drift) or "none"),
            (
                "Manual steps (no API writes these)",
                "; ".join(self.manual_steps).replace("|", "\\|") or "none",
            ),
            ("Application checks (signed test deliveries)", self._checks()),
            ("Post-restore backup", self.post_restore_backup or "none"),
        ]
        lines = [f"# Restore report: {self.stack} from {self.backup_id}", "", "| | |", "|---|---|"]
        lines += [f"| {name} | {value} |" for name, value in rows]
        return "\n".join(lines) + "\n"

    def _checks(self) -> str:
        if self.checks is None:
            return "not run"
        failed = [d.line() for d in self.checks.deliveries if d.status in ("failed", "not_checkable")]
        return "; ".join([self.checks.summary(), *failed]).replace("|", "\\|")

    def _warnings(self) -> str:
        """One cell: the lines side by side (a `|` in a detail would end the cell)."""
        return "; ".join(w.replace("|", "\\|") for w in self.preflight_warnings) or "none"
