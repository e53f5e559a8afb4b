"""Adopting the derrimut project's variables: imported, not duplicated, values as declared, then clean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.vercel_support import seeded_stacks, variables
from tests.support import Engine, SandboxProcess

pytestmark = pytest.mark.e2e


def test_backstop_up_adopts_existing_variables_without_duplicates(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    seeded_stacks(engine, sandbox, tmp_path)
    before = {(e["key"], tuple(sorted(e["target"]))): (e["id"], e["value"]) for e in variables(sandbox)}

    plain = engine.pulumi("up", "--yes", "--stack", "prod", ok=(1,))
    assert "ENV_CONFLICT" in plain.output  # plain `pulumi up` stops; nothing was duplicated
    assert len(variables(sandbox)) == len(before)

    done = json.loads(engine.backstop("up", "--stack", "prod", "--json").stdout)
    assert len(done["adopted"]) == 22, done
    after = {(e["key"], tuple(sorted(e["target"]))): (e["id"], e["value"]) for e in variables(sandbox)}
    assert after == before, "every variable kept its id and value"

    # The adopted endpoint's secret is unknown, so the variable that follows it is left as it is, and every
    # run says so (the plain `up` above may stop at its conflict before that endpoint resolves).
    clean = engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "prod")
    assert "STRIPE_WEBHOOK_SECRET (production) follows stripe.webhook_endpoints.app-payments.secret" in (
        clean.output
    )


def test_a_create_that_conflicts_is_imported_and_the_update_runs_again(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    """As after a run killed between Vercel's create and the engine's checkpoint: live, not in the state."""
    from tests.reliability.test_kill_vercel import lose_everything, small_prod_document

    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    folder = tmp_path / "snapshots"
    folder.mkdir()
    small_prod_document(folder)
    engine.extra_env["BACKSTOP_SNAPSHOTS_DIR"] = str(folder)
    lose_everything(sandbox)
    engine.init_stack("prod")
    engine.backstop("up", "--stack", "prod")
    follower = (
        "urn:pulumi:prod::platform-config::backstop:components:VercelEnv$"
        "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable::vercel-env-stripe-webhook-secret-production"
    )
    engine.pulumi("state", "delete", follower, "--yes", "--stack", "prod")
    count = len(variables(sandbox))

    done = json.loads(engine.backstop("up", "--stack", "prod", "--json").stdout)
    assert done["adopted"] == ["stripe-webhook-secret-production"] and done["conflict_retries"] == 1
    assert len(variables(sandbox)) == count
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "prod")
