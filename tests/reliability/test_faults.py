"""A restore survives 429 storms, 5xx, slow responses and dropped connections, and still ends exact."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.disaster import assert_exact_without_duplicates, backed_up_then_lost
from tests.rewind import Rewind, module_engine
from tests.support import SandboxProcess

pytestmark = pytest.mark.e2e

FAULTS: dict[str, list[dict[str, Any]]] = {
    "429 storm": [
        {"vendor": "stripe", "kind": "status", "status": 429, "headers": {"Retry-After": "1"}, "times": 6},
    ],
    "5xx": [
        {"vendor": "stripe", "method": "POST", "kind": "status", "status": 503, "times": 4},
        {"vendor": "stripe", "method": "GET", "kind": "status", "status": 500, "times": 3, "skip": 2},
    ],
    "slow responses": [{"vendor": "stripe", "kind": "latency", "latency_ms": 400}],
    "dropped connections": [
        {
            "vendor": "stripe",
            "method": "POST",
            "route": "/v1/prices",
            "kind": "drop",
            "drop": "after",
            "times": 2,
        },
        {
            "vendor": "stripe",
            "method": "POST",
            "route": "/v1/webhook_endpoints",
            "kind": "drop",
            "drop": "after",
            "times": 1,
        },
        {"vendor": "stripe", "method": "POST", "kind": "drop", "drop": "before", "times": 2, "skip": 3},
    ],
}


@pytest.fixture(scope="module")
def lost(
    sandbox_server: SandboxProcess, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Rewind, Path, str]:
    """Staging applied, backed up, then its account emptied: once for the module."""
    engine = module_engine(tmp_path_factory.mktemp("faults"), sandbox_server)
    work = engine.home / "documents"
    work.mkdir()
    document, backup_id = backed_up_then_lost(engine, sandbox_server, work)
    rewind = Rewind(engine, sandbox_server)
    rewind.save()
    return rewind, document, backup_id


@pytest.mark.parametrize("kind", list(FAULTS))
def test_restore_converges_through_faults(
    lost: tuple[Rewind, Path, str], sandbox_server: SandboxProcess, kind: str
) -> None:
    rewind, document, backup_id = lost
    engine, sandbox = rewind.engine(), sandbox_server
    for fault in FAULTS[kind]:
        sandbox.http.post("/_sandbox/faults", json=fault).raise_for_status()

    done = json.loads(
        engine.backstop("restore", "--stack", "staging", "--backup", backup_id, "--json").stdout
    )
    assert done["report"]["verified"] is True
    fired = sum(f["fired"] for f in sandbox.http.get("/_sandbox/faults").json())
    sandbox.http.delete("/_sandbox/faults")
    assert fired > 0, "the faults were exercised"
    assert_exact_without_duplicates(sandbox, document)
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "staging")
