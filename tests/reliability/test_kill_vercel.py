"""Twenty restores that include Vercel variables, each with its `pulumi` process killed at the k-th mutating
request, k spread over the whole restore, which runs in two phases (the endpoints with checkpoints, the
variables without), so kills land in both: every re-run of `backstop restore` clears the dead run's lock,
ends exactly at the desired state, with no duplicate and nothing deleted that wasn't asked for.

`make reliability` runs all twenty; `make test` runs a seeded sample of three of them (see
`tests/reliability/trials.py`: the seed is printed in pytest's header, and `BACKSTOP_KILL_SEED` replays it)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.e2e.vercel_support import PROJECT, TEAM, variables
from tests.reliability.test_kill import pulumi_update_pids
from tests.reliability.trials import TOTAL, chosen_trials, header
from tests.support import ROOT, VENV_BIN, Engine, SandboxProcess

pytestmark = [pytest.mark.e2e, pytest.mark.trials]
TRIALS = TOTAL
ACCOUNT = "acct_derrimut_prod"
KEPT_VARIABLES = (
    "convex-url-production",
    "convex-deploy-key-production",
    "clerk-secret-key-development",
    "stripe-webhook-secret-production",
    "vapi-public-key",
    "gemini-api-key",
)


def small_prod_document(folder: Path, convex_secret: bool = False) -> Path:
    """prod's Stripe endpoints and six of its variables, one following an endpoint's secret; with
    `convex_secret`, also the Convex deployment's STRIPE_WEBHOOK_SECRET, which follows the other endpoint."""
    yaml = YAML()
    data = yaml.load((ROOT / "snapshots" / "prod.yaml").read_text())
    for section in ("clerk", "vapi", *(() if convex_secret else ("convex",))):
        data.pop(section, None)
        data["scope"].pop(section, None)
    if convex_secret:
        data["convex"]["env"] = [v for v in data["convex"]["env"] if v["name"] == "STRIPE_WEBHOOK_SECRET"]
    data["stripe"].pop("products")
    project = data["vercel"]["projects"][0]
    project["env"] = [v for v in project["env"] if v["key"] in KEPT_VARIABLES]
    path = folder / "prod.yaml"
    with path.open("w") as fh:
        yaml.dump(data, fh)
    return path


def lose_everything(sandbox: SandboxProcess) -> dict[str, Any]:
    """The prod account's endpoints and the project's variables deleted; returns the state before."""
    state = sandbox.dump()
    before: dict[str, Any] = json.loads(json.dumps(state))
    state["stripe"][ACCOUNT]["webhook_endpoints"] = {}
    state["vercel"][TEAM]["projects"][PROJECT]["env"] = []
    sandbox.load(state)
    return before


def untouched(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What changed outside the restored objects (other accounts and vendors): must be nothing."""
    changed = []
    for vendor, accounts in before.items():
        for account, content in accounts.items():
            if (vendor, account) in (("stripe", ACCOUNT), ("vercel", TEAM)):
                continue
            if after.get(vendor, {}).get(account) != content:
                changed.append(f"{vendor}/{account}")
    return changed


def exact(sandbox: SandboxProcess, engine: Engine) -> list[str]:
    problems = []
    endpoints = list(sandbox.stripe_objects(ACCOUNT, "webhook_endpoints").values())
    urls = sorted(e["url"] for e in endpoints)
    if len(urls) != 2 or len(set(urls)) != 2:
        problems.append(f"endpoints: {urls}")
    slots = [(e["key"], tuple(sorted(e["target"]))) for e in variables(sandbox)]
    if len(slots) != len(KEPT_VARIABLES) or len(set(slots)) != len(slots):
        problems.append(f"variables: {sorted(slots)}")
    app = [e for e in endpoints if e["url"].endswith("/api/webhooks/stripe")]
    follower = [e for e in variables(sandbox) if e["key"] == "STRIPE_WEBHOOK_SECRET"]
    if len(app) != 1 or len(follower) != 1 or follower[0]["value"] != app[0]["secret"]:
        problems.append("STRIPE_WEBHOOK_SECRET does not hold the live endpoint's secret")
    engine.export("prod")  # the stack state stays readable
    return problems


def test_twenty_killed_restores_with_vercel_variables_converge(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    folder = tmp_path / "snapshots"
    folder.mkdir()
    small_prod_document(folder)
    # Every restore here runs in two phases (adopt/phases.py), so the kills land in either: the endpoints
    # first with checkpoints, then the variables with checkpoints skipped.
    engine.extra_env.update(BACKSTOP_SNAPSHOTS_DIR=str(folder), BACKSTOP_TWO_PHASE_MIN_OBJECTS="0")
    lose_everything(sandbox)  # start from empty: the endpoints' secrets are then known
    engine.init_stack("prod")
    # A plain `pulumi up` that skips checkpoints may not create an endpoint: its secret would be lost.
    engine.extra_env["PULUMI_SKIP_CHECKPOINTS"] = "true"
    refused = engine.pulumi("up", "--yes", "--skip-preview", "--stack", "prod", ok=(1,))
    del engine.extra_env["PULUMI_SKIP_CHECKPOINTS"]
    assert (
        "BACKSTOP_NEEDS_CHECKPOINTS" in refused.output
        and "is not created in a run that skips" in refused.output
    )
    assert sandbox.stripe_objects(ACCOUNT, "webhook_endpoints") == {}
    # What that run did create without a record (plain variables) is adopted by the next `up`.
    engine.backstop("up", "--stack", "prod")
    backup_id = json.loads(
        engine.backstop("backup", "--stack", "prod", "--label", "trials", "--json").stdout
    )["backup"]["id"]
    assert exact(sandbox, engine) == []

    env = {"BACKSTOP_BACKUPS_DIR": str(engine.home / "backups"), **engine.env()}
    command = [str(VENV_BIN / "backstop"), "restore", "--stack", "prod", "--backup", backup_id]
    command += ["--approved-by", "Eli Lead", "--json"]
    mutations = 2 + len(KEPT_VARIABLES)  # what a restore from nothing writes
    outcomes = []
    chosen = chosen_trials(TRIALS)
    for trial in chosen:
        kill_at = 1 + trial * mutations // TRIALS
        before = lose_everything(sandbox)
        sandbox.http.post("/_sandbox/faults", json={"kind": "latency", "latency_ms": 200}).raise_for_status()
        sandbox.http.delete("/_sandbox/requests")
        running = subprocess.Popen(
            command, cwd=engine.project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 180
        killed: list[int] = []
        while not killed and running.poll() is None and time.monotonic() < deadline:
            if sandbox.writes() >= kill_at:  # the update's writes (the preflight's probes write nothing)
                killed = pulumi_update_pids(engine.project)
                for pid in killed:
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)
        running.wait(timeout=120)
        sandbox.http.delete("/_sandbox/faults")
        again = engine.backstop(*command[1:], ok=(0, 1))
        assert again.stdout.strip(), f"trial {trial} (kill at {kill_at}): {again.output[-3000:]}"
        report = json.loads(again.stdout)["report"]
        assert report["phases"][0].startswith("phase 1: "), report["phases"]
        assert report["phases"][-1] == "phase 2: everything else, checkpoints skipped"
        problems = exact(sandbox, engine) + untouched(before, sandbox.dump())
        outcomes.append(
            (trial, kill_at, bool(killed), report["verified"], report["stale_lock_cleared"], problems)
        )
        assert report["verified"] is True and problems == [], (outcomes[-1], header(TRIALS))
    # The second phase, whole, records the document's fingerprint (the targeted first marks its own
    # partial): drift can then compare live with the state without running the program.
    drift = json.loads(engine.backstop("drift", "--stack", "prod", "--json").stdout)
    assert (drift["in_sync"], drift["path"]) == (True, "refresh-only"), drift
    # A kill at the last mutation can miss a fast update; across all twenty, most must land.
    needed = len(chosen) * 3 // 4 if len(chosen) == TRIALS else 1
    assert sum(1 for o in outcomes if o[2]) >= needed, (
        f"trials killed a live update: {outcomes} ({header(TRIALS)})"
    )
