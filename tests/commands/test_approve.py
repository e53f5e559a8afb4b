"""`backstop approve` as an approver runs it: signs one backup or document for one stack with their SSH key
(a key file, or a key in ssh-agent), and refuses keys and roles approvals.yaml doesn't allow."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backstop.runbook.approvals.check import Expected, check
from backstop.runbook.approvals.matrix import load_matrix
from tests.approvers import key, write_approvals
from tests.support import VENV_BIN

BACKUP = "prod-20260301T000000Z"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_approvals(tmp_path)
    folder = tmp_path / "backups" / "prod" / BACKUP
    folder.mkdir(parents=True)
    manifest: dict[str, object] = {
        "id": BACKUP,
        "stack": "prod",
        "created_at": "2026-03-01T00:00:00Z",
        "label": "Pre-deployment backup - v1.0.5 - 2026-03-01",
        "class": "manual",
        "created_by": "tests",
        "git_commit": None,
        "tool_version": "0.1.0",
        "engine_version": "3.274.1",
        "resource_counts": {},
        "checksums": {},
        "status": "complete",
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "prod.yaml").write_text("version: 1\nstack: prod\n")
    return tmp_path


def approve(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("BACKSTOP_", "SSH_AUTH"))}
    environment.update(
        BACKSTOP_PROJECT_DIR=str(project),
        BACKSTOP_BACKUPS_DIR=str(project / "backups"),
        COLUMNS="300",
        **(env or {}),
    )
    return subprocess.run(
        [str(VENV_BIN / "backstop"), "approve", "--stack", "prod", *args],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_restore_approval_names_the_backup_and_its_manifest_digest(project: Path) -> None:
    done = approve(project, "--backup", BACKUP, "--key", str(key("eli")), "--expires", "30m", "--json")
    assert done.returncode == 0, done.stderr
    path = project / f"approval-prod-{BACKUP}.json"
    assert json.loads(done.stdout)["file"] == str(path), "the default name, in the current folder"
    payload = json.loads(path.read_text())["approval"]
    digest = hashlib.sha256(
        (project / "backups" / "prod" / BACKUP / "manifest.json").read_bytes()
    ).hexdigest()
    assert (payload["approver"], payload["backup"], payload["manifest_sha256"]) == (
        "Eli Lead",
        BACKUP,
        digest,
    )
    assert payload["kinds"] == ["configuration"] and len(payload["nonce"]) == 32
    issued, expires = (datetime.fromisoformat(payload[k]) for k in ("issued_at", "expires_at"))
    assert (expires - issued).total_seconds() == 1800 and abs(datetime.now(UTC) - issued).total_seconds() < 60
    expected = Expected("prod", "configuration", "restore", backup=BACKUP, manifest_sha256=digest)
    assert (
        check(path, load_matrix(project / "approvals.yaml"), expected, datetime.now(UTC), {}).signer
        == "Eli Lead"
    )
    assert "PRIVATE KEY" not in path.read_text() + done.stdout + done.stderr


def test_a_key_in_ssh_agent_signs_through_its_public_half(project: Path, tmp_path: Path) -> None:
    socket = tmp_path / "agent.sock"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(socket)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(50):
            if socket.exists():
                break
            subprocess.run(["sleep", "0.1"], check=True)
        env = {"SSH_AUTH_SOCK": str(socket)}
        subprocess.run(
            ["ssh-add", "-q", str(key("dana"))], env={**os.environ, **env}, check=True, capture_output=True
        )
        public = tmp_path / "dana.pub"  # only the public half: the private one is in the agent alone
        public.write_text(key("dana").with_suffix(".pub").read_text())
        done = approve(project, "--document", "prod.yaml", "--key", str(public), "--out", "a.json", env=env)
    finally:
        agent.terminate()
        agent.wait(timeout=10)
    assert done.returncode == 0, done.stderr
    payload = json.loads((project / "a.json").read_text())["approval"]
    assert payload["operation"] == "update" and payload["approver"] == "Dana Cto"
    assert payload["document_sha256"] == hashlib.sha256(b"version: 1\nstack: prod\n").hexdigest()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--backup", BACKUP, "--key", "sam"],
            "Sam Dev holds developer; approving configuration of prod needs eng-lead or cto",
        ),
        (
            ["--backup", BACKUP, "--key", "eli", "--kinds", "database"],
            "Eli Lead holds eng-lead; approving database of prod needs cto",
        ),
        (["--backup", BACKUP, "--key", "mallory"], "is nobody's key in approvals.yaml"),
        (["--backup", BACKUP, "--key", "ecdsa"], "key type ecdsa-sha2-nistp256 is not supported"),
        (
            ["--backup", "prod-19990101T000000Z", "--key", "eli"],
            "--backup: no backup 'prod-19990101T000000Z'",
        ),
        (["--backup", BACKUP, "--key", "eli", "--expires", "30d"], "--expires: 30d is not between 1m and 7d"),
        (
            ["--backup", BACKUP, "--key", "eli", "--kinds", "secrets"],
            "--kinds: secrets: not one of configuration, database",
        ),
        (["--key", "eli"], "give exactly one of --backup and --document"),
    ],
)
def test_refusals_exit_2_and_write_nothing(project: Path, args: list[str], expected: str) -> None:
    resolved = [str(key(a)) if i and args[i - 1] == "--key" else a for i, a in enumerate(args)]
    done = approve(project, *resolved)
    assert done.returncode == 2 and expected in " ".join(done.stderr.split()), done.stderr
    assert not list(project.glob("approval-*.json"))
