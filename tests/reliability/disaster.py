"""The set-up and the verdict the reliability trials share: a backed-up stack that loses everything,
and a restore that must end exact, without a duplicate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from backstop.plugin.model import load_document
from backstop.runbook.drill.verify import stripe_differences
from tests.support import ROOT, Engine, SandboxProcess

ACCOUNT = "acct_derrimut_staging"


def backed_up_then_lost(engine: Engine, sandbox: SandboxProcess, tmp_path: Path) -> tuple[Path, str]:
    """Applies a copy of the staging document, backs it up, then empties the staging account (scenario A).

    Returns the document and the backup id.
    """
    document = tmp_path / "staging.yaml"
    shutil.copyfile(ROOT / "snapshots" / "staging.yaml", document)
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(document)
    engine.init_stack("staging")
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", "staging")
    taken = json.loads(engine.backstop("backup", "--stack", "staging", "--label", "before", "--json").stdout)
    state = sandbox.dump()
    for name in list(state["stripe"][ACCOUNT]):
        if not name.startswith("_"):
            state["stripe"][ACCOUNT][name] = {}
    sandbox.load(state)
    backup_id: str = taken["backup"]["id"]
    return document, backup_id


def assert_exact_without_duplicates(sandbox: SandboxProcess, document: Path) -> None:
    account = sandbox.dump()["stripe"][ACCOUNT]
    assert stripe_differences(load_document(document), account) == []
    urls = [e["url"] for e in account["webhook_endpoints"].values()]
    assert len(urls) == len(set(urls)), "no duplicate webhook endpoints"
    keys = [p["lookup_key"] for p in account["prices"].values() if p["lookup_key"]]
    assert len(keys) == len(set(keys)) and len(account["prices"]) == len(keys), "no duplicate prices"
