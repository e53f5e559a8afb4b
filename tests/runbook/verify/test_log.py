"""The Backup Verification Log: entries appended as JSON lines, the human log rendered from all of them with
the runbook's columns, newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from backstop.runbook.verify.log import HUMAN, LOG, Durations, VerificationEntry, append

AT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def entry(day: int, passed: bool, issues: list[str]) -> VerificationEntry:
    return VerificationEntry(
        date=AT + timedelta(days=day),
        backup_tested=f"2026-12-0{day + 1}T0000Z-nightly",
        backup_timestamp=AT,
        restoration_successful=True,
        data_integrity_verified=passed,
        application_functional=True,
        issues_found=issues,
        tested_by="Sam Dev",
        stack="staging",
        passed=passed,
        seed=7,
        window="7d",
        backup_sha256="0" * 64,
        durations=Durations(total=12.5, configuration=8.0),
        backstop_version="0.1.0",
    )


def test_entries_accumulate_and_the_human_log_lists_them_newest_first(tmp_path: Path) -> None:
    append(tmp_path, entry(0, True, []))
    log, human = append(
        tmp_path, entry(1, False, ["data check orders: 0 orders documents: expected ≥ 1 | x"])
    )
    assert (log.name, human.name) == (LOG, HUMAN)
    lines = log.read_text().splitlines()
    assert [VerificationEntry.model_validate_json(line).passed for line in lines] == [True, False]
    table = human.read_text().splitlines()
    assert "Restoration successful" in table[4] and "Tested by" in table[4]
    newest, oldest = table[6], table[7]
    assert "2026-12-08 09:00 UTC" in newest and "| No |" in newest and "expected ≥ 1 / x" in newest
    assert "2026-12-07 09:00 UTC" in oldest and "| none | Sam Dev |" in oldest
