"""The Backup Verification Log: one JSON line per verification (`snapshots/verification-log.jsonl`), and
the runbook's human log rendered from it (`snapshots/VERIFICATION_LOG.md`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel

from backstop.runbook.check.report import CheckReport

LOG = "verification-log.jsonl"
HUMAN = "VERIFICATION_LOG.md"


class Durations(BaseModel):
    total: float
    configuration: float
    """Starting the private sandbox, applying the backup and the drift check on it."""
    database: float | None = None
    checks: float | None = None


class VerificationEntry(BaseModel):
    """The runbook's fields first (date … tested by), then what makes the entry reproducible."""

    date: datetime
    backup_tested: str
    backup_timestamp: datetime
    restoration_successful: bool
    data_integrity_verified: bool | None
    """None: the stack has no database backups."""
    application_functional: bool
    issues_found: list[str]
    tested_by: str
    stack: str
    passed: bool
    seed: int | None
    """The draw's seed (`--seed`), None when the backup was named (`--backup`)."""
    window: str | None
    backup_sha256: str
    """Of the backup's manifest.json (which holds every file's checksum)."""
    database_backup: str | None = None
    database_restored_to: str | None = None
    """The stack whose database received it (`db restore --to`), or `sandbox` (the private sandbox's)."""
    database_timestamp: datetime | None = None
    data_checks: list[dict[str, object]] = []
    checks: CheckReport | None = None
    durations: Durations
    backstop_version: str


def append(folder: Path, entry: VerificationEntry) -> tuple[Path, Path]:
    """Appends the entry and renders the human log again from every entry; answers both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / LOG
    with log.open("a") as fh:
        fh.write(entry.model_dump_json() + "\n")
    entries = [VerificationEntry.model_validate_json(line) for line in log.read_text().splitlines() if line]
    human = folder / HUMAN
    human.write_text(render(entries))
    return log, human


def _yes(value: bool | None) -> str:
    return "n/a" if value is None else ("Yes" if value else "No")


def render(entries: list[VerificationEntry]) -> str:
    lines = [
        "# Backup Verification Log",
        "",
        "Written by `backstop verify` from `verification-log.jsonl` (newest first); do not edit by hand.",
        "",
        "| Date | Stack | Backup tested | Backup timestamp | Restoration successful | Data integrity "
        "verified | Application functional | Issues found | Tested by |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for e in sorted(entries, key=lambda e: e.date, reverse=True):
        issues = "; ".join(i.replace("|", "/") for i in e.issues_found) or "none"
        backup = e.backup_tested + (f" + {e.database_backup}" if e.database_backup else "")
        lines.append(
            f"| {e.date:%Y-%m-%d %H:%M} UTC | {e.stack} | {backup} | {e.backup_timestamp:%Y-%m-%d %H:%M} UTC "
            f"| {_yes(e.restoration_successful)} | {_yes(e.data_integrity_verified)} "
            f"| {_yes(e.application_functional)} | {issues} | {e.tested_by} |"
        )
    return "\n".join(lines) + "\n"
