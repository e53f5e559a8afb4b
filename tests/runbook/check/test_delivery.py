"""Deliveries: where they go, how an answer is judged (2xx within the timeout), and that an answer is shown
cut to 200 bytes with the secret redacted, against the sandbox's apps over plain HTTP."""

from __future__ import annotations

import asyncio
import socket

from backstop.runbook.check.delivery import deliver_all, excerpt, redact, routed
from backstop.runbook.check.report import Delivery
from backstop.runbook.check.targets import Target
from tests.support import SandboxProcess

CONVEX = Target("stripe", "convex-billing", "https://spotted-gerbil-236.convex.site/stripe/webhook", False)
CLERK = Target("clerk", "convex-users", "https://spotted-gerbil-236.convex.site/clerk-users-webhook", False)
APP = Target("stripe", "app-payments", "https://www.derrimut247.com.au/api/webhooks/stripe", False)


def test_a_delivery_goes_to_the_url_or_under_the_base() -> None:
    url = "https://www.derrimut247.com.au/api/webhooks/stripe?source=stripe"
    assert routed(url, None) == url
    assert routed(url, "http://127.0.0.1:9/apps/") == (
        "http://127.0.0.1:9/apps/www.derrimut247.com.au/api/webhooks/stripe?source=stripe"
    )
    assert routed("https://example.com:8443", "http://b") == "http://b/example.com:8443/"


def test_an_answer_is_redacted_before_it_is_cut() -> None:
    secret = "whsec_" + "A" * 40
    body = ("x" * 190 + secret).encode()
    shown = excerpt(body, [secret])
    assert len(shown.encode()) <= 200 and "AAAAAAAA" not in shown and shown.startswith("x" * 190)
    assert redact(f"key {secret[6:]} and {secret}", [secret]) == "key [redacted] and [redacted]"


def run(deliveries: list[tuple[Target, str]], sandbox: SandboxProcess, timeout: float = 5) -> list[Delivery]:
    return asyncio.run(deliver_all(deliveries, "prod", f"{sandbox.url}/apps", timeout))


def test_signed_deliveries_pass_and_a_stale_variable_fails_naming_it(sandbox: SandboxProcess) -> None:
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    variables = sandbox.dump()["convex"]["spotted-gerbil-236"]["_environment_variables"]
    stripe_secret, svix_secret = (
        variables[n]["value"] for n in ("STRIPE_WEBHOOK_SECRET", "CLERK_WEBHOOK_SECRET")
    )

    passed = run([(CONVEX, stripe_secret), (CLERK, svix_secret), (APP, stripe_secret)], sandbox)
    assert [(d.endpoint, d.status, d.http_status) for d in passed] == [
        ("stripe.webhook_endpoints.convex-billing", "passed", 200),
        ("clerk.webhook_endpoints.convex-users", "passed", 200),
        ("stripe.webhook_endpoints.app-payments", "failed", 400),
    ]
    assert all(d.event_id and d.event_id.startswith("evt_backstop_test_") for d in passed)
    refused = passed[2]
    assert refused.body is not None and refused.body.startswith('{"variable":"STRIPE_WEBHOOK_SECRET"')
    assert "another secret" in refused.detail or "isn't this one's" in refused.detail
    assert stripe_secret not in refused.model_dump_json()


def test_timeouts_errors_and_refused_connections_are_failures_not_crashes(sandbox: SandboxProcess) -> None:
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    fault = {"vendor": "apps", "route": "/stripe/webhook", "kind": "latency", "latency_ms": 1500}
    sandbox.http.post("/_sandbox/faults", json=fault).raise_for_status()
    sandbox.http.post(
        "/_sandbox/faults",
        json={"vendor": "apps", "route": "/clerk-users-webhook", "kind": "status", "status": 503},
    ).raise_for_status()
    slow, broken = run([(CONVEX, "whsec_x"), (CLERK, "whsec_eA==")], sandbox, timeout=0.5)
    assert (slow.status, slow.http_status, slow.detail) == ("failed", None, "no answer within 0.5 s")
    assert (broken.status, broken.http_status) == ("failed", 503)
    assert broken.body == '{"error":"Injected fault (sandbox)"}' and "failed while receiving" in broken.detail

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    (refused,) = asyncio.run(deliver_all([(APP, "whsec_x")], "prod", f"http://127.0.0.1:{closed}", 2))
    assert refused.status == "failed" and refused.detail.startswith("could not deliver")


def test_an_endpoint_whose_host_serves_no_app_fails_as_a_missing_receiver(sandbox: SandboxProcess) -> None:
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    gone = Target("stripe", "old", "https://old.derrimut247.com.au/api/webhooks/stripe", False)
    (answer,) = run([(gone, "whsec_x")], sandbox)
    assert (answer.status, answer.http_status) == ("failed", 404)
    assert answer.detail.startswith("no receiver at this URL") and "old.derrimut247.com.au" in (
        answer.body or ""
    )
