"""A restore whose `pulumi` process is killed mid-update converges when `backstop restore` runs again:
the dead run's lock is cleared, no object is duplicated and nothing unintended is deleted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.reliability.disaster import ACCOUNT, assert_exact_without_duplicates, backed_up_then_lost
from tests.reliability.trials import kill_points
from tests.support import VENV_BIN, Engine, SandboxProcess

pytestmark = pytest.mark.e2e


def pulumi_update_pids(project: Path) -> list[int]:
    """The `pulumi up` processes `backstop` started on this project (its own .venv path names them)."""
    pattern = f"{project}/.venv/bin/pulumi( --non-interactive)? up "  # the Automation API puts the flag first
    found = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout
    return [int(pid) for pid in found.split()]


@pytest.mark.trials
@pytest.mark.parametrize("kill_at", kill_points("stripe", [3, 9]))
def test_a_killed_restore_converges_on_rerun(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path, kill_at: int
) -> None:
    document, backup_id = backed_up_then_lost(engine, sandbox, tmp_path)
    sandbox.http.post("/_sandbox/faults", json={"kind": "latency", "latency_ms": 150}).raise_for_status()
    sandbox.http.delete("/_sandbox/requests")

    env = {"BACKSTOP_BACKUPS_DIR": str(engine.home / "backups"), **engine.env()}
    restore = subprocess.Popen(
        [str(VENV_BIN / "backstop"), "restore", "--stack", "staging", "--backup", backup_id],
        cwd=engine.project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while sandbox.writes() < kill_at:  # the update's writes (the preflight's probes write nothing)
        assert time.monotonic() < deadline and restore.poll() is None, "the restore ended before the kill"
        time.sleep(0.05)
    killed = pulumi_update_pids(engine.project)
    for pid in killed:
        os.kill(pid, signal.SIGKILL)
    restore.wait(timeout=60)
    assert killed and restore.returncode != 0, "the pulumi update was killed mid-restore"
    sandbox.http.delete("/_sandbox/faults")

    again = json.loads(
        engine.backstop("restore", "--stack", "staging", "--backup", backup_id, "--json").stdout
    )
    assert again["report"]["verified"] is True and again["report"]["stale_lock_cleared"]
    assert_exact_without_duplicates(sandbox, document)
    account = sandbox.dump()["stripe"][ACCOUNT]
    assert len(account["webhook_endpoints"]) == 2, "no duplicate webhook endpoints"
    assert len(account["prices"]) == 4 and len(account["products"]) == 4, "no duplicates, nothing extra"
