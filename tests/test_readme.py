"""The README's sandbox sections run as written, on a copy of the project: the hand flow, and the demo
`make demo` runs after its set-up (the set-up itself is `make test`'s own first step)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
from pathlib import Path

import pytest

from tests.support import ROOT, VENV_BIN, project_copy

pytestmark = pytest.mark.e2e
README = ROOT / "README.md"


def shell_blocks(section: str) -> list[str]:
    """The ```sh blocks of the README section whose heading is `section` (up to the next heading)."""
    text = README.read_text()
    start = text.index(f"\n{section}\n")
    end = text.find("\n#", start + len(section) + 2)
    body = text[start : end if end != -1 else len(text)]
    return re.findall(r"```sh\n(.*?)```", body, flags=re.S)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def user_env(project: Path) -> dict[str, str]:
    """A shell as a user has it: nothing of Pulumi's or Backstop's set, the project being the copy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "BACKSTOP_", "VIRTUAL_ENV"))}
    env.update(BACKSTOP_PROJECT_DIR=str(project), PULUMI_SKIP_CONFIRMATIONS="true", COLUMNS="200")
    return env


def run_as_user(command: list[str], project: Path) -> subprocess.CompletedProcess[str]:
    """`command` in the project copy with a user's environment; it must exit 0."""
    done = subprocess.run(
        command, cwd=project, env=user_env(project), capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return done


def test_the_hand_flow_runs_as_written(tmp_path: Path) -> None:
    (block,) = shell_blocks("## Working against the sandbox by hand")
    project = project_copy(tmp_path / "project")
    script = block.replace("8787", str(free_port()))
    run_as_user(
        ["bash", "-c", f"set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null' EXIT\n{script}"], project
    )
    assert (project / ".sandbox" / "state").is_dir() and (project / ".sandbox" / "sandbox.json").is_file()
    assert list((project / "snapshots" / "backups" / "staging").glob("staging-*/stack.json"))


def test_make_demo_runs_the_demo_to_its_end(tmp_path: Path) -> None:
    (block,) = shell_blocks("## Quick start")
    assert "make demo" in block
    project = project_copy(tmp_path / "project")
    done = run_as_user([str(VENV_BIN / "backstop"), "sandbox", "demo"], project)
    exported = list((project / "snapshots" / "backups" / "staging").glob("staging-*/stack.json"))
    assert exported, done.stdout[-2000:]
