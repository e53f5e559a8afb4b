"""The approvals.yaml an audit record was checked against, found by its digest: today's file, or a version
the project's git history holds; none outside a git checkout or for a digest no version has."""

from __future__ import annotations

import subprocess
from pathlib import Path

from backstop.runbook.approvals.matrix import digest
from backstop.runbook.approvals.matrix_history import MatrixVersions, current_digest
from tests.approvers import commit_approvals, without_eli
from tests.support import ROOT


def test_versions_are_found_by_digest_in_the_project_history(tmp_path: Path) -> None:
    project = tmp_path / "repo" / "ops"  # the project may sit below the repository's root
    project.mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=project.parent, check=True)
    first = (ROOT / "approvals.yaml").read_text()
    old = commit_approvals(project, first, "the team")
    second = without_eli(first)
    commit_approvals(project, second, "Eli left")
    today = second + "# a comment, not committed\n"
    (project / "approvals.yaml").write_text(today)

    versions = MatrixVersions(project)
    assert current_digest(project) == digest(today)
    now = versions.get(digest(today))
    assert now is not None and now.where == "approvals.yaml" and versions.get(None) is now
    assert "Eli Lead" not in {person for person, _ in now.matrix.keys().values()}
    then = versions.get(digest(first))
    assert then is not None and then.where == f"approvals.yaml as of commit {old[:12]}"
    assert "Eli Lead" in {person for person, _ in then.matrix.keys().values()}
    assert versions.get(digest(second)) is not None
    assert versions.get(digest("roles: [nobody]\n")) is None


def test_outside_a_git_checkout_only_todays_file_is_known(tmp_path: Path) -> None:
    text = (ROOT / "approvals.yaml").read_text()
    (tmp_path / "approvals.yaml").write_text(without_eli(text))
    versions = MatrixVersions(tmp_path)
    assert versions.get(digest(without_eli(text))) is not None
    assert versions.get(digest(text)) is None
    assert current_digest(tmp_path / "elsewhere") is None


def test_a_shallow_checkout_says_so(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    origin.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=origin, check=True)
    first = (ROOT / "approvals.yaml").read_text()
    commit_approvals(origin, first, "the team")
    commit_approvals(origin, without_eli(first), "Eli left")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(clone)], check=True)
    versions = MatrixVersions(clone)
    assert versions.get(digest(first)) is None and versions.shallow
    full = MatrixVersions(origin)
    assert full.get(digest(first)) is not None and not full.shallow
