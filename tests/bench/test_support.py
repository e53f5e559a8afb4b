"""The benchmarks' set-up: generated documents are valid at every size, and scenario A empties what they manage."""

from __future__ import annotations

from pathlib import Path

from backstop.plugin.model import load_document
from backstop.plugin.model.stacks import check_ownership
from bench.support import DERRIMUT, LARGE, PROJECT, TEAM, scenario_a, write_documents
from tests.support import SandboxProcess


def test_the_large_document_declares_the_issue_s_counts_and_validates(tmp_path: Path) -> None:
    counts = write_documents(tmp_path, LARGE)
    prod = load_document(tmp_path / "prod.yaml")
    check_ownership(prod, tmp_path / "prod.yaml")
    assert prod.stripe is not None and prod.clerk is not None and prod.vercel is not None
    products = prod.stripe.products
    assert (len(products), sum(len(p.prices) for p in products)) == (1000, 3000)
    assert len(prod.stripe.webhook_endpoints) == 16
    assert len(prod.clerk.webhook_endpoints) == 34
    assert len(list(prod.vercel.variables())) == 500
    assert counts["prod"] > 4550 and counts["staging"] == write_documents(tmp_path / "d", DERRIMUT)["staging"]


def test_scenario_a_deletes_every_managed_object_in_every_vendor(sandbox: SandboxProcess) -> None:
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    sandbox.load(scenario_a(sandbox.dump()))
    state = sandbox.dump()
    assert all(
        not objects
        for account in state["stripe"].values()
        for name, objects in account.items()
        if name in ("webhook_endpoints", "products", "prices")
    )
    assert all(not instance["endpoints"] for instance in state["svix"].values())
    assert all(not instance["redirect_urls"] for instance in state["clerk"].values())
    assert all(not org["assistants"] and not org["squads"] for org in state["vapi"].values())
    assert state["vercel"][TEAM]["projects"][PROJECT]["env"] == []
    assert all(org["workflows"] for org in state["vapi"].values()), "the read-only workflow stays"
