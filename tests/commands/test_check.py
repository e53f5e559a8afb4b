"""`backstop check` without the engine: the stack's outputs are handed in (the e2e run is in test_drill.py),
the committed prod document is checked against the sandbox's apps. Passed, failed naming the variables that
should hold the secret, not checkable with the fix; bad input exits 2 before anything is sent; no signing
secret ever reaches the output."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto
from typer.testing import CliRunner

from backstop.cli.app import app
from backstop.plugin.model import load_document
from backstop.runbook.check.followers import followers
from backstop.runbook.session import StackSession
from tests.receiver import Receiver
from tests.support import ROOT, SandboxProcess

PROD = ROOT / "snapshots" / "prod.yaml"


class HandedOutputs(StackSession):
    """A session whose outputs are given, as `pulumi stack output --show-secrets` would read them."""

    def __init__(self, secrets: dict[str, str | None]) -> None:
        super().__init__("prod", PROD)
        self.handed = {"webhook_secrets": auto.OutputValue(secrets, secret=True)}

    def outputs(self) -> auto.OutputMap:
        return self.handed


@pytest.fixture
def derrimut(sandbox: SandboxProcess, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    monkeypatch.setenv("BACKSTOP_DELIVERY_BASE_URL", f"{sandbox.url}/apps")
    yield sandbox.dump()


def check(monkeypatch: pytest.MonkeyPatch, secrets: dict[str, str | None], *args: str) -> tuple[int, str]:
    monkeypatch.setattr("backstop.cli.commands.check.StackSession", lambda _: HandedOutputs(secrets))
    done = CliRunner().invoke(app, ["check", "--stack", "prod", *args])
    return done.exit_code, done.stdout


def live_secrets(dump: dict[str, Any]) -> dict[str, str | None]:
    """prod's endpoints' live secrets, app-payments' unknown (adopted: Stripe never showed it)."""
    convex = dump["convex"]["spotted-gerbil-236"]["_environment_variables"]
    return {
        "stripe.webhook_endpoints.convex-billing.secret": convex["STRIPE_WEBHOOK_SECRET"]["value"],
        "stripe.webhook_endpoints.app-payments.secret": None,
        "clerk.webhook_endpoints.convex-users.secret": convex["CLERK_WEBHOOK_SECRET"]["value"],
    }


def test_passed_not_checkable_and_failed_with_the_variables_to_fix(
    derrimut: dict[str, Any], sandbox: SandboxProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = live_secrets(derrimut)
    code, out = check(monkeypatch, secrets, "--json")
    report = json.loads(out)["report"]
    assert code == 1 and report["ok"] is False, "an endpoint that can't be checked is not a pass"
    statuses = {d["endpoint"]: d["status"] for d in report["deliveries"]}
    assert statuses == {
        "stripe.webhook_endpoints.convex-billing": "passed",
        "stripe.webhook_endpoints.app-payments": "not_checkable",
        "clerk.webhook_endpoints.convex-users": "passed",
    }
    unknown = report["deliveries"][1]
    assert "--rotate-secrets" in unknown["fix"] and unknown["http_status"] is None

    # Convex's copy of the Stripe secret no longer matches the endpoint's (changed out of band).
    sandbox.http.post(
        "/convex/spotted-gerbil-236/api/update_environment_variables",
        headers={"Authorization": "Convex prod:spotted-gerbil-236|sandbox-fake-convex-deploy-key"},
        json={"changes": [{"name": "STRIPE_WEBHOOK_SECRET", "value": "whsec_canaryOutOfBand"}]},
    ).raise_for_status()
    code, out = check(monkeypatch, {k: v for k, v in secrets.items() if "app-payments" not in k})
    assert code == 1
    text = " ".join(out.split())
    assert "FAILED 400" in text and "stripe.webhook_endpoints.convex-billing" in text
    assert (
        "should hold its secret: STRIPE_WEBHOOK_SECRET in Convex deployment spotted-gerbil-236 (stack prod)"
        in text
    )
    assert "backstop restore --stack prod" in text
    assert "not checkable" in text and "the stack's outputs hold no secret for it" in text
    for secret in [*filter(None, secrets.values()), "whsec_canaryOutOfBand"]:
        assert secret not in out, "a signing secret reached the output"


def test_all_passed_exits_0(derrimut: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    dump = derrimut
    secrets = live_secrets(dump)
    document = load_document(PROD)
    app_payments = next(e for e in document.stripe.webhook_endpoints if e.key == "app-payments")  # type: ignore[union-attr]
    vercel = dump["vercel"]["team_derrimut"]["projects"]["prj_DerrimutPlatformSandbox00001"]["env"]
    (production,) = [
        e for e in vercel if e["key"] == "STRIPE_WEBHOOK_SECRET" and e["target"] == ["production"]
    ]
    secrets["stripe.webhook_endpoints.app-payments.secret"] = production["value"]
    assert str(app_payments.url).startswith("https://www.derrimut247.com.au/")
    code, out = check(monkeypatch, secrets)
    assert code == 0, out
    assert "prod: 3 passed" in " ".join(out.split())


@pytest.mark.parametrize(
    ("args", "env", "words"),
    [
        (["--timeout", "0"], {}, "--timeout: 0 is not a positive number of seconds"),
        (
            [],
            {"BACKSTOP_DELIVERY_BASE_URL": "ftp://apps.example"},
            "BACKSTOP_DELIVERY_BASE_URL: 'ftp://apps.example' is not an http(s) URL",
        ),
    ],
)
def test_bad_input_exits_2_and_sends_nothing(
    sandbox: SandboxProcess, monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str], words: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, out = check(
        monkeypatch, {"stripe.webhook_endpoints.convex-billing.secret": "whsec_x"}, *args, "--json"
    )
    assert code == 2 and json.loads(out)["error"] == words
    assert sandbox.requests()["total"] == 0


def test_a_bad_document_exits_2_naming_file_and_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = tmp_path / "prod.yaml"
    document.write_text(PROD.read_text().replace("stack: prod", "stack: prod\nvendors: {}", 1))
    monkeypatch.setenv("BACKSTOP_DESIRED_STATE", str(document))
    done = CliRunner().invoke(app, ["check", "--stack", "prod", "--json"])
    assert done.exit_code == 2
    assert f"{document}:4: vendors: unknown field" in json.loads(done.stdout)["error"]


def test_the_variables_that_follow_an_endpoint_across_stacks() -> None:
    documents = {name: load_document(ROOT / "snapshots" / f"{name}.yaml") for name in ("prod", "staging")}
    found = followers("staging", "stripe.webhook_endpoints.app-payments.secret", documents)
    assert [f.describe() for f in found] == [
        "STRIPE_WEBHOOK_SECRET in Vercel project platform (prj_DerrimutPlatformSandbox00001), target preview (stack prod)"
    ]
    convex = followers("staging", "clerk.webhook_endpoints.convex-users.secret", documents)
    assert [f.describe() for f in convex] == [
        "CLERK_WEBHOOK_SECRET in Convex deployment quiet-otter-512 (stack staging)"
    ]


def test_a_drills_check_never_leaves_the_sandbox(
    derrimut: dict[str, Any], sandbox: SandboxProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backstop.operations.check import check_after

    session = HandedOutputs(live_secrets(derrimut))
    monkeypatch.setenv("BACKSTOP_SANDBOX_URL", sandbox.url)
    assert check_after(session, drill=True).summary() == "2 passed, 1 not checkable; smoke checks: 1 passed"
    monkeypatch.delenv("BACKSTOP_DELIVERY_BASE_URL")  # a drill would otherwise deliver to the real hosts
    report = check_after(session, drill=True)
    assert report.ok is False and report.deliveries == []
    assert report.summary().startswith("not run: a drill delivers only to the sandbox's apps")


class HandedConfig(HandedOutputs):
    """`HandedOutputs` on another document, with its config given (as `pulumi config --show-secrets`)."""

    def __init__(
        self, secrets: dict[str, str | None], path: Path, config: dict[str, auto.ConfigValue]
    ) -> None:
        super().__init__(secrets)
        self._path = path
        self.handed_config = config

    def config(self) -> dict[str, auto.ConfigValue]:
        return self.handed_config


def test_smoke_checks_run_beside_the_deliveries_and_fail_with_the_answer(
    derrimut: dict[str, Any], sandbox: SandboxProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out = check(monkeypatch, live_secrets(derrimut), "--json")
    (smoke,) = json.loads(out)["report"]["smoke"]
    assert (smoke["key"], smoke["status"], smoke["http_status"]) == ("app-health", "passed", 200)
    assert smoke["url"] == "https://www.derrimut247.com.au/api/health" and smoke["seconds"] is not None

    sandbox.http.post(
        "/_sandbox/faults", json={"vendor": "apps", "route": "/api/health", "kind": "status", "status": 503}
    ).raise_for_status()
    receiver = Receiver()
    monkeypatch.setenv("BACKSTOP_SLACK_WEBHOOK_URL", f"{receiver.url}/slack")
    code, out = check(monkeypatch, live_secrets(derrimut), "--json")
    report = json.loads(out)["report"]
    assert code == 1 and report["ok"] is False
    (smoke,) = report["smoke"]
    assert (smoke["status"], smoke["http_status"]) == ("failed", 503)
    assert smoke["detail"] == "answered 503, expected 200"
    assert smoke["body"] == '{"error":"Injected fault (sandbox)"}'
    code, out = check(monkeypatch, live_secrets(derrimut))
    assert "smoke checks: 1 failed" in out
    alerts = json.dumps(receiver.posted_to("/slack"))
    receiver.close()
    assert alerts.count("application checks failed") == 2 and "checks.app-health" in alerts


def test_a_header_comes_only_from_a_secret_and_never_shows(
    derrimut: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = tmp_path / "prod.yaml"
    document.write_text(
        PROD.read_text().replace(
            "    url: https://www.derrimut247.com.au/api/health\n",
            "    url: https://www.derrimut247.com.au/api/health\n"
            "    headers: {Authorization: {secret: healthCheckToken}}\n",
        )
    )
    token = "Bearer canary-health-token-7f3a"
    secrets = live_secrets(derrimut)

    def run(config: dict[str, auto.ConfigValue]) -> tuple[int, str]:
        session = HandedConfig(secrets, document, config)
        monkeypatch.setattr("backstop.cli.commands.check.StackSession", lambda _: session)
        done = CliRunner().invoke(app, ["check", "--stack", "prod"])
        return done.exit_code, done.stdout + (done.stderr if done.stderr_bytes else "")

    code, out = run({})
    assert code == 2, out
    assert "checks.app-health.headers.Authorization: config healthCheckToken is not set on stack prod" in out
    assert "pulumi config set --secret healthCheckToken" in out and "passed" not in out
    code, out = run({"platform-config:healthCheckToken": auto.ConfigValue(token, secret=False)})
    assert code == 2 and "is a plain value; a header comes only from a secret" in out, out
    assert token not in out

    code, out = run({"platform-config:healthCheckToken": auto.ConfigValue(token, secret=True)})
    assert "passed 200" in out and "checks.app-health" in out, out
    assert "canary-health-token" not in out
