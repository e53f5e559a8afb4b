"""A restore survives 429 storms, 5xx, slow responses and dropped connections, and still ends exact."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from backstop.drill.verify import stripe_differences
from backstop.model import load_document
from tests.support import ROOT, Engine, SandboxProcess

pytestmark = pytest.mark.e2e
ACCOUNT = "acct_derrimut_staging"

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


def lose_everything(sandbox: SandboxProcess) -> None:
    """Scenario A in the sandbox: the staging account emptied."""
    state = sandbox.dump()
    for name in list(state["stripe"][ACCOUNT]):
        if not name.startswith("_"):
            state["stripe"][ACCOUNT][name] = {}
    sandbox.load(state)


@pytest.mark.parametrize("kind", list(FAULTS))
def test_restore_converges_through_faults(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path, kind: str
) -> None:
    document = tmp_path / "staging.yaml"
    shutil.copyfile(ROOT / "snapshots" / "staging.yaml", document)
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(document)
    engine.init_stack("staging")
    engine.pulumi("up", "--yes", "--stack", "staging")
    taken = json.loads(engine.backstop("backup", "--stack", "staging", "--label", "before", "--json").stdout)
    lose_everything(sandbox)
    for fault in FAULTS[kind]:
        sandbox.http.post("/_sandbox/faults", json=fault).raise_for_status()

    done = json.loads(
        engine.backstop("restore", "--stack", "staging", "--backup", taken["backup"]["id"], "--json").stdout
    )
    assert done["report"]["verified"] is True
    fired = sum(f["fired"] for f in sandbox.http.get("/_sandbox/faults").json())
    sandbox.http.delete("/_sandbox/faults")
    assert fired > 0, "the faults were exercised"
    account = sandbox.dump()["stripe"][ACCOUNT]
    assert stripe_differences(load_document(document), account) == []
    urls = [e["url"] for e in account["webhook_endpoints"].values()]
    assert len(urls) == len(set(urls)), "no duplicate webhook endpoints"
    keys = [p["lookup_key"] for p in account["prices"].values() if p["lookup_key"]]
    assert len(keys) == len(set(keys)) and len(account["prices"]) == len(keys), "no duplicate prices"
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "staging")
