"""What a rehearsal takes from its backups' documents and configs (backstop/runbook/rehearsal/plan.py)."""

from __future__ import annotations

from backstop.plugin.model import load_document
from backstop.runbook.rehearsal.plan import referenced_stacks, registration, rewritten_config
from tests.support import ROOT


def test_the_stacks_a_document_reads_outputs_of() -> None:
    prod, staging = (load_document(ROOT / "snapshots" / f"{s}.yaml") for s in ("prod", "staging"))
    assert referenced_stacks(prod.model_dump(mode="json")) == {"staging"}
    assert referenced_stacks(staging.model_dump(mode="json")) == set()
    assert referenced_stacks([{"a": {"stack_output": {"stack": "x", "output": "o"}}}]) == {"x"}


def test_accounts_keep_the_teams_ids_and_hosts_are_placed() -> None:
    made = registration({s: load_document(ROOT / "snapshots" / f"{s}.yaml") for s in ("staging", "prod")})
    accounts = made.accounts
    assert accounts[("clerk", "ins_derrimut_prod")]["livemode"] is True
    assert accounts[("clerk", "ins_derrimut_staging")]["livemode"] is False
    assert accounts[("stripe", "acct_rehearsal_prod")]["livemode"] is True
    # One Vapi org shared by both stacks, under its UUID; one Vercel team with the project prod declares.
    vapi = [a for (vendor, _), a in accounts.items() if vendor == "vapi"]
    assert [a["external_id"] for a in vapi] == ["562cb561-7989-5bc7-8e8c-6eb62c59f7ff"]
    assert accounts[("vercel", "team_derrimut")]["projects"] == {
        "prj_DerrimutPlatformSandbox00001": "platform"
    }
    assert made.uses["staging"] == {
        "stripe": "acct_rehearsal_staging",
        "clerk": "ins_derrimut_staging",
        "vapi": "org_562cb561-7989-5bc7-8e8c-6eb62c59f7ff",
        "convex": "quiet-otter-512",
    }
    assert made.hosts["spotted-gerbil-236.convex.site"] == {
        "runtime": "convex",
        "deployment": "spotted-gerbil-236",
    }
    assert made.hosts["www.derrimut247.com.au"]["target"] == "production"
    assert made.hosts["staging.derrimut247.com.au"]["target"] == "preview"


def test_a_host_is_not_placed_without_exactly_one_vercel_project() -> None:
    staging = load_document(ROOT / "snapshots" / "staging.yaml")
    made = registration({"staging": staging})
    assert "staging.derrimut247.com.au" not in made.hosts
    assert "quiet-otter-512.convex.site" in made.hosts


def test_config_is_rewritten_without_decrypting_anything() -> None:
    raw = {
        "backstop:stripeApiKey": {"secure": "v1:team-ciphertext"},
        "backstop:stripeBaseUrl": "https://api.stripe.com",
        "platform-config:convexDeployment": "spotted-gerbil-236",
        "platform-config:dbBackupKey": {"secure": "v1:age"},
        "platform-config:desiredState": "elsewhere/prod.yaml",
        "platform-config:gemini-api-key": {"secure": "v1:gemini"},
        "platform-config:region": "au",
        "platform-config:strict": True,
    }
    config = rewritten_config(raw, {"stripe": "sk_live_minted", "vapi": "vapi-minted"}, "team_x")
    assert config.plain == {
        "platform-config:region": "au",
        "platform-config:strict": "true",
        "vercel:team": "team_x",
    }
    assert config.secret["backstop:stripeApiKey"] == "sk_live_minted"
    assert config.secret["backstop:vapiApiKey"] == "vapi-minted", "a key the team keeps in the environment"
    assert config.secret["platform-config:gemini-api-key"].startswith("rehearsal-")
    assert "v1:" not in str(config)
    assert set(config.secret) == {
        "backstop:stripeApiKey",
        "backstop:vapiApiKey",
        "platform-config:gemini-api-key",
    }
