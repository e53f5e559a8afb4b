"""`restore --chain` never updates a stack approvals.yaml protects: that update needs its own approval."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backstop.operations import followers
from tests.support import ROOT


def test_a_protected_reader_is_not_chained_and_the_commands_are_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copyfile(ROOT / "approvals.yaml", tmp_path / "approvals.yaml")  # protects prod
    monkeypatch.setattr(followers, "PROJECT_DIR", tmp_path)

    def no_session(name: str) -> None:
        raise AssertionError("a protected stack was opened for a chained update")

    monkeypatch.setattr(followers, "StackSession", no_session)
    assert followers.update_reader("prod") is False
    printed = " ".join(capsys.readouterr().err.split())
    assert "not chained: approvals.yaml protects prod" in printed
    assert "backstop up --stack prod --approval FILE" in printed
