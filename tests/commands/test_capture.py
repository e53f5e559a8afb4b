"""`backstop capture` of the derrimut fixture, then adoption: nothing changes live, nothing left to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from backstop.plugin.model import load_document
from sandbox.core.requestlog import READS_BY_POST
from tests.support import ROOT, SESSION_ROUTES, Engine, SandboxProcess

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
    assert not [r for r in sandbox.requests()["by_route"] if r.startswith(("stripe POST", "stripe DELETE"))]
    assert sandbox.dump()["stripe"]["acct_derrimut_staging"] == before, "adoption changed nothing in Stripe"

    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "staging")


ENDPOINT_PATCH = "svix PATCH /api/v1/app/{app_id}/endpoint/{endpoint_id}"


def test_capture_of_clerk_and_vapi_inside_the_scope_then_adopt_changes_no_configuration(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    """From a copy of snapshots/staging.yaml with some objects left out: kept objects keep their keys, the
    others come back with new ones, the write-only settings stay as declared, and adopting writes nothing
    but the uid Svix endpoints need (the fixture's endpoint has none)."""
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    yaml = YAML()
    start = yaml.load((ROOT / "snapshots" / "staging.yaml").read_text())
    del start["clerk"]["jwt_templates"], start["clerk"]["allowlist_identifiers"]
    del start["clerk"]["organization_settings"], start["vapi"]["squads"]
    document = tmp_path / "staging.yaml"
    with document.open("w") as fh:
        yaml.dump(start, fh)
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(document)
    engine.init_stack("staging")
    before = sandbox.dump()
    sandbox.http.delete("/_sandbox/requests")

    done = json.loads(engine.backstop("capture", "--stack", "staging", "--adopt", "--json").stdout)

    requests = sandbox.requests()
    writes = {
        route: n
        for route, n in requests["by_route"].items()
        if route.split(" ")[1] in ("POST", "PATCH", "PUT", "DELETE")
        and route not in SESSION_ROUTES
        and route.split(" ")[2] not in READS_BY_POST
    }
    assert writes == {ENDPOINT_PATCH: 1}, f"adoption changes no configuration: {writes}"
    after = sandbox.dump()
    for vendor in ("clerk", "vapi", "stripe"):
        assert after[vendor] == before[vendor], f"{vendor} unchanged"
    (endpoint_id,) = after["svix"]["ins_derrimut_staging"]["endpoints"]
    endpoint = after["svix"]["ins_derrimut_staging"]["endpoints"][endpoint_id]
    was = before["svix"]["ins_derrimut_staging"]["endpoints"][endpoint_id]
    assert was["uid"] is None and endpoint["uid"] == "convex-users"
    assert {k: v for k, v in endpoint.items() if k not in ("uid", "updatedAt")} == {
        k: v for k, v in was.items() if k not in ("uid", "updatedAt")
    }

    captured = load_document(document)
    expected = load_document(ROOT / "snapshots" / "staging.yaml")
    assert captured.scope.clerk == expected.scope.clerk and captured.scope.vapi == expected.scope.vapi
    assert captured.clerk is not None and expected.clerk is not None
    assert captured.clerk.redirect_urls == expected.clerk.redirect_urls, "kept keys"
    assert captured.clerk.webhook_endpoints == expected.clerk.webhook_endpoints
    assert captured.clerk.instance_settings == expected.clerk.instance_settings
    assert captured.clerk.instance_restrictions == expected.clerk.instance_restrictions
    assert captured.clerk.oauth_providers == expected.clerk.oauth_providers, "the enabled social connections"
    (primary,) = [d for d in after["clerk"]["ins_derrimut_staging"]["domains"].values()]
    assert [d.model_dump() for d in captured.clerk.domains or []] == [
        {"key": "primary", "name": primary["name"], "primary": True, "proxy_url": None}
    ], "the primary domain, asserted as it is"
    assert captured.clerk.organization_settings is not None and expected.clerk.organization_settings
    organization = captured.clerk.organization_settings.model_dump()
    for name, value in expected.clerk.organization_settings.model_dump(exclude_none=True).items():
        assert (
            sorted(organization[name]) == sorted(value)
            if isinstance(value, list)
            else (organization[name] == value)
        ), name
    assert [t.model_dump(exclude={"key"}) for t in captured.clerk.jwt_templates] == [
        t.model_dump(exclude={"key"}) for t in expected.clerk.jwt_templates
    ]
    assert sorted(i.identifier for i in captured.clerk.allowlist_identifiers) == sorted(
        i.identifier for i in expected.clerk.allowlist_identifiers
    )
    assert captured.vapi is not None and expected.vapi is not None
    # The fixture's staging membership-help assistant still uses prod's tool (outside staging's scope),
    # so it can't be declared, nor the squad that hands off to it: both are listed, not half-declared.
    assert captured.vapi.tools == [] and captured.vapi.squads == []
    assert captured.vapi.assistants == [a for a in expected.vapi.assistants if a.key == "receptionist"]
    assert any(
        "staging-Derrimut Membership Help" in m and "(get_membership_status)" in m
        for m in done["not_captured"]
    )
    assert any(m.startswith("vapi squad staging-Derrimut voice agent") for m in done["not_captured"])
    assert any("instance_settings: write-only" in m for m in done["not_captured"])
    assert any("no Svix uid" in m for m in done["not_captured"])

    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "staging")


def test_capture_without_a_vapi_scope_leaves_vapi_out_and_says_how_to_declare_it(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    yaml = YAML()
    start = yaml.load((ROOT / "snapshots" / "staging.yaml").read_text())
    del start["vapi"], start["scope"]["vapi"], start["scope"]["clerk"], start["clerk"]
    document = tmp_path / "staging.yaml"
    with document.open("w") as fh:
        yaml.dump(start, fh)
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(document)
    engine.init_stack("staging")
    sandbox.http.delete("/_sandbox/requests")

    done = json.loads(engine.backstop("capture", "--stack", "staging", "--json").stdout)

    captured = load_document(document)
    assert captured.vapi is None and captured.scope.vapi is None
    assert any("no scope.vapi" in m and "org_id" in m for m in done["not_captured"])
    assert not any(r.startswith("vapi ") for r in sandbox.requests()["by_route"]), "Vapi not called"
    assert captured.scope.clerk is not None and captured.scope.clerk.instance == "ins_derrimut_staging"
    assert captured.clerk is not None and len(captured.clerk.redirect_urls) == 3
    assert captured.clerk.instance_settings is None
    assert any(
        "instance_settings: write-only in Clerk: declare them by hand" in m for m in done["not_captured"]
    )
    assert captured.checks == load_document(ROOT / "snapshots" / "staging.yaml").checks != [], (
        "the smoke checks are kept: they are not live configuration"
    )
    assert sandbox.requests()["mutating"] == sum(
        sandbox.requests()["by_route"].get(r, 0) for r in SESSION_ROUTES
    ), "capture alone writes nothing"
