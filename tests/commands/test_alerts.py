"""Alert payloads (backup failure, RPO breach, drift) arrive at a local HTTP receiver."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from backstop.runbook.alerts import Alert, pagerduty_payload, slack_payload
from tests.commands.test_status import status
from tests.receiver import Receiver
from tests.smtp_server import PASSWORD, SmtpServer
from tests.support import ROOT, VENV_BIN, Engine, SandboxProcess


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def alerting(engine: Engine, receiver: Receiver) -> None:
    engine.extra_env.update(
        BACKSTOP_SLACK_WEBHOOK_URL=f"{receiver.url}/slack",
        BACKSTOP_PAGERDUTY_ROUTING_KEY="canary-routing-key",
        BACKSTOP_PAGERDUTY_URL=f"{receiver.url}/pagerduty",
    )


def test_payload_shapes() -> None:
    alert = Alert(
        "rpo_breached", "prod", "no successful backup within the 24 h RPO", "critical", {"age_hours": "30"}
    )
    assert slack_payload(alert)["text"].startswith(":rotating_light: *Backstop — prod*: no successful backup")
    event = pagerduty_payload(alert, "key")
    assert event["event_action"] == "trigger" and event["routing_key"] == "key"
    assert event["dedup_key"] == "backstop-prod-rpo_breached"
    assert {"summary", "source", "severity", "timestamp"} <= set(event["payload"])
    assert event["payload"]["severity"] == "critical"


def test_an_rpo_breach_pages(receiver: Receiver, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "BACKSTOP_BACKUPS_DIR": str(tmp_path),
        "BACKSTOP_SLACK_WEBHOOK_URL": f"{receiver.url}/slack",
        "BACKSTOP_PAGERDUTY_ROUTING_KEY": "canary-routing-key",
        "BACKSTOP_PAGERDUTY_URL": f"{receiver.url}/pagerduty",
    }
    done = subprocess.run(
        [str(VENV_BIN / "backstop"), "status", "--stack", "prod"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "no successful backup within the 24 h RPO" in receiver.posted_to("/slack")[0]["text"]
    page = receiver.posted_to("/pagerduty")[0]
    assert page["routing_key"] == "canary-routing-key" and page["payload"]["class"] == "rpo_breached"


@pytest.mark.e2e
def test_a_failed_backup_alerts_and_pages(
    engine: Engine, sandbox: SandboxProcess, receiver: Receiver
) -> None:
    alerting(engine, receiver)
    engine.init_stack("staging")
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", "staging")
    sandbox.http.post(
        "/_sandbox/faults", json={"vendor": "stripe", "kind": "status", "status": 503}
    ).raise_for_status()
    failed = engine.backstop(
        "backup", "--stack", "staging", "--label", "nightly", "--class", "daily", ok=(3,)
    )
    assert "the Pulumi engine failed" in failed.stderr
    assert "backup failed: nightly" in receiver.posted_to("/slack")[0]["text"]
    assert receiver.posted_to("/pagerduty")[0]["payload"]["class"] == "backup_failed"


@pytest.mark.e2e
def test_drift_notifies_the_given_webhook(
    engine: Engine, sandbox: SandboxProcess, receiver: Receiver
) -> None:
    engine.init_stack("staging")
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", "staging")
    endpoint = next(  # one no Convex variable follows: a single object drifts
        key
        for key, e in sandbox.stripe_objects("acct_derrimut_staging", "webhook_endpoints").items()
        if ".convex.site/" not in e["url"]
    )
    sandbox.http.delete(
        f"/stripe/v1/webhook_endpoints/{endpoint}", auth=("sk_test_sandbox_derrimut_staging", "")
    )
    engine.backstop("drift", "--stack", "staging", "--notify", f"{receiver.url}/hook", ok=(1,))
    (message,) = receiver.posted_to("/hook")
    assert "drift in 1 object(s)" in message["text"] and "(create)" in message["text"]
    assert not receiver.posted_to("/pagerduty"), "drift is a warning: no page"


def test_an_rpo_breach_is_emailed_over_starttls_with_auth(tmp_path: Path) -> None:
    """A real SMTP server that requires STARTTLS and AUTH receives it; a refused login is reported on
    stderr, naming the relay and never the password, and doesn't change the command's result."""
    server = SmtpServer(tmp_path)
    try:
        done = status(tmp_path / "backups", extra=server.env())
        assert done.returncode == 1 and not done.stderr.count("alert email"), done.stderr
        subjects = [str(m["Subject"]) for m in server.inbox.messages]
        breached = [m for m in server.inbox.messages if "no successful backup" in str(m["Subject"])]
        assert len(breached) == 1, subjects
        mail = breached[0]
        assert str(mail["Subject"]).startswith("[CRITICAL] Backstop prod: no successful backup within")
        assert mail["To"] == "oncall@example.test, cto@example.test"
        assert "stack prod (critical)" in mail.get_payload()

        refused = status(tmp_path / "backups", extra=server.env(password="wrong-password"))
        assert refused.returncode == 1 and len(server.inbox.messages) == len(subjects)
        assert "alert email via 127.0.0.1: authentication refused (535)" in refused.stderr
        assert PASSWORD not in refused.stderr + refused.stdout + done.stderr + done.stdout
        assert "wrong-password" not in refused.stderr + refused.stdout
    finally:
        server.stop()
