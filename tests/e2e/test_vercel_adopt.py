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

    untouched = "STRIPE_WEBHOOK_SECRET"
    assert (
        f"{untouched} (production) follows stripe.webhook_endpoints.app-payments.secret"
        in engine.all_output()
    )
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "prod")
