"""A checkpoint a killed run left unreadable: `backstop` puts back the last whole one and converges."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest

from tests.commands.test_restore import endpoints, write_doc
from tests.support import Engine, SandboxProcess

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("emptied", ["staging.json", "staging.json.attrs"])
def test_an_unreadable_checkpoint_is_put_back_and_the_update_converges(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path, emptied: str
) -> None:
    doc = write_doc(tmp_path / "staging.yaml")
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(doc)
    engine.init_stack("staging")
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", "staging")
    engine.pulumi(
        "up", "--yes", "--refresh", "--stack", "staging"
    )  # the engine keeps the previous one as .bak
    # Empty, as a kill during the checkpoint write left it on CI: the checkpoint, or only its attributes.
    (engine.backend / ".pulumi" / "stacks" / "platform-config" / emptied).write_text("")
    # ... together with the dead run's lock (`pulumi cancel` can't load the checkpoint to clear it)
    lock = engine.backend / ".pulumi" / "locks" / "organization" / "platform-config" / "staging" / "dead.json"
    lock.parent.mkdir(parents=True, exist_ok=True)
    dead = subprocess.Popen(["true"])
    dead.wait()
    lock.write_text(
        json.dumps({"pid": dead.pid, "hostname": socket.gethostname(), "timestamp": "2026-11-27T03:00:00Z"})
    )
    broken = engine.pulumi("stack", "export", "--stack", "staging", ok=(1,))
    assert "failed to load checkpoint" in broken.output
    live = endpoints(sandbox)

    done = json.loads(engine.backstop("up", "--stack", "staging", "--json").stdout)
    cleared = done["stale_lock_cleared"]
    assert any("unreadable" in line and "staging.json.bak" in line for line in cleared)
    assert f"pid {dead.pid} of 2026-11-27T03:00:00Z" in cleared and not lock.exists()
    assert engine.export("staging")["deployment"]["resources"]
    assert endpoints(sandbox).keys() == live.keys(), "no duplicate, nothing deleted"
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "staging")
