"""The approvals used on a stack, as tags of the stack in its state backend (a folder backend here, with
the pinned `pulumi`): recorded once, seen by any process sharing the backend, granting only the run holding
the token, and forgotten once expired."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backstop.runbook.approvals.ledger import PREFIX, Ledger
from tests.support import VENV_BIN

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    (tmp_path / "backend").mkdir()
    (tmp_path / "Pulumi.yaml").write_text("name: ledger-test\nruntime: python\n")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")},
        "PULUMI_BACKEND_URL": f"file://{tmp_path / 'backend'}",
        "PULUMI_CONFIG_PASSPHRASE": "x",
        "PULUMI_HOME": str(tmp_path / "home"),
        "PULUMI_SKIP_UPDATE_CHECK": "true",
    }

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(VENV_BIN / "pulumi"), *args, "--non-interactive"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    run("stack", "init", "prod")
    return Ledger("prod", run)


def test_a_recorded_nonce_and_its_grant(ledger: Ledger) -> None:
    grant = ledger.record("ab" * 16, "restore", NOW + timedelta(hours=2), NOW)
    entry = ledger.entries()["ab" * 16]
    assert (entry.operation, entry.at, entry.until) == ("restore", NOW, NOW + timedelta(hours=12))
    assert ledger.granted(grant, NOW + timedelta(hours=1)) == entry
    assert ledger.granted(grant, NOW + timedelta(hours=13)) is None, "a grant lasts one run's time"
    assert ledger.granted(grant.split(":")[0] + ":" + "0" * 32, NOW) is None, "only the token's holder"
    assert ledger.granted(None, NOW) is None and ledger.granted("nonsense", NOW) is None
    assert grant.split(":")[1] not in str(ledger.tags()), "the token itself is never stored"


def test_expired_entries_are_forgotten_when_the_next_is_recorded(ledger: Ledger) -> None:
    ledger.record("cd" * 16, "up", NOW, NOW)
    ledger.run("stack", "tag", "set", PREFIX + "not-ours", "{", "--stack", "prod")
    later = NOW + timedelta(hours=13)
    ledger.record("ef" * 16, "restore", later + timedelta(hours=1), later)
    assert sorted(ledger.entries()) == ["ef" * 16], "the expired one is gone; an unreadable tag is ignored"
