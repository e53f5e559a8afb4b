"""The engine's environment: a team's HTTP(S) proxy never carries the engine's own gRPC on 127.0.0.1, and the
language host's Python answers its `pip list` as pip would."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from backstop.runbook.workspace import engine_env, no_proxy
from tests.support import ROOT, VENV_BIN


def test_this_machine_is_added_to_the_teams_no_proxy_hosts_once() -> None:
    assert no_proxy({}) == "127.0.0.1,localhost"
    assert no_proxy({"NO_PROXY": ".corp.example, localhost"}) == ".corp.example,localhost,127.0.0.1"
    assert no_proxy({"no_proxy": "10.0.0.1"}) == "10.0.0.1,127.0.0.1,localhost"


def test_every_engine_run_gets_it_in_both_spellings() -> None:
    env = engine_env()
    assert env["NO_PROXY"] == env["no_proxy"] and "127.0.0.1" in env["NO_PROXY"].split(",")


def listed(command: list[str]) -> list[tuple[str, str, str]]:
    done = subprocess.run(
        [*command, "-m", "pip", "list", "-v", "--format", "json"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return sorted((p["name"], p["version"], p["location"]) for p in json.loads(done.stdout))


def test_the_language_hosts_python_lists_packages_as_pip_does_and_runs_the_rest_unchanged() -> None:
    launcher = Path(engine_env()["PULUMI_PYTHON_CMD"])
    assert launcher == ROOT / "bin" / "pulumi-python"
    assert listed([str(launcher)]) == listed([str(VENV_BIN / "python")])
    names = [name for name, _, _ in listed([str(launcher)])]
    assert {"pulumi", "pulumiverse_vercel"} <= set(names)

    probe = "import sys; print(sys.executable, sys.argv[1:]); sys.exit(3)"
    done = subprocess.run([str(launcher), "-c", probe, "two words", "-m"], capture_output=True, text=True)
    assert done.returncode == 3
    assert done.stdout.split(" ", 1) == [str(VENV_BIN / "python"), "['two words', '-m']\n"]
