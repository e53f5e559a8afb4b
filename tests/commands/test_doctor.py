"""`backstop doctor` as a user runs it: every check passing on the sandbox stacks, then the failures a team
meets on its first day, each named with its fix; never a write (Stripe's write probes are empty creates
that Stripe refuses before writing)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import Engine, SandboxProcess

pytestmark = pytest.mark.e2e
CLERK_PROD_KEY = "sk_live_sandbox_clerk_derrimut_prod"
STRIPE_PROD_KEY = "sk_live_sandbox_derrimut_prod"
STRIPE_READONLY_KEY = "rk_test_sandbox_derrimut_staging_readonly"
STRIPE_RESTORE_KEY = "rk_test_sandbox_derrimut_staging_restore"


def doctor(engine: Engine, stack: str, ok: tuple[int, ...] = (0,)) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(engine.backstop("doctor", "--stack", stack, "--json", ok=ok).stdout)
    return report


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {check["name"]: check for check in report["checks"]}


def nothing_written(sandbox: SandboxProcess) -> None:
    """Reads, and the empty creates that probe Stripe write access: each refused (400 or 403) before a write."""
    log = sandbox.requests()["requests"]
    writes = [entry for entry in log if entry["method"] != "GET"]
    assert all(
        e["vendor"] == "stripe" and e["method"] == "POST" and e["status"] in (400, 403) for e in writes
    )


def test_every_check_passes_on_the_sandbox_stacks_without_a_write(
    engine: Engine, sandbox: SandboxProcess
) -> None:
    engine.init_stack("staging")
    engine.init_stack("prod")
    # staging with a restricted key that may write what a restore writes; prod keeps its secret key
    engine.pulumi(
        "config", "set", "--secret", "backstop:stripeApiKey", STRIPE_RESTORE_KEY, "--stack", "staging"
    )
    staging = doctor(engine, "staging")
    assert staging["ok"] is True, [c for c in staging["checks"] if not c["ok"]]
    assert by_name(staging)["stripe: API key"]["detail"] == (
        "test-mode key reads and may write webhook endpoints, products, prices and billing meters"
    )
    assert list(by_name(staging)) == [
        "engine: pulumi CLI",
        "engine: Python language host",
        "desired state",
        "state backend and secrets",
        "stripe: API key",
        "clerk: secret key",
        "vapi: API key",
        "backup folder",
        "database: Node",
        "database: Convex CLI",
        "database: backup store",
    ]
    unseen = by_name(doctor(engine, "prod", ok=(1,)))["vercel: API token"]
    assert "prj_DerrimutPlatformSandbox00001 of scope.vercel.projects is not visible" in unseen["detail"]
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()  # the team's project, and more
    prod = by_name(doctor(engine, "prod"))
    assert prod["vercel plugin"]["ok"] and "offline double" in prod["vercel plugin"]["detail"]
    assert (
        prod["vercel: API token"]["ok"]
        and prod["clerk: secret key"]["detail"] == "instance ins_derrimut_prod"
    )
    nothing_written(sandbox)  # (the fixture isn't logged)

    human = engine.backstop("doctor", "--stack", "staging", columns=80).stdout
    assert human.count("✓") == len(staging["checks"]) and "✗" not in human


def test_another_stacks_keys_and_the_wrong_kinds_of_key_fail_naming_the_fix(
    engine: Engine, sandbox: SandboxProcess
) -> None:
    engine.init_stack("staging")
    engine.pulumi(
        "config", "set", "--secret", "backstop:clerkSecretKey", CLERK_PROD_KEY, "--stack", "staging"
    )
    engine.pulumi("config", "set", "--secret", "backstop:stripeApiKey", STRIPE_PROD_KEY, "--stack", "staging")
    engine.pulumi("config", "rm", "backstop:vapiApiKey", "--stack", "staging")
    report = doctor(engine, "staging", ok=(1,))
    checks = by_name(report)
    assert report["ok"] is False
    clerk = checks["clerk: secret key"]
    assert "belongs to instance ins_derrimut_prod" in clerk["detail"]
    assert "scope.clerk.instance is ins_derrimut_staging" in clerk["detail"]
    assert "backstop:clerkSecretKey" in clerk["fix"]
    stripe = checks["stripe: API key"]
    assert "a live-mode key" in stripe["detail"] and "scope.stripe.mode is test" in stripe["detail"]
    vapi = checks["vapi: API key"]
    assert (
        vapi["detail"] == "no Vapi API key"
        and "pulumi config set --secret backstop:vapiApiKey" in vapi["fix"]
    )
    assert all(checks[name]["ok"] for name in ("state backend and secrets", "backup folder"))

    engine.pulumi(
        "config",
        "set",
        "--secret",
        "backstop:clerkSecretKey",
        "pk_test_Y2xlcmsuZXhhbXBsZQ",
        "--stack",
        "staging",
    )
    engine.pulumi(
        "config", "set", "--secret", "backstop:stripeApiKey", STRIPE_READONLY_KEY, "--stack", "staging"
    )
    human = engine.backstop("doctor", "--stack", "staging", ok=(1,)).stdout
    assert "✗ clerk: secret key: a publishable key (sk_… expected)" in human
    assert (
        "✗ stripe: API key: the key lacks the rak_webhook_endpoint_write permission: Stripe answered 403 to "
        "an empty create of webhook endpoints" in human
    )
    assert (
        "fix: in the Stripe dashboard, Developers → API keys, edit the restricted key and give Webhook "
        "Endpoints Write access (rak_webhook_endpoint_write)" in human
    )
    for secret in (CLERK_PROD_KEY, STRIPE_PROD_KEY, STRIPE_READONLY_KEY, "pk_test_Y2xlcmsuZXhhbXBsZQ"):
        assert secret not in engine.all_output()
    nothing_written(sandbox)


def test_a_wrong_passphrase_or_a_missing_stack_fails_the_state_check(engine: Engine) -> None:
    missing = by_name(doctor(engine, "staging", ok=(1,)))["state backend and secrets"]
    assert not missing["ok"] and missing["fix"].startswith("pulumi stack init staging")
    engine.init_stack("staging")
    engine.extra_env["PULUMI_CONFIG_PASSPHRASE"] = "not-the-passphrase"
    wrong = by_name(doctor(engine, "staging", ok=(1,)))["state backend and secrets"]
    assert not wrong["ok"] and "PULUMI_CONFIG_PASSPHRASE" in wrong["fix"] and wrong["restore_needs"]
