"""The floors of backstop/ (contracts in pyproject.toml's [tool.importlinter]): each floor imports only the
floors below it, no command imports another, and only the sandbox and demo commands reach the sandbox."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.support import ROOT, VENV_BIN


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(
        [str(VENV_BIN / "lint-imports"), "--no-cache"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_contract_is_kept() -> None:
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-4000:]
    assert "0 broken" in done.stdout


def test_an_import_up_a_floor_breaks_the_contract(tmp_path: Path) -> None:
    for name in ("backstop", "sandbox", "components"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    model = tmp_path / "backstop" / "plugin" / "model" / "paths.py"
    model.write_text(model.read_text() + "\nimport backstop.operations.errors  # noqa\n")

    done = lint_imports(tmp_path)

    assert done.returncode != 0
    assert "backstop.plugin.model.paths -> backstop.operations.errors" in done.stdout
