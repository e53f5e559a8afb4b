"""The throwaway copy of the Pulumi project a rehearsal runs in: the program, components and plugin
launcher copied; the virtualenv and engine shared through symlinks; the backups' documents as its
snapshots; an approvals.yaml that protects nothing (the sandbox is private); no stack config until the
rehearsal writes it."""

from __future__ import annotations

import shutil
from pathlib import Path

COPIED_FILES = ("Pulumi.yaml", "__main__.py")
COPIED_FOLDERS = ("components", "bin", "mappings")
SHARED = (".venv", ".tools", "toolchain")
APPROVALS = """\
# A rehearsal's private sandbox: nothing in it needs an approval.
roles: [rehearsal]
people: {}
rules:
  - stacks: ["*"]
    kinds: [configuration, database]
    roles: null
"""


def throwaway_project(source: Path, copy: Path, documents: dict[str, Path]) -> Path:
    """`documents`: stack -> the backup's desired.yaml, written as snapshots/<stack>.yaml."""
    copy.mkdir(parents=True)
    for name in COPIED_FILES:
        shutil.copy2(source / name, copy / name)
    for folder in COPIED_FOLDERS:
        if (source / folder).exists():
            shutil.copytree(source / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for shared in SHARED:
        if (source / shared).exists():
            (copy / shared).symlink_to((source / shared).resolve())
    (copy / "approvals.yaml").write_text(APPROVALS)
    snapshots = copy / "snapshots"
    snapshots.mkdir()
    for stack, document in documents.items():
        shutil.copyfile(document, snapshots / f"{stack}.yaml")
    return copy
