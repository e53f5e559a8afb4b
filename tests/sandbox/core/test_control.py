"""The control API under /_sandbox/: faults, rate limits, fixtures, the request log, reset, seeding."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import stripe

from backstop.plugin.clients.stripe_client import StripeApi
from sandbox.core.accounts import by_name
from sandbox.core.ratelimit import RateLimit
from sandbox.stripe import routes as stripe_routes
from tests.support import STRIPE_PROD_KEY, STRIPE_STAGING_KEY, VENV_BIN, SandboxProcess

WE = "/v1/webhook_endpoints"


def list_endpoints(sandbox: SandboxProcess, key: str = STRIPE_STAGING_KEY) -> httpx.Response:
    return sandbox.http.get(f"/stripe{WE}", auth=(key, ""))


def fault(sandbox: SandboxProcess, **spec: object) -> dict[str, object]:
    response = sandbox.http.post("/_sandbox/faults", json=spec)
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


def test_status_faults_use_the_vendor_envelope_and_run_out(sandbox: SandboxProcess) -> None:
    fault(
        sandbox,
        vendor="stripe",
        route=WE,
        method="GET",
        kind="status",
        status=429,
        headers={"Retry-After": "2", "Stripe-Should-Retry": "true"},
        times=2,
    )
    for _ in range(2):
        hit = list_endpoints(sandbox)
        assert hit.status_code == 429 and hit.headers["Retry-After"] == "2"
        assert hit.json()["error"]["code"] == "rate_limit"
    assert list_endpoints(sandbox).status_code == 200
    assert sandbox.http.get("/_sandbox/faults").json()[0]["fired"] == 2


def test_faults_match_vendor_method_and_route(sandbox: SandboxProcess) -> None:
    fault(sandbox, vendor="stripe", route="/v1/prices", kind="status", status=503)
    assert list_endpoints(sandbox).status_code == 200
    assert sandbox.http.get("/stripe/v1/prices", auth=(STRIPE_STAGING_KEY, "")).status_code == 503
    sandbox.http.delete("/_sandbox/faults")
    assert sandbox.http.get("/stripe/v1/prices", auth=(STRIPE_STAGING_KEY, "")).status_code == 200


def test_skip_lets_the_first_requests_through(sandbox: SandboxProcess) -> None:
    fault(sandbox, vendor="stripe", kind="status", status=500, skip=2, times=1)
    assert [list_endpoints(sandbox).status_code for _ in range(4)] == [200, 200, 500, 200]


def test_latency_is_added(sandbox: SandboxProcess) -> None:
    fault(sandbox, kind="latency", latency_ms=150)
    started = time.monotonic()
    assert list_endpoints(sandbox).status_code == 200
    assert time.monotonic() - started >= 0.14


@pytest.mark.parametrize("when", ["before", "after"])
def test_dropped_connections(sandbox: SandboxProcess, when: str) -> None:
    fault(sandbox, vendor="stripe", method="POST", route=WE, kind="drop", drop=when, times=1)
    with pytest.raises(httpx.HTTPError):
        sandbox.http.post(
            f"/stripe{WE}",
            auth=(STRIPE_STAGING_KEY, ""),
            data={"url": "https://x.example.com/", "enabled_events[0]": "*"},
        )
    created = sandbox.stripe_objects("acct_derrimut_staging", "webhook_endpoints")
    assert len(created) == (1 if when == "after" else 0), (
        "`after` processes the request, then loses the answer"
    )


def test_the_stripe_client_retries_through_a_429_storm(sandbox: SandboxProcess) -> None:
    fault(
        sandbox,
        vendor="stripe",
        route=WE,
        method="GET",
        kind="status",
        status=429,
        headers={"Retry-After": "0"},
        times=3,
    )
    assert (
        asyncio.run(StripeApi(STRIPE_STAGING_KEY, f"{sandbox.url}/stripe").list_all("webhook_endpoints"))
        == []
    )
    assert sandbox.requests()["by_route"]["stripe GET /v1/webhook_endpoints"] == 4


def test_rate_limits_are_off_until_switched_on(sandbox: SandboxProcess) -> None:
    assert all(list_endpoints(sandbox).status_code == 200 for _ in range(30))
    # A bucket that refills far slower than the test runs, so the count is exact on any machine.
    sandbox.http.post(
        "/_sandbox/ratelimits", json={"enabled": True, "vendors": {"stripe": {"rate": 0.001, "burst": 5}}}
    )
    answers = [list_endpoints(sandbox) for _ in range(8)]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 3
    assert answers[-1].json()["error"]["code"] == "rate_limit"
    assert all(list_endpoints(sandbox, STRIPE_PROD_KEY).status_code == 200 for _ in range(5)), (
        "buckets are per account"
    )
    sandbox.http.delete("/_sandbox/ratelimits")
    assert list_endpoints(sandbox).status_code == 200


def test_documented_limits_are_the_defaults() -> None:
    staging, prod = by_name("stripe", "acct_derrimut_staging"), by_name("stripe", "acct_derrimut_prod")
    assert staging is not None and prod is not None
    assert stripe_routes.rate_limit(staging) == RateLimit(25, 25), "Stripe test mode: 25 requests/s"
    assert stripe_routes.rate_limit(prod) == RateLimit(100, 100), "Stripe live mode: 100 requests/s"


def test_bad_control_requests_are_refused(sandbox: SandboxProcess) -> None:
    assert sandbox.http.post("/_sandbox/faults", json={"kind": "explode"}).status_code == 400
    assert sandbox.http.post("/_sandbox/load", content="[1]").status_code == 400
    assert sandbox.http.post("/_sandbox/fixtures/nope").status_code == 404


def test_the_derrimut_fixture(sandbox: SandboxProcess) -> None:
    created = sandbox.http.post("/_sandbox/fixtures/derrimut").json()["created"]
    staging = stripe.StripeClient(STRIPE_STAGING_KEY, base_addresses={"api": f"{sandbox.url}/stripe"})
    products = {p.id: p for p in staging.v1.products.list(params={"expand": ["data.default_price"]}).data}
    assert set(products) == {"18-month-minimum", "12-month-minimum", "no-lock-in", "12-month-upfront"}
    assert all(
        isinstance(p.default_price, stripe.Price) and p.default_price.currency == "aud"
        for p in products.values()
    )
    assert len(created["stripe"]["acct_derrimut_prod"]["webhook_endpoints"]) == 2
    live = stripe.StripeClient(STRIPE_PROD_KEY, base_addresses={"api": f"{sandbox.url}/stripe"})
    assert all(e.livemode for e in live.v1.webhook_endpoints.list().data)


def test_reset_empties_state_log_and_faults(sandbox: SandboxProcess) -> None:
    sandbox.http.post("/_sandbox/fixtures/derrimut")
    fault(sandbox, kind="status", status=500)
    sandbox.reset()
    assert sandbox.dump() == {} and sandbox.requests()["total"] == 0
    assert sandbox.http.get("/_sandbox/faults").json() == []


def test_seeded_sandboxes_make_the_same_ids(tmp_path: Path) -> None:
    def fixture_ids(run: str) -> object:
        server = SandboxProcess(tmp_path / run, seed=7)
        try:
            return server.http.post("/_sandbox/fixtures/derrimut").json()["created"]
        finally:
            server.stop()

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert fixture_ids("a") == fixture_ids("b")


def test_state_survives_a_restart(tmp_path: Path) -> None:
    server = SandboxProcess(tmp_path)
    server.http.post("/_sandbox/fixtures/derrimut")
    before = server.dump()
    server.stop()
    again = SandboxProcess(tmp_path)
    try:
        assert again.dump() == before
    finally:
        again.stop()


def test_env_prints_exports_and_json() -> None:
    text = subprocess.run(
        [str(VENV_BIN / "backstop"), "sandbox", "env", "--port", "9911"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "export BACKSTOP_STRIPE_BASE_URL=http://127.0.0.1:9911/stripe" in text.splitlines()
    values = json.loads(
        subprocess.run(
            [str(VENV_BIN / "backstop"), "sandbox", "env", "--port", "9911", "--json"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert values["PULUMI_CONFIG_PASSPHRASE"] == "backstop-sandbox-demo"
    assert values["PULUMI_BACKEND_URL"].startswith("file://")
    assert values["PULUMI_HOME"].endswith(".sandbox/pulumi-home")


def test_a_create_whose_answer_is_lost_is_replayed_not_duplicated(sandbox: SandboxProcess) -> None:
    fault(sandbox, vendor="stripe", method="POST", route=WE, kind="drop", drop="after", times=1)
    api = StripeApi(STRIPE_STAGING_KEY, f"{sandbox.url}/stripe")
    created = asyncio.run(
        api.create("webhook_endpoints", {"url": "https://x.example.com/", "enabled_events": ["*"]}, "key-1")
    )
    stored = sandbox.stripe_objects("acct_derrimut_staging", "webhook_endpoints")
    assert list(stored) == [created["id"]] and created["secret"] == stored[created["id"]]["secret"]
    assert sandbox.requests()["by_route"]["stripe POST /v1/webhook_endpoints"] == 2
