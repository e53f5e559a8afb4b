"""The approvals.yaml an audit record was checked against: today's file, or the version the project's git
history holds with the digest the record names. A person who has left the team since, or a stack
protected since, must not turn the records of earlier changes into problems; a record naming a version
nobody can find is one."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from backstop.plugin.model.errors import DesiredStateError
from backstop.runbook.approvals.matrix import FILE, Matrix, digest, parse_matrix

GIT_TIMEOUT_S = 60


@dataclass
class Version:
    matrix: Matrix
    where: str
    """`approvals.yaml`, or `approvals.yaml as of commit 0123456789ab`."""


def current_digest(project_dir: Path) -> str | None:
    try:
        return digest((project_dir / FILE).read_text())
    except OSError:
        return None


@dataclass
class MatrixVersions:
    project_dir: Path
    _found: dict[str, Version] = field(default_factory=dict)
    _today: str = ""
    _history_read: bool = False
    shallow: bool = False
    """The checkout holds only part of its history (a CI runner's default clone): older versions may be
    missing from it."""

    def __post_init__(self) -> None:
        path = self.project_dir / FILE
        text = path.read_text()
        self._today = digest(text)
        self._found[self._today] = Version(parse_matrix(text, str(path)), FILE)

    def get(self, sha256: str | None) -> Version | None:
        """The version with that digest (today's for a record that names none: it predates digests)."""
        if sha256 is None:
            return self._found[self._today]
        if sha256 not in self._found and not self._history_read:
            self._read_history()
        return self._found.get(sha256)

    def _read_history(self) -> None:
        self._history_read = True
        try:
            commits = self._git("log", "--format=%H", "--", FILE).split()
            self.shallow = self._git("rev-parse", "--is-shallow-repository").strip() == "true"
        except (OSError, subprocess.SubprocessError):
            return
        for commit in commits:
            try:
                text = self._git("show", f"{commit}:./{FILE}")
            except (OSError, subprocess.SubprocessError):
                continue  # the commit deleted the file
            sha256 = digest(text)
            if sha256 in self._found:
                continue
            try:
                matrix = parse_matrix(text, f"{FILE} as of commit {commit[:12]}")
            except DesiredStateError:
                continue
            self._found[sha256] = Version(matrix, f"{FILE} as of commit {commit[:12]}")

    def _git(self, *args: str) -> str:
        return subprocess.run(
            ["git", *args],
            cwd=self.project_dir,
            capture_output=True,
            text=True,
            check=True,
            timeout=GIT_TIMEOUT_S,
        ).stdout
