"""The database restore report: what came back, how long it took and how much could be lost."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel

from backstop.runbook.reports import span, write_pair


class DbRestoreReport(BaseModel):
    stack: str
    deployment: str
    backup_id: str
    backup_stack: str
    backup_time: datetime
    """The point in time the backup's data is from."""
    started_at: datetime
    finished_at: datetime
    duration_seconds: float
    """Recovery time: from the start of the restore to verified data."""
    data_loss_window_seconds: float
    """Restore start minus backup time: writes made in between are not in the backup."""
    table: str | None
    tables_restored: list[str]
    documents_imported: int | None
    approved_by: str | None
    safety_backup: str
    counts: dict[str, dict[str, int]]
    sampled: list[str]
    verified: bool
    differences: list[str]

    def write(self, folder: Path) -> tuple[Path, Path]:
        return write_pair(folder, f"db-restore-{self.started_at:%Y%m%dT%H%M%SZ}", self, self.markdown())

    def markdown(self) -> str:
        scope = f"table {self.table}" if self.table else f"all {len(self.tables_restored)} tables"
        rows = [
            ("Stack (deployment)", f"{self.stack} ({self.deployment})"),
            ("Backup", f"{self.backup_id} of {self.backup_stack}, data as of {self.backup_time.isoformat()}"),
            ("Restored", scope),
            ("Approved by", self.approved_by or "not required"),
            ("Safety export (undo)", self.safety_backup),
            ("Duration (RTO)", f"{self.duration_seconds:.1f} s"),
            ("Data-loss window", span(self.data_loss_window_seconds)),
            ("Documents imported", "?" if self.documents_imported is None else str(self.documents_imported)),
            ("Documents sampled and compared", str(len(self.sampled))),
            ("Verified (counts, contents, sample)", "yes" if self.verified else "NO"),
        ]
        lines = [f"# Database restore report: {self.stack} from {self.backup_id}", "", "| | |", "|---|---|"]
        lines += [f"| {name} | {value} |" for name, value in rows]
        lines += ["", "| table | backup | live |", "|---|---|---|"]
        lines += [f"| {t} | {c['backup']} | {c['live']} |" for t, c in sorted(self.counts.items())]
        if self.differences:
            lines += ["", "Not back as in the backup:", *(f"- {d}" for d in self.differences)]
        return "\n".join(lines) + "\n"
