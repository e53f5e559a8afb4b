"""Canary secrets never appear in plaintext: not in any file of the repo or the state backend, not on
stdout or stderr, not in reports — after up, export, backup, drift, restore, drill, database backup and
restore, and failures."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sandbox.core.accounts import keys
from tests.support import ROOT, STRIPE_STAGING_KEY, Engine, SandboxProcess

pytestmark = pytest.mark.e2e
CLERK_STAGING_KEY = "sk_test_sandbox_clerk_derrimut_staging"


def repository_files(tracked: bool) -> list[Path]:
    flags = ["--cached", "--others"] if tracked else ["--others"]
    listed = subprocess.run(
        ["git", "ls-files", *flags, "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / name for name in listed if (ROOT / name).is_file()]


def test_no_canary_leaks_through_any_workflow(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    document = tmp_path / "staging.yaml"
    shutil.copyfile(ROOT / "snapshots" / "staging.yaml", document)
    engine.extra_env.update(BACKSTOP_DESIRED_STATE=str(document), BACKSTOP_SANDBOX_URL=sandbox.url)
    engine.init_stack("staging")
    engine.pulumi("up", "--yes", "--stack", "staging")
    engine.pulumi("stack", "export", "--stack", "staging")
    taken = json.loads(engine.backstop("backup", "--stack", "staging", "--label", "canary", "--json").stdout)
    engine.backstop("drift", "--stack", "staging")
    sandbox.http.post(
        "/_sandbox/faults", json={"vendor": "stripe", "kind": "status", "status": 500}
    ).raise_for_status()
    engine.backstop("backup", "--stack", "staging", "--label", "fails", ok=(3,))
    engine.backstop("drift", "--stack", "staging", ok=(3,))
    sandbox.http.delete("/_sandbox/faults")
    engine.backstop("restore", "--stack", "staging", "--backup", taken["backup"]["id"])
    engine.backstop("drill", "--stack", "staging", "--scenario", "D")
    db = json.loads(
        engine.backstop("db", "backup", "--stack", "staging", "--label", "canary db", "--json").stdout
    )
    engine.backstop("db", "restore", "--backup", db["backup"]["id"])
    engine.backstop("status", "--stack", "staging")

    # Signing secrets are random per run, so no source file can hold them: they are searched everywhere.
    # The sandbox's API key is committed on purpose (sandbox/core/accounts.py), so it is searched in
    # everything the run wrote: the state backend, PULUMI_HOME, backups, reports, untracked files, output.
    endpoints = sandbox.stripe_objects("acct_derrimut_staging", "webhook_endpoints").values()
    signing_secrets = [e["secret"] for e in endpoints]
    assert signing_secrets, "the run made webhook endpoints, so their secrets are canaries"
    svix = sandbox.dump()["svix"]["ins_derrimut_staging"]["endpoints"].values()
    svix_secrets = [e["secret"] for e in svix]
    assert svix_secrets, "the run made Clerk's Svix endpoint, so its secret is a canary"
    written = [p for p in engine.home.rglob("*") if p.is_file()] + repository_files(tracked=False)
    everywhere = written + repository_files(tracked=True)
    output = engine.all_output()
    for canary, files in [
        (STRIPE_STAGING_KEY, written),
        (CLERK_STAGING_KEY, written),
        (keys("convex")["quiet-otter-512"], written),
        *((secret, everywhere) for secret in [*signing_secrets, *svix_secrets]),
    ]:
        assert canary not in output, "a secret reached stdout or stderr"
        leaked = [str(p) for p in files if canary.encode() in p.read_bytes()]
        assert not leaked, f"a secret is in plaintext in {leaked}"
