"""`backstop restore` as a user runs it: semantics of design.md §3, approvals, the preflight (doctor's
checks: it stops on those a restore needs and warns of the others), safety backup, report."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import stripe
from ruamel.yaml import YAML

from tests.approvers import forge, key
from tests.support import ROOT, STRIPE_PROD_KEY, STRIPE_STAGING_KEY, Engine, SandboxProcess

pytestmark = pytest.mark.e2e
STACK = "staging"
PARTNER = {
    "key": "partner",
    "url": "https://partner.example.com/hooks",
    "enabled_events": ["customer.created"],
}


def write_doc(path: Path, stack: str = STACK, edit: Any = None) -> Path:
    yaml = YAML()
    data = yaml.load((ROOT / "snapshots" / f"{stack}.yaml").read_text())
    del data["stripe"]["products"]  # endpoints are enough here, and keep the runs short
    for other in ("clerk", "vapi", "vercel", "convex"):
        data.pop(other, None)
    if edit is not None:
        edit(data)
    if "vercel" not in data:
        # No variable declared, and the reset sandbox has no Vercel project: a scoped one would fail the
        # restore's preflight (doctor's Vercel token check).
        data["scope"].pop("vercel", None)
    with path.open("w") as fh:
        yaml.dump(data, fh)
    return path


def applied(engine: Engine, tmp_path: Path, stack: str = STACK) -> Path:
    """A copy of the stack's document (endpoints only), applied with `pulumi up`."""
    doc = write_doc(tmp_path / f"{stack}.yaml", stack=stack)
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(doc)
    engine.init_stack(stack)
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", stack)
    return doc


def endpoints(sandbox: SandboxProcess, account: str = "acct_derrimut_staging") -> dict[str, dict[str, Any]]:
    return {e["url"]: e for e in sandbox.stripe_objects(account, "webhook_endpoints").values()}


def backup(engine: Engine, stack: str = STACK, label: str = "Manual backup") -> str:
    done = engine.backstop("backup", "--stack", stack, "--label", label, "--json")
    backup_id: str = json.loads(done.stdout)["backup"]["id"]
    return backup_id


def wipe(sandbox: SandboxProcess, key: str = STRIPE_STAGING_KEY) -> None:
    client = stripe.StripeClient(key, base_addresses={"api": f"{sandbox.url}/stripe"})
    for endpoint in client.v1.webhook_endpoints.list().data:
        client.v1.webhook_endpoints.delete(endpoint.id)


def test_restore_keeps_newer_objects_and_exact_removes_them(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    doc = applied(engine, tmp_path)
    older = backup(engine)
    write_doc(doc, edit=lambda d: d["stripe"]["webhook_endpoints"].append(dict(PARTNER)))
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
    wipe(sandbox)  # scenario D: third-party configuration deleted
    # The database's backup store is unusable: the preflight's ✗ is only a warning for this restore.
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    engine.extra_env["BACKSTOP_STORE_URL"] = str(blocker / "store")

    done = engine.backstop("restore", "--stack", STACK, "--backup", older, "--json")
    report = json.loads(done.stdout)["report"]
    assert report["verified"] is True and report["newer_objects_kept"] == ["stripe.webhook_endpoints/partner"]
    (warning,) = report["preflight_warnings"]
    assert warning.startswith(f"✗ database: backup store: {blocker / 'store'}: ")
    assert warning.endswith("(fix: set BACKSTOP_STORE_URL to a writable store)")
    assert f"warning: preflight {warning}" in done.stderr
    markdown = Path(json.loads(done.stdout)["files"][1]).read_text()
    assert f"| Preflight warnings (doctor's ✗ a restore goes on without) | {warning} |" in markdown
    assert set(endpoints(sandbox)) == {
        "https://quiet-otter-512.convex.site/stripe/webhook",
        "https://staging.derrimut247.com.au/api/webhooks/stripe",
        PARTNER["url"],
    }
    assert report["data_loss_window_seconds"] >= 0 and report["duration_seconds"] > 0
    assert report["safety_backup"] and report["post_restore_backup"]

    exact = json.loads(
        engine.backstop("restore", "--stack", STACK, "--backup", older, "--exact", "--json").stdout
    )
    assert exact["report"]["verified"] is True
    assert PARTNER["url"] not in endpoints(sandbox) and len(endpoints(sandbox)) == 2


def test_a_backup_deleted_from_git_restores_from_its_store_copy_and_the_safety_backup_undoes_it(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    doc = applied(engine, tmp_path)
    v1 = backup(engine, label="v1")
    write_doc(doc, edit=lambda d: d["stripe"]["webhook_endpoints"][0].__setitem__("description", "v2"))
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
    # The git copy is deleted; `backstop backup` also put it in the backup store (the engine's
    # BACKSTOP_STORE_URL), encrypted to the stack's dbBackupKey.
    folder = engine.home / "backups" / STACK / v1
    files = {path.name: path.read_bytes() for path in folder.iterdir()}
    shutil.rmtree(folder)

    done = engine.backstop("restore", "--stack", STACK, "--backup", v1, "--json")
    report = json.loads(done.stdout)["report"]
    assert (
        f"no complete backup {v1!r} of staging in git: its folder is back from its store copy" in done.stderr
    )
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == files, "byte for byte"
    secrets = [e["secret"] for e in endpoints(sandbox).values()]
    assert not any(s.encode() in data for s in secrets for data in files.values()), "no plaintext secret"
    convex = "https://quiet-otter-512.convex.site/stripe/webhook"
    assert endpoints(sandbox)[convex]["description"] != "v2"
    listed = json.loads(engine.backstop("backups", "--stack", STACK, "--json").stdout)["backups"]
    safety = next(b for b in listed if b["id"] == report["safety_backup"])
    assert safety["class"] == "critical" and safety["label"].startswith(f"Pre-restore backup - {v1} - ")

    engine.backstop("restore", "--stack", STACK, "--backup", report["safety_backup"])
    assert endpoints(sandbox)[convex]["description"] == "v2", "the safety backup undoes the restore"


def test_at_picks_the_newest_backup_before_that_time(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    applied(engine, tmp_path)
    first = backup(engine, label="first")
    second = backup(engine, label="second")
    first_time = datetime.strptime(first.removeprefix("staging-"), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    plan = engine.backstop(
        "restore", "--stack", STACK, "--at", first_time.strftime("%Y-%m-%dT%H:%M:%S"), "--dry-run", "--json"
    )
    assert json.loads(plan.stdout)["plan"] == []
    done = engine.backstop(
        "restore",
        "--stack",
        STACK,
        "--at",
        (datetime.now(UTC) + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S"),
        "--json",
    )
    assert json.loads(done.stdout)["report"]["backup_id"] == second
    early = (first_time - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    refused = engine.backstop("restore", "--stack", STACK, "--at", early, ok=(2,))
    assert "no complete backup of staging taken at or before" in refused.stderr


def approve(engine: Engine, tmp_path: Path, signer: str, *what: str, ok: tuple[int, ...] = (0,)) -> Path:
    """`backstop approve` as the approver runs it, with their key; the approval file."""
    out = tmp_path / f"approval-{len(list(tmp_path.glob('approval-*')))}.json"
    engine.backstop("approve", "--stack", "prod", *what, "--key", str(key(signer)), "--out", str(out), ok=ok)
    return out


def test_prod_changes_need_a_signed_approval_used_once(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    """approvals.yaml protects prod: a plain `pulumi up` and a restore each need a signed approval of what
    they apply; every refusal exits 2 (a `pulumi up` fails) with zero mutating requests."""
    engine.protect_prod()
    doc = write_doc(tmp_path / "prod.yaml", stack="prod")
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(doc)
    engine.init_stack("prod")
    gated = engine.pulumi("up", "--yes", "--skip-preview", "--stack", "prod", ok=(1,))
    assert "approvals.yaml protects prod: an update needs an approval of" in gated.output
    assert f"backstop approve --stack prod --document {doc} --kinds configuration" in gated.output
    assert sandbox.requests()["mutating"] == 0, "the program stopped before declaring anything"
    engine.pulumi("preview", "--stack", "prod")  # a preview is never gated
    applying = approve(engine, tmp_path, "eli", "--document", str(doc))
    engine.extra_env["BACKSTOP_APPROVAL"] = str(applying)
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", "prod")
    assert len(endpoints(sandbox, "acct_derrimut_prod")) == 2
    again = engine.pulumi("up", "--yes", "--skip-preview", "--stack", "prod", ok=(1,))
    assert "the approval is refused" in again.output and "an approval is good for one run" in again.output
    del engine.extra_env["BACKSTOP_APPROVAL"]

    taken = backup(engine, stack="prod")
    other = backup(engine, stack="prod", label="another")
    wipe(sandbox, STRIPE_PROD_KEY)
    sandbox.http.delete("/_sandbox/requests")
    developer = approve(engine, tmp_path, "sam", "--backup", taken, ok=(2,))
    assert not developer.exists(), "Sam Dev holds developer: `backstop approve` won't sign prod for them"
    prod = {"stack": "prod", "backup": taken}
    manifest = engine.home / "backups" / "prod" / taken / "manifest.json"
    digest = hashlib.sha256(manifest.read_bytes()).hexdigest()
    edited = approve(engine, tmp_path, "eli", "--backup", taken)
    edited.write_text(edited.read_text().replace('"kinds": [', '"kinds": [\n"database",'))
    refusals = {
        "missing": [],
        "approved-by": ["--approved-by", "Eli Lead"],
        "other-backup": ["--approval", str(approve(engine, tmp_path, "eli", "--backup", other))],
        "expired": [
            "--approval",
            str(
                forge(
                    tmp_path,
                    "eli",
                    **prod,
                    manifest_sha256=digest,
                    approver="Eli Lead",
                    expires_at=datetime.now(UTC) - timedelta(minutes=6),
                )
            ),
        ],
        "wrong-role": [
            "--approval",
            str(forge(tmp_path, "sam", **prod, manifest_sha256=digest, approver="Sam Dev")),
        ],
        "unknown-key": [
            "--approval",
            str(forge(tmp_path, "mallory", **prod, manifest_sha256=digest, approver="Eli Lead")),
        ],
        "tampered": ["--approval", str(edited)],
    }
    for reason, flags in refusals.items():
        refused = engine.backstop("restore", "--stack", "prod", "--backup", taken, *flags, ok=(2,))
        assert f"refused ({reason})" in refused.stderr, refused.stderr
    assert f"backstop approve --stack prod --backup {taken} --kinds configuration" in " ".join(
        engine.transcript[-len(refusals)].stderr.split()
    )
    assert sandbox.requests()["mutating"] == 0, "a refused restore changes nothing"

    # Approved, but the preflight finds a test-mode Stripe key in the live-mode stack: it stops first,
    # and the approval is not spent.
    approval = approve(engine, tmp_path, "eli", "--backup", taken)
    engine.pulumi("config", "set", "--secret", "backstop:stripeApiKey", STRIPE_STAGING_KEY, "--stack", "prod")
    live, catalogue, declared = (
        sandbox.dump(),
        sorted((engine.home / "backups" / "prod").rglob("*")),
        doc.read_text(),
    )
    restore = ("restore", "--stack", "prod", "--backup", taken, "--approval", str(approval))
    stopped = engine.backstop(*restore, ok=(2,))
    assert (
        "✗ stripe: API key: a test-mode key, but the document's scope.stripe.mode is live" in stopped.stderr
    )
    assert (
        "    fix: use this stack's live-mode key: set it with `pulumi config set --secret backstop:stripeApiKey …` "
        "(or BACKSTOP_STRIPE_API_KEY)" in stopped.stderr
    )
    assert "nothing live was changed and no backup was taken" in stopped.stderr
    after = sandbox.dump()  # (the sandbox adds an account's empty state the first time a probe reads it)
    assert {vendor: after[vendor] for vendor in live} == live, "nothing changed live"
    assert sandbox.writes() == 0, "the preflight stopped it before any write"
    assert sorted((engine.home / "backups" / "prod").rglob("*")) == catalogue, "no safety backup, no report"
    assert doc.read_text() == declared, "the document is not rewritten"
    engine.pulumi("config", "set", "--secret", "backstop:stripeApiKey", STRIPE_PROD_KEY, "--stack", "prod")

    done = json.loads(engine.backstop(*restore, "--json").stdout)
    assert done["report"]["approved_by"] == "Eli Lead" and done["report"]["verified"] is True
    assert len(endpoints(sandbox, "acct_derrimut_prod")) == 2
    markdown = Path(done["files"][1]).read_text()
    assert "| Approved by | Eli Lead |" in markdown and "Data-loss window" in markdown
    manifests = json.loads(engine.backstop("backups", "--stack", "prod", "--json").stdout)["backups"]
    post = next(b for b in manifests if b["id"] == done["report"]["post_restore_backup"])
    folder = engine.home / "backups" / "prod" / post["id"]
    assert json.loads((folder / "manifest.json").read_text())["approved_by"] == "Eli Lead"
    writes = sandbox.writes()
    replayed = engine.backstop(*restore, ok=(2,))
    assert "refused (replayed)" in replayed.stderr and sandbox.writes() == writes

    # `backstop up` with the CTO's approval of the restored document, then the audit log: the two backups,
    # each refusal (with no approval, and no more of the approval file than its signer and nonce), the
    # restore and the update; the backups and refusals need no approval, so it verifies.
    engine.backstop(
        "up", "--stack", "prod", "--approval", str(approve(engine, tmp_path, "dana", "--document", str(doc)))
    )
    log = engine.home / "audit-log.jsonl"
    verified = json.loads(engine.backstop("audit", "verify", "--json").stdout)
    assert verified["ok"] and verified["records"] == 2 + len(refusals) + 3, verified
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r["operation"], r["result"]) for r in records] == [
        ("backup", "ok"),
        ("backup", "ok"),
        *[("restore", "refused")] * len(refusals),
        ("restore", "verified"),
        ("restore", "refused"),
        ("up", "ok"),
    ]
    assert [r["backup"] for r in records[:2]] == [taken, other]
    assert records[0]["changes"] == {"backups": 1, "store_copies": 1} and records[0]["approval"] is None
    declined = records[2 : 2 + len(refusals)]
    assert [r["refusal"]["reason"] for r in declined] == list(refusals)
    assert all(r["approval"] is None and r["backup"] == taken and r["changes"] == {} for r in declined)
    assert {field for r in declined for field in r["refusal"]} <= {"reason", "signer", "nonce"}
    by_reason = {r["refusal"]["reason"]: r["refusal"] for r in declined}
    assert by_reason["wrong-role"]["signer"] == "Sam Dev" and "signer" not in by_reason["unknown-key"]
    assert len(by_reason["expired"]["nonce"]) == 32 and by_reason["missing"] == {"reason": "missing"}
    assert "SSH SIGNATURE" not in log.read_text(), "the approval file itself is never copied"
    restored, replay, updated = records[-3:]
    assert (restored["approval"]["signer"], updated["approval"]["signer"]) == ("Eli Lead", "Dana Cto")
    assert restored["backup"] == taken and restored["approval"]["digest"] == digest
    assert restored["actor"]["user"] and restored["changes"].get("create") == 2
    assert replay["refusal"] == {
        "reason": "replayed",
        "signer": "Eli Lead",
        "nonce": restored["approval"]["nonce"],
    }
    intact = log.read_text()
    lines = intact.splitlines()
    seq = restored["seq"]
    restored["changes"]["create"] = 1
    lines[seq - 1] = json.dumps(restored, sort_keys=True, separators=(",", ":"))
    log.write_text("\n".join(lines) + "\n")
    edited = json.loads(engine.backstop("audit", "verify", "--json", ok=(1,)).stdout)
    assert any(
        f"record {seq + 1}: its previous-record hash doesn't match record {seq}: record {seq} was edited" in p
        for p in edited["problems"]
    )
    # The last record deleted: the chain holds, prod's head doesn't.
    log.write_text("\n".join(intact.splitlines()[:-1]) + "\n")
    truncated = json.loads(engine.backstop("audit", "verify", "--json", ok=(1,)).stdout)
    assert truncated["problems"][0].startswith(f"prod: its state backend names record {len(records)}")


def test_restore_into_a_stack_whose_state_was_lost_adopts(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    doc = applied(engine, tmp_path)
    taken = backup(engine)
    before = set(sandbox.stripe_objects("acct_derrimut_staging", "webhook_endpoints"))

    fresh = Engine(home=tmp_path / "fresh", sandbox=sandbox)  # the state backend is gone
    fresh.extra_env.update(BACKSTOP_DESIRED_STATE=str(doc), BACKSTOP_BACKUPS_DIR=str(engine.home / "backups"))
    report = json.loads(fresh.backstop("restore", "--stack", STACK, "--backup", taken, "--json").stdout)[
        "report"
    ]
    assert report["state_imported"] is True and report["verified"] is True
    assert set(sandbox.stripe_objects("acct_derrimut_staging", "webhook_endpoints")) == before, (
        "adopted, not duplicated"
    )


def test_restore_reapplies_write_only_clerk_settings_changed_behind_its_back(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    from tests.e2e.test_clerk import INSTANCES, clerk_call, clerk_state

    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    doc = write_doc(tmp_path / "staging.yaml", edit=lambda d: d.update(clerk=CLERK_SECTION(d)))
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(doc)
    engine.init_stack(STACK)
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", STACK)
    taken = backup(engine)
    baseline = clerk_state(sandbox, INSTANCES["staging"])
    clerk_call(sandbox, "PATCH", "/instance/restrictions", {"block_disposable_email_domains": False})
    assert clerk_state(sandbox, INSTANCES["staging"]) != baseline
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", STACK)  # invisible to a refresh

    # Google sign-in switched off in the dashboard: no API writes social connections.
    state = sandbox.dump()
    state["clerk"][INSTANCES["staging"]]["social"]["oauth_google"]["enabled"] = False
    sandbox.load(state)

    drift = json.loads(engine.backstop("drift", "--stack", STACK, "--json", ok=(1,)).stdout)
    assert any(line.startswith("clerk instance_restrictions") for line in drift["asserted_not_observed"])
    assert drift["oauth_providers"] == ["oauth google: on in the document, off live"]
    step = (
        f"Clerk dashboard, development instance {INSTANCES['staging']}: Configure > SSO connections > "
        "Google: add and enable it (with its client id and secret)"
    )
    assert drift["oauth_dashboard_steps"] == [step]
    assert (
        "oauth google: on in the document, off live"
        in engine.backstop("drift", "--stack", STACK, ok=(1,)).stdout
    )
    report = json.loads(engine.backstop("restore", "--stack", STACK, "--backup", taken, "--json").stdout)[
        "report"
    ]
    assert report["verified"] is True, "what a restore can't write is listed, not counted"
    assert report["manual_steps"] == [step]
    assert any(line.startswith("clerk instance_restrictions") for line in report["rewritten"])
    assert clerk_state(sandbox, INSTANCES["staging"]) == baseline
    assert (engine.project / "Pulumi.staging.yaml").read_text().count("platform-config:reapply") == 1
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", STACK)


def CLERK_SECTION(data: Any) -> Any:
    """The staging document's own Clerk section (write_doc drops it to keep the other tests short)."""
    return YAML().load((ROOT / "snapshots" / "staging.yaml").read_text())["clerk"]
