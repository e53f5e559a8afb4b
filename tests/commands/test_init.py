"""`backstop init` on the derrimut accounts: refused on a set-up stack without --force; with it, the
stack's files backed up, the credentials stored as secrets, everything adopted with nothing changed live,
the first backup taken, and a clean refresh preview and drift afterwards. Bad input changes nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from backstop.plugin.model import load_document
from sandbox.core.accounts import keys
from tests.commands.test_restore_counts import counted
from tests.support import STRIPE_PROD_KEY, STRIPE_STAGING_KEY, Engine, SandboxProcess

pytestmark = pytest.mark.e2e
CLERK_STAGING_KEY = "sk_test_sandbox_clerk_derrimut_staging"
VAPI_ORG = "562cb561-7989-5bc7-8e8c-6eb62c59f7ff"
VAPI_FLAGS = ("--vapi-prefix", "staging-", "--vendors", "stripe,clerk,vapi,convex")
"""No --vapi-org: init reads the org off the key's objects."""


def credentials() -> dict[str, str]:
    return {
        "BACKSTOP_STRIPE_API_KEY": STRIPE_STAGING_KEY,
        "BACKSTOP_CLERK_SECRET_KEY": CLERK_STAGING_KEY,
        "BACKSTOP_VAPI_API_KEY": keys("vapi")["org_derrimut"],
        "BACKSTOP_CONVEX_ADMIN_KEY": keys("convex")["quiet-otter-512"],
    }


def configuration(sandbox: SandboxProcess) -> dict[str, Any]:
    """Staging's live configuration, Svix endpoint uids left out (adopting gives a uid-less one its key)."""
    dump = sandbox.dump()
    sessions = ("api_tokens", "one_time_tokens")  # App Portal sessions reading Svix: not configuration
    svix = {
        k: v for k, v in dump.get("svix", {}).get("ins_derrimut_staging", {}).items() if k not in sessions
    }
    for endpoint in svix.get("endpoints", {}).values():
        endpoint.pop("uid", None)
        endpoint.pop("updatedAt", None)
    return {
        "stripe": dump["stripe"]["acct_derrimut_staging"],
        "clerk": dump["clerk"]["ins_derrimut_staging"],
        "svix": svix,
        "vapi": dump["vapi"],
        "convex_env": dump["convex"]["quiet-otter-512"]["_environment_variables"],
    }


def test_init_adopts_the_live_accounts_changing_nothing_then_preview_and_drift_are_clean(
    engine: Engine, sandbox: SandboxProcess
) -> None:
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    engine.extra_env.update(credentials())
    refused = engine.backstop("init", "--stack", "staging", *VAPI_FLAGS, ok=(2,))
    assert "staging is set up already" in refused.stderr and "Pulumi.staging.yaml" in refused.stderr
    assert "--force" in refused.stderr

    before = configuration(sandbox)
    # `counted` runs with the engine's own environment: the same audit log as `engine.backstop`.
    engine.extra_env["BACKSTOP_AUDIT_LOG"] = str(engine.home / "audit-log.jsonl")
    args = ("init", "--stack", "staging", *VAPI_FLAGS, "--force", "--non-interactive")
    ran, counts = counted(engine, *args, "--secrets-provider", "passphrase", "--json")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    done = json.loads(ran.stdout)
    command_lines = " ".join(" ".join(argv) for argv in counts["calls"])
    assert "config" in command_lines and not [k for k in credentials().values() if k in command_lines], (
        "a credential was on a command line (visible to every user of the machine)"
    )
    assert done["vendors"] == ["stripe", "clerk", "vapi"] and done["backup"].startswith("staging-")
    assert configuration(sandbox) == before, "init changed something live"
    document = load_document(engine.project / "snapshots" / "staging.yaml")
    assert f"org_id: {VAPI_ORG}" in (engine.project / "snapshots" / "staging.yaml").read_text()
    assert document.convex is not None and document.scope.convex is not None
    wiring = {v.name: v.value_from for v in document.convex.env}
    assert document.clerk is not None
    (users,) = [e.key for e in document.clerk.webhook_endpoints if e.url.endswith("/clerk-users-webhook")]
    assert wiring["CLERK_WEBHOOK_SECRET"] and wiring["CLERK_WEBHOOK_SECRET"].output == (
        f"clerk.webhook_endpoints.{users}.secret"
    ), "a Convex variable following an endpoint keeps its wiring (to the captured endpoint's key)"
    assert wiring["GEMINI_API_KEY"] and wiring["GEMINI_API_KEY"].secret == "convex-gemini-api-key"
    assert any("signing secret" in item for item in done["not_captured"])
    set_aside = Path(done["replaced"])
    assert (set_aside / "Pulumi.staging.yaml").exists() and (set_aside / "staging.yaml").exists()

    config = (engine.project / "Pulumi.staging.yaml").read_text()
    for secret in credentials().values():
        assert secret not in config and secret not in engine.all_output()
        assert not engine.files_containing(secret), "a credential reached a file in plaintext"
    assert "secure:" in config and "backstop:clerkSecretKey" in config
    assert (
        done["database"] == "quiet-otter-512"
        and "platform-config:convexDeployment: quiet-otter-512" in config
    )
    assert "backstop:convexAdminKey:" in config and "platform-config:dbBackupKey:" in config
    assert "AGE-SECRET-KEY" not in config and not engine.files_containing("AGE-SECRET-KEY-1")

    for key in credentials():  # the stack's own config holds the keys now
        engine.extra_env.pop(key)
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "staging")
    assert engine.backstop("drift", "--stack", "staging").code == 0

    engine.extra_env.update(credentials())
    rerun = engine.backstop("init", "--stack", "staging", *VAPI_FLAGS, "--force", columns=100).stdout
    assert "stripe, clerk, vapi under management, nothing changed live" in rerun
    assert "next steps:" in rerun and "backstop doctor --stack staging" in rerun
    assert configuration(sandbox) == before, "a second init changed something live"
    listed = json.loads(engine.backstop("backups", "--stack", "staging", "--json").stdout)["backups"]
    assert [b["label"] for b in listed if b["kind"] == "configuration"][:3] == [
        "Initial backup",
        "Pre-init backup",
        "Initial backup",
    ], "the re-run backed up what it replaced first"

    # The audit log: each run's backups, then its init record (what the adopting update did, the first
    # backup); staging needs no approval, so it verifies.
    records = [json.loads(line) for line in (engine.home / "audit-log.jsonl").read_text().splitlines()]
    assert [r["operation"] for r in records] == ["backup", "init", "backup", "backup", "init"]
    first = records[1]
    assert (first["stack"], first["result"], first["backup"]) == ("staging", "ok", done["backup"])
    assert first["vendors"] == ["stripe", "clerk", "vapi"] and first["approval"] is None
    assert first["changes"].get("create", 0) > 0, first["changes"]
    assert records[0]["backup"] == done["backup"] and records[2]["backup"] == listed[1]["id"]
    assert json.loads(engine.backstop("audit", "verify", "--json").stdout)["ok"] is True


def test_init_of_prod_with_all_four_vendors_asks_for_what_it_cant_read_changing_nothing_live(
    engine: Engine, sandbox: SandboxProcess
) -> None:
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    engine.extra_env.update(
        BACKSTOP_STRIPE_API_KEY=STRIPE_PROD_KEY,
        BACKSTOP_CLERK_SECRET_KEY="sk_live_sandbox_clerk_derrimut_prod",
        BACKSTOP_VAPI_API_KEY=keys("vapi")["org_derrimut"],
        VERCEL_API_TOKEN=keys("vercel")["team_derrimut"],
        VERCEL_TEAM="team_derrimut",
    )
    (engine.project / "Pulumi.prod.yaml").unlink()  # a team's first day: no stack config yet
    (engine.project / "snapshots" / "prod.yaml").unlink()
    dump = sandbox.dump()
    before = {vendor: dump[vendor] for vendor in ("stripe", "clerk", "vapi", "vercel")}
    flags: tuple[str, ...] = ("--vapi-org", VAPI_ORG, "--vapi-exclude-prefix", "staging-")
    flags += ("--vercel-project", "prj_DerrimutPlatformSandbox00001")

    stopped = engine.backstop("init", "--stack", "prod", *flags, ok=(2,)).stderr
    asked = re.findall(
        r"pulumi config set --secret (platform-config:vercel-\S+) <value> --stack prod", stopped
    )
    assert asked and "nothing was changed live" in " ".join(stopped.split())
    dump = sandbox.dump()
    assert {vendor: dump[vendor] for vendor in ("stripe", "clerk", "vapi", "vercel")} == before
    config = (engine.project / "Pulumi.prod.yaml").read_text()
    assert "vercel:team: team_derrimut" in config and keys("vercel")["team_derrimut"] not in config
    # The variable holding prod's squad's id is captured as following the captured squad.
    written = load_document(engine.project / "snapshots" / "prod.yaml")
    assert written.vercel is not None and written.vapi is not None
    (squad_var,) = [v for _, v in written.vercel.variables() if v.name == "NEXT_PUBLIC_VAPI_SQUAD_ID"]
    (squad,) = [s for s in written.vapi.squads if s.name == "Derrimut voice agent"]
    assert squad_var.value_from is not None and squad_var.value_from.output == f"vapi.squads.{squad.key}.id"
    assert "backstop:stripeApiKey" in config and STRIPE_PROD_KEY not in config

    # With approvals.yaml protecting prod, the adopting update needs an approval of the captured document:
    # refused before it runs, nothing changed live, and the refusal is in the audit log.
    engine.protect_prod()
    mutating = sandbox.requests()["mutating"]
    refused = engine.backstop("init", "--stack", "prod", "--vendors", "stripe", "--force", ok=(2,)).stderr
    said = " ".join(refused.split())
    assert "refused (missing)" in said and "backstop approve --stack prod --document" in said, said
    assert sandbox.requests()["mutating"] == mutating
    log = (engine.home / "audit-log.jsonl").read_text().splitlines()
    record = json.loads(log[-1])
    assert (record["operation"], record["stack"], record["result"]) == ("init", "prod", "refused")
    assert record["refusal"] == {"reason": "missing"} and record["approval"] is None
    assert json.loads(engine.backstop("audit", "verify", "--json").stdout)["ok"] is True


def test_bad_input_stops_before_anything_is_written(engine: Engine, sandbox: SandboxProcess) -> None:
    engine.extra_env.update(credentials(), BACKSTOP_CLERK_SECRET_KEY="pk_test_Y2xlcmsuZXhhbXBsZQ")
    wrong = engine.backstop("init", "--stack", "team", "--vendors", "stripe,clerk", ok=(2,))
    assert "BACKSTOP_CLERK_SECRET_KEY: a publishable key" in wrong.stderr
    assert "pk_test_Y2xlcmsuZXhhbXBsZQ" not in wrong.output
    unknown = engine.backstop("init", "--stack", "team", "--vendors", "stripe,paypal", ok=(2,))
    assert "--vendors: unknown paypal" in unknown.stderr
    bad_name = engine.backstop("init", "--stack", "team/x", ok=(2,))
    assert "--stack: 'team/x' is not a stack name" in bad_name.stderr
    for key in credentials():
        engine.extra_env.pop(key)
    nothing = engine.backstop("init", "--stack", "team", ok=(2,))
    assert (
        "no vendor to bring in" in nothing.stderr and "BACKSTOP_STRIPE_API_KEY is not set" in nothing.stderr
    )
    assert not (engine.project / "Pulumi.team.yaml").exists()
    assert not (engine.project / "snapshots" / "team.yaml").exists()
    assert sandbox.requests()["total"] == 0

    engine.extra_env.update(credentials(), BACKSTOP_VAPI_API_KEY="5a4db0c5-0000-4000-8000-00000000beef")
    other = engine.backstop(
        "init",
        "--stack",
        "team",
        "--vendors",
        "stripe,convex",
        "--convex-deployment",
        "spotted-gerbil-236",
        ok=(2,),
    ).stderr
    assert "a key of deployment quiet-otter-512, but --convex-deployment is spotted-gerbil-236" in other
    refused = engine.backstop("init", "--stack", "team", "--vendors", "vapi", ok=(2,)).stderr
    assert "BACKSTOP_VAPI_API_KEY: Vapi refused it" in refused and "check the key" in refused
    assert not (engine.project / "Pulumi.team.yaml").exists()

    engine.extra_env.update(BACKSTOP_STRIPE_API_KEY="sk_test_sandbox_not_a_real_key")
    bad_key = engine.backstop("init", "--stack", "team", "--vendors", "stripe", ok=(2,)).stderr
    assert "BACKSTOP_STRIPE_API_KEY: Stripe refused it" in bad_key and "nothing was written" in bad_key
    engine.extra_env.update(credentials(), VERCEL_API_TOKEN=keys("vercel")["team_derrimut"])
    unseen = engine.backstop(
        "init",
        "--stack",
        "team",
        "--vendors",
        "vercel",
        "--vercel-team",
        "team_derrimut",
        "--vercel-project",
        "prj_NotInThisTeam0000000000001",
        ok=(2,),
    ).stderr
    assert "--vercel-project prj_NotInThisTeam0000000000001: not visible in team team_derrimut" in unseen
    assert not (engine.project / "Pulumi.team.yaml").exists()
    assert not (engine.project / "snapshots" / "team.yaml").exists()
