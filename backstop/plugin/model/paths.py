"""Where the project and a stack's desired-state document are: the rules the program and the `backstop`
command share."""

from __future__ import annotations

import os
from pathlib import Path


def document_path(stack: str, project_dir: Path, desired_state_config: str | None) -> Path:
    """BACKSTOP_DESIRED_STATE, else BACKSTOP_SNAPSHOTS_DIR/<stack>.yaml, else the stack's
    `platform-config:desiredState` config (relative to the project), else snapshots/<stack>.yaml."""
    override = os.environ.get("BACKSTOP_DESIRED_STATE")
    if override:
        return Path(override)
    snapshots_dir = os.environ.get("BACKSTOP_SNAPSHOTS_DIR")
    if snapshots_dir:
        return Path(snapshots_dir) / f"{stack}.yaml"
    if desired_state_config:
        return project_dir / desired_state_config
    return project_dir / "snapshots" / f"{stack}.yaml"


def project_dir() -> Path:
    """The Pulumi project Backstop works on: BACKSTOP_PROJECT_DIR, else the checkout this code is in."""
    return Path(os.environ.get("BACKSTOP_PROJECT_DIR") or Path(__file__).resolve().parents[3])
