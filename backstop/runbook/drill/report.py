"""The drill report: scenario, what broke, each phase's time, and whether everything came back exactly."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from backstop.runbook.check.report import CheckReport
from backstop.runbook.drill.scenarios import SCENARIOS
from backstop.runbook.reports import write_pair


class Phase(BaseModel):
    name: str
    seconds: float
    detail: str


class Rehearsal(BaseModel):
    """A drill of the stack's own configuration from its backup, in a private sandbox
    (`backstop drill --rehearse`)."""

    backup_id: str
    """The backup rehearsed: its document and config were applied to the private sandbox."""
    seeded: dict[str, str]
    """Every stack applied to the sandbox (the rehearsed one and those it reads outputs of) -> its backup."""
    seed_seconds: float
    """Starting the sandbox and applying the backups, before the drill proper."""
    hosts: list[str]
    """The hosts the sandbox played the team's apps at (deliveries to any other fail)."""
    database_backup_id: str | None = None
    """The database backup restored into the sandbox before the drill (A and B)."""
    database_not_rehearsed: str | None = None
    """Why a stack with a database had its configuration rehearsed alone."""


class Live(BaseModel):
    """A drill in the stack's real services (`backstop drill --live`)."""

    approved_by: str
    safety_backup: str
    """Taken before anything was broken; the second attempt restores it, and so does a finish by hand."""
    rto_seconds: float
    """Detect, decide and restore."""
    rto_target_seconds: float
    """The document's `targets.rto_minutes`."""
    second_attempt: str | None = None
    """What the retry from the safety backup did, when the first restore failed."""
    finish_by_hand: str | None = None
    """The command that finishes the restore, when the drill left the stack not as declared."""


class DrillReport(BaseModel):
    stack: str
    scenario: str
    description: str
    started_at: datetime
    broken: list[str]
    phases: list[Phase]
    total_seconds: float
    decision_rule: str
    backup_id: str
    data_loss_window_seconds: float
    restored_exactly: bool
    differences: list[str]
    database_backup_id: str | None = None
    """The database backup restored, when the stack has a database (scenarios A and B)."""
    database_table: str | None = None
    """Scenario B: the one table restored."""
    database_data_loss_window_seconds: float | None = None
    checks: CheckReport | None = None
    """The restore's signed test deliveries (`backstop check`): reported, not part of the verdict."""
    rehearsal: Rehearsal | None = None
    live: Live | None = None
    failures: list[str] = []
    """Why the drill failed although everything may be back: a restore retried, a missed RTO target."""

    @property
    def passed(self) -> bool:
        return self.restored_exactly and not self.failures

    @classmethod
    def of(
        cls,
        stack: str,
        scenario: str,
        started_at: datetime,
        broken: list[str],
        phases: list[Phase],
        decision: tuple[str, str],
        differences: list[str],
        **rest: Any,
    ) -> DrillReport:
        """A finished drill: its total is its phases', its verdict its differences (`decision`: the rule
        and the backup it chose)."""
        rule, backup_id = decision
        return cls(
            stack=stack,
            scenario=scenario,
            description=SCENARIOS[scenario][0],
            started_at=started_at,
            broken=broken,
            phases=phases,
            total_seconds=sum(p.seconds for p in phases),
            decision_rule=rule,
            backup_id=backup_id,
            restored_exactly=not differences,
            differences=differences,
            **rest,
        )

    def write(self, folder: Path) -> tuple[Path, Path]:
        return write_pair(
            folder,
            f"drill-{self.scenario}-{self.started_at.strftime('%Y%m%dT%H%M%SZ')}",
            self,
            self.markdown(),
        )

    def markdown(self) -> str:
        verdict = "PASSED: everything is back exactly" if self.passed else "FAILED"
        where, rehearsed = "sandbox", []
        if self.rehearsal is not None:
            where = "rehearsal in a private sandbox"
            seeded = ", ".join(f"{stack} from {backup}" for stack, backup in self.rehearsal.seeded.items())
            rehearsed = [
                f"Rehearsal of backup {self.rehearsal.backup_id}: applied {seeded} to a private sandbox "
                f"in {self.rehearsal.seed_seconds:.1f} s; the live services were not touched.",
                *(
                    [f"Database backup {self.rehearsal.database_backup_id} restored into the sandbox first."]
                    if self.rehearsal.database_backup_id
                    else []
                ),
                *(
                    [f"Database not rehearsed: {self.rehearsal.database_not_rehearsed}."]
                    if self.rehearsal.database_not_rehearsed
                    else []
                ),
                "",
            ]
        if self.live is not None:
            live = self.live
            where = "live, in the stack's real services"
            rehearsed = [
                f"Approved by {live.approved_by}; safety backup {live.safety_backup} taken before anything "
                f"was broken. RTO {live.rto_seconds:.1f} s (target {live.rto_target_seconds:.0f} s).",
                *([f"First restore failed; {live.second_attempt}."] if live.second_attempt else []),
                *([f"Finish by hand: `{live.finish_by_hand}`"] if live.finish_by_hand else []),
                "",
            ]
        lines = [
            f"# Disaster-recovery drill {self.scenario}: {self.description} ({self.stack})",
            "",
            f"**{verdict}** in {self.total_seconds:.1f} s ({self.started_at:%Y-%m-%d %H:%M} UTC, {where}).",
            "",
            *rehearsed,
            "| phase | time | detail |",
            "|---|---|---|",
            *(f"| {p.name} | {p.seconds:.1f} s | {p.detail} |" for p in self.phases),
            "",
            f"Backup used: {self.backup_id} (rule: {self.decision_rule}); data-loss window "
            f"{self.data_loss_window_seconds:.0f} s.",
            *(
                [
                    f"Database backup restored: {self.database_backup_id} "
                    f"({'table ' + self.database_table if self.database_table else 'every table'}); "
                    f"data-loss window {self.database_data_loss_window_seconds or 0:.0f} s."
                ]
                if self.database_backup_id
                else []
            ),
            "",
            "What the disaster broke:",
            *(f"- {item}" for item in self.broken),
        ]
        if self.differences:
            lines += ["", "Not back as declared:", *(f"- {d}" for d in self.differences)]
        if self.failures:
            lines += ["", "Why the drill failed:", *(f"- {f}" for f in self.failures)]
        if self.checks is not None:
            lines += ["", f"Application checks (signed test deliveries): {self.checks.summary()}"]
            lines += [f"- {line}" if not line.startswith(" ") else line for line in self.checks.lines()]
        return "\n".join(lines) + "\n"
