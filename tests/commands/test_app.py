"""The `backstop` entry point loads only the command it runs, and help still lists every command."""

from __future__ import annotations

import subprocess

from backstop.cli.app import COMMANDS, GROUPS
from tests.support import ROOT, VENV_BIN


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {"COLUMNS": "200", "PATH": str(VENV_BIN)}
    return subprocess.run(
        [str(VENV_BIN / "backstop"), *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_help_lists_every_command() -> None:
    done = run("--help")
    assert done.returncode == 0, done.stderr
    for name in GROUPS + COMMANDS:
        assert f" {name} " in done.stdout, f"{name} missing from backstop --help:\n{done.stdout}"


def test_a_command_loads_no_other_command() -> None:
    probe = (
        "import sys; from backstop.cli.app import build, invoked; build(invoked(['status', '--help'])); "
        "print(sorted(m for m in sys.modules if m.startswith('backstop.cli.commands.') and m != "
        "'backstop.cli.commands.common'))"
    )
    done = subprocess.run([str(VENV_BIN / "python"), "-c", probe], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.strip() == "['backstop.cli.commands.status']", done.stdout + done.stderr


def test_a_single_command_keeps_its_name() -> None:
    done = run("status", "--help")
    assert done.returncode == 0, done.stderr
    assert "Usage: backstop status" in done.stdout
