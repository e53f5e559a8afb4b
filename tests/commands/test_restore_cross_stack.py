"""A prod backup restored into staging through a mapping file: staging keeps its identity, prod is untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from backstop.plugin.model import load_document
from tests.commands.test_restore import backup, endpoints, write_doc
from tests.support import ROOT, Engine, SandboxProcess

pytestmark = pytest.mark.e2e


def test_a_prod_backup_restores_into_staging_through_the_mapping(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    for stack in ("prod", "staging"):
        write_doc(tmp_path / f"{stack}.yaml", stack=stack)
        engine.init_stack(stack)
    engine.extra_env["BACKSTOP_SNAPSHOTS_DIR"] = str(tmp_path)
    for stack in ("prod", "staging"):
        engine.pulumi("up", "--yes", "--skip-preview", "--stack", stack)
    prod_backup = backup(engine, stack="prod")
    prod_before = sandbox.dump()["stripe"]["acct_derrimut_prod"]
    staging_before = endpoints(sandbox)

    refused = engine.backstop(
        "restore", "--stack", "staging", "--from-stack", "prod", "--backup", prod_backup, ok=(2,)
    )
    assert "needs --mapping FILE" in refused.output
    reverse = tmp_path / "reverse.yaml"
    reverse.write_text("source: staging\ntarget: prod\n")
    wrong = engine.backstop(
        "restore",
        "--stack",
        "staging",
        "--from-stack",
        "prod",
        "--backup",
        prod_backup,
        "--mapping",
        str(reverse),
        ok=(2,),
    )
    assert "maps staging to prod, not prod to staging" in wrong.output
    assert endpoints(sandbox) == staging_before

    done = engine.backstop(
        "restore",
        "--stack",
        "staging",
        "--from-stack",
        "prod",
        "--backup",
        prod_backup,
        "--mapping",
        str(ROOT / "mappings" / "prod-to-staging.yaml"),
        "--json",
    )
    report = json.loads(done.stdout)["report"]
    assert report["verified"] is True
    assert (report["source_stack"], report["state_imported"]) == ("prod", False)

    prod_doc = load_document(tmp_path / "prod.yaml")
    assert prod_doc.stripe is not None
    live = endpoints(sandbox)
    for endpoint in prod_doc.stripe.webhook_endpoints:
        url = endpoint.url.replace(
            "https://www.derrimut247.com.au", "https://staging.derrimut247.com.au"
        ).replace("spotted-gerbil-236", "quiet-otter-512")
        assert sorted(live[url]["enabled_events"]) == sorted(endpoint.enabled_events)
        assert live[url]["description"] == f"{endpoint.description} (staging)"
    assert len(live) == len(staging_before)  # adopted by URL, never duplicated
    assert sandbox.dump()["stripe"]["acct_derrimut_prod"] == prod_before

    restored = YAML(typ="safe").load((tmp_path / "staging.yaml").read_text())
    assert restored["stack"] == "staging" and restored["scope"]["stripe"]["mode"] == "test"
