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
    assert script.index("backstop doctor --stack") < script.index("backstop backup --stack"), (
        "preflight first"
    )


def test_weekly_check_is_monday_nine_in_melbourne_in_both_offsets() -> None:
    workflow = load("backstop-weekly-check.yml")
    assert crons(workflow) == ["0 22 * * 0", "0 23 * * 0"]
    script = "\n".join(step.get("run", "") for step in workflow["jobs"]["check"]["steps"])
    assert 'TZ=Australia/Melbourne date +%u%H)" = "109"' in script
    assert "backstop drift --stack prod" in script
    assert "backstop verify --stack prod --random --since 7d --tested-by" in script
    assert script.index("backstop doctor --stack") < script.index("backstop drift --stack"), "preflight first"


def test_monthly_drill_rehearses_every_scenario_from_prods_backup() -> None:
    workflow = load("backstop-monthly-drill.yml")
    assert all(" 1-7 * 0" in cron for cron in crons(workflow))
    script = "\n".join(step.get("run", "") for step in workflow["jobs"]["drill"]["steps"])
    assert "for scenario in A B C D" in script and "backstop drill --stack prod" in script
    assert "--rehearse" in script and "pulumi stack init" not in script
    assert "backstop drill --stack staging" in script and "--live --approved-by" in script
    assert any(
        step.get("uses", "").startswith("actions/upload-artifact")
        for step in workflow["jobs"]["drill"]["steps"]
    )


def test_every_template_is_listed_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for path in sorted(Path(FOLDER).glob("*.yml")):
        assert path.name in readme


def test_database_exports_go_to_the_bucket_and_the_weekly_verification_restores_one() -> None:
    daily = load("backstop-daily-backup.yml")["jobs"]["backup"]
    script = "\n".join(step.get("run", "") for step in daily["steps"])
    assert "backstop db backup --stack" in script and "--require-bucket" in script
    assert daily["env"]["BACKSTOP_STORE_URL"] == "${{ secrets.BACKSTOP_STORE_URL }}"
    weekly = load("backstop-weekly-check.yml")["jobs"]["check"]
    assert weekly["env"]["BACKSTOP_STORE_URL"] == "${{ secrets.BACKSTOP_STORE_URL }}"
    commit = weekly["steps"][-1]
    assert "snapshots/VERIFICATION_LOG.md" in commit["run"] and commit["if"].startswith("always()"), (
        "a failed verification's entry is committed too"
    )


def test_every_flag_a_template_uses_exists() -> None:
    """Each `backstop …` line's options are in that command's --help (a renamed flag breaks a schedule)."""
    from typer.testing import CliRunner

    from backstop.cli.app import app

    runner = CliRunner()
    seen = 0
    for path in sorted(FOLDER.glob("*.yml")):
        text = path.read_text().replace("\\\n", " ")
        for line in text.splitlines():
            if ".venv/bin/backstop " not in line:
                continue
            words = line.split(".venv/bin/backstop ", 1)[1].split()
            command = words[:2] if words[0] in ("db", "sandbox") else words[:1]
            help_text = runner.invoke(app, [*command, "--help"], terminal_width=200).output
            flags = [w.split("=")[0] for w in words if w.startswith("--")]
            for flag in flags:
                assert flag in help_text, f"{path.name}: `backstop {' '.join(command)}` has no {flag}"
                seen += 1
    assert seen > 10


def test_a_prod_restore_runs_in_a_protected_environment_with_the_reviewers_approval() -> None:
    workflow = load("backstop-prod-restore.yml")
    job = workflow["jobs"]["restore"]
    assert job["environment"] == "production", "GitHub holds the job for the environment's reviewers"
    assert set(workflow["on"]) == {"workflow_dispatch"}, "never on a schedule"
    script = "\n".join(step.get("run", "") for step in job["steps"])
    assert 'backstop restore --stack prod --backup "$BACKUP" --approval "$APPROVAL"' in script
    assert "backstop audit verify" in script and "snapshots/audit-log.jsonl" in script
    assert "backstop approve --stack prod --backup" in (FOLDER / "backstop-prod-restore.yml").read_text()
