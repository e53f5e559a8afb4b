"""Who took a backup and from which commit of the project, for its manifest."""

from __future__ import annotations

import getpass
import subprocess

from backstop.runbook.workspace import PROJECT_DIR


def actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip() or None
