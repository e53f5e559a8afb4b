"""`backstop capture` of the derrimut fixture, then adoption: nothing changes live, nothing left to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backstop.model import load_document
from tests.support import Engine, SandboxProcess

pytestmark = pytest.mark.e2e


def test_capture_then_adopt_then_a_clean_refresh_preview(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    document = tmp_path / "staging.yaml"
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(document)
    engine.init_stack("staging")
    before = sandbox.dump()["stripe"]["acct_derrimut_staging"]
    sandbox.http.delete("/_sandbox/requests")

    done = json.loads(engine.backstop("capture", "--stack", "staging", "--adopt", "--json").stdout)
    captured = load_document(document)
    assert captured.stripe is not None and captured.scope.stripe is not None
    assert captured.scope.stripe.mode == "test"
    assert {p.id for p in captured.stripe.products} == {
        "18-month-minimum",
        "12-month-minimum",
        "no-lock-in",
        "12-month-upfront",
    }
    assert all(len(p.prices) == 1 and p.prices[0].default for p in captured.stripe.products)
    assert len(captured.stripe.webhook_endpoints) == 2
    assert len([m for m in done["not_captured"] if "signing secret" in m]) == 2
    assert sandbox.requests()["mutating"] == 0, "adoption changed nothing live"
    assert sandbox.dump()["stripe"]["acct_derrimut_staging"] == before

    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "staging")
