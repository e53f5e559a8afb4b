"""The schedule templates run the runbook's routines at the runbook's times."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from tests.support import ROOT

FOLDER = ROOT / "schedules" / "github-actions"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load((FOLDER / name).read_text())
    return data


def crons(workflow: dict[str, Any]) -> list[str]:
    triggers = workflow["on"]
    return [entry["cron"] for entry in triggers["schedule"]]


def test_daily_backup_at_midnight_utc_commits_and_pushes() -> None:
    workflow = load("backstop-daily-backup.yml")
    assert crons(workflow) == ["0 0 * * *"]
    script = "\n".join(step.get("run", "") for step in workflow["jobs"]["backup"]["steps"])
    assert "backstop backup --stack" in script and "--class daily" in script and "git push" in script


def test_weekly_check_is_monday_nine_in_melbourne_in_both_offsets() -> None:
    workflow = load("backstop-weekly-check.yml")
    assert crons(workflow) == ["0 22 * * 0", "0 23 * * 0"]
    script = "\n".join(step.get("run", "") for step in workflow["jobs"]["check"]["steps"])
    assert 'TZ=Australia/Melbourne date +%u%H)" = "109"' in script
    assert "backstop drift --stack prod" in script and "backstop restore --stack staging" in script


def test_monthly_drill_runs_every_available_scenario_in_the_sandbox() -> None:
    workflow = load("backstop-monthly-drill.yml")
    assert all(" 1-7 * 0" in cron for cron in crons(workflow))
    script = "\n".join(step.get("run", "") for step in workflow["jobs"]["drill"]["steps"])
    assert "backstop sandbox serve" in script and "for scenario in A B D" in script


def test_every_template_is_listed_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for path in sorted(Path(FOLDER).glob("*.yml")):
        assert path.name in readme
