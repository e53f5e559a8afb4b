"""A checkpoint a killed run left unreadable: `backstop` puts back the last whole one and converges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands.test_restore import endpoints, write_doc
from tests.support import Engine, SandboxProcess

pytestmark = pytest.mark.e2e


def test_an_unreadable_checkpoint_is_put_back_and_the_update_converges(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    doc = write_doc(tmp_path / "staging.yaml")
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(doc)
    engine.init_stack("staging")
    engine.pulumi("up", "--yes", "--stack", "staging")
    engine.pulumi(
        "up", "--yes", "--refresh", "--stack", "staging"
    )  # the engine keeps the previous one as .bak
    checkpoint = engine.backend / ".pulumi" / "stacks" / "platform-config" / "staging.json"
    checkpoint.write_text(checkpoint.read_text()[:100])  # cut short, as a kill mid-write leaves it
    broken = engine.pulumi("stack", "export", "--stack", "staging", ok=(1,))
    assert "failed to load checkpoint" in broken.output
    live = endpoints(sandbox)

    done = json.loads(engine.backstop("up", "--stack", "staging", "--json").stdout)
    assert any("unreadable" in line and "staging.json.bak" in line for line in done["stale_lock_cleared"])
    assert engine.export("staging")["deployment"]["resources"]
    assert endpoints(sandbox).keys() == live.keys(), "no duplicate, nothing deleted"
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "staging")
