"""The retired workflow's archive is what Vapi serves for it, written by the command the README names, and
the program can't declare a workflow."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from backstop.plugin.provider.dispatcher import all_handlers
from backstop.runbook.capture.vapi import portable
from sandbox.core.accounts import keys
from tests.support import ROOT, SandboxProcess, python

ARCHIVE = ROOT / "snapshots" / "vapi-legacy" / "prod-workflow.json"
WORKFLOW_ID = "e13b1b19-3cd5-42ab-ba5d-7c46bf989a6e"
"""The id the runbook records (BACKUP_STRATEGY.md, step 5)."""


def test_the_archive_matches_what_vapi_serves(sandbox: SandboxProcess, tmp_path: Path) -> None:
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    out = tmp_path / "workflow.json"
    env = {
        **os.environ,
        "BACKSTOP_VAPI_API_KEY": keys("vapi")["org_derrimut"],
        "BACKSTOP_VAPI_BASE_URL": f"{sandbox.url}/vapi",
    }
    command = [python(), "-m", "backstop.runbook.capture.vapi", "--workflow", WORKFLOW_ID, "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    fresh, committed = json.loads(out.read_text()), json.loads(ARCHIVE.read_text())
    served = sandbox.http.get(
        f"/vapi/workflow/{WORKFLOW_ID}", headers={"Authorization": f"Bearer {env['BACKSTOP_VAPI_API_KEY']}"}
    ).json()
    assert fresh["workflow"] == served, "archived as served"
    assert portable(committed) == portable(fresh), "the committed archive is the same workflow"
    assert committed["workflow"]["id"] == WORKFLOW_ID
    assert set(committed["tool_names"].values()) == {"get_membership_status"}
    assert sandbox.requests()["mutating"] == 0, "archiving only reads"


def test_an_unknown_workflow_fails_without_writing(sandbox: SandboxProcess, tmp_path: Path) -> None:
    out = tmp_path / "workflow.json"
    env = {
        **os.environ,
        "BACKSTOP_VAPI_API_KEY": keys("vapi")["org_derrimut"],
        "BACKSTOP_VAPI_BASE_URL": f"{sandbox.url}/vapi",
    }
    command = [python(), "-m", "backstop.runbook.capture.vapi", "--workflow", WORKFLOW_ID, "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 3 and "no workflow" in done.stderr and not out.exists()
    assert env["BACKSTOP_VAPI_API_KEY"] not in done.stderr + done.stdout


def test_no_resource_type_declares_a_workflow() -> None:
    assert [h.token for h in all_handlers() if h.token.startswith("backstop:vapi:")] == [
        "backstop:vapi:Tool",
        "backstop:vapi:Assistant",
        "backstop:vapi:Squad",
    ]
