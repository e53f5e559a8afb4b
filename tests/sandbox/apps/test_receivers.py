"""The apps the sandbox plays, over plain HTTP: the Next.js app on Vercel and the Convex HTTP actions verify
deliveries with the values their variables hold (per Vercel target, per Convex deployment), name the
variable and where it lives in every answer, never its value, and stay out of the vendors' request log."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import stripe

from sandbox.apps.models import NEXTJS_RECEIVERS, Host
from tests.support import SandboxProcess

PROJECT = "prj_DerrimutPlatformSandbox00001"
BODY = '{"id":"evt_backstop_test_1","object":"event","type":"backstop.test.ping","livemode":false}'


@pytest.fixture
def derrimut(sandbox: SandboxProcess) -> Iterator[SandboxProcess]:
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    yield sandbox


def stripe_post(sandbox: SandboxProcess, host_path: str, secret: str) -> httpx.Response:
    header = stripe.WebhookSignature.generate_signature_header(BODY, secret, timestamp=int(time.time()))
    return sandbox.http.post(f"/apps/{host_path}", content=BODY, headers={"Stripe-Signature": header})


def set_vercel(
    sandbox: SandboxProcess, name: str, target: str, value: str, branch: str | None = None
) -> None:
    state = sandbox.dump()
    env: list[dict[str, Any]] = state["vercel"]["team_derrimut"]["projects"][PROJECT]["env"]
    for var in env:
        if var["key"] == name and var["target"] == [target] and var.get("gitBranch") == branch:
            var["value"] = value
            break
    else:
        env.append(
            {"key": name, "target": [target], "value": value, "type": "sensitive", "id": f"env_{len(env)}"}
        )
        if branch:
            env[-1]["gitBranch"] = branch
    sandbox.load(state)


def test_each_vercel_target_verifies_with_its_own_value(derrimut: SandboxProcess) -> None:
    set_vercel(derrimut, "STRIPE_WEBHOOK_SECRET", "production", "whsec_canaryProduction")
    set_vercel(derrimut, "STRIPE_WEBHOOK_SECRET", "preview", "whsec_canaryPreview")

    ok = stripe_post(derrimut, "www.derrimut247.com.au/api/webhooks/stripe", "whsec_canaryProduction")
    assert ok.status_code == 200, ok.text
    assert ok.json() == {
        "variable": "STRIPE_WEBHOOK_SECRET",
        "where": f"Vercel project derrimut-platform ({PROJECT}), target production",
        "received": True,
        "event": {"id": "evt_backstop_test_1", "type": "backstop.test.ping", "livemode": False},
    }
    assert stripe_post(
        derrimut, "staging.derrimut247.com.au/api/webhooks/stripe", "whsec_canaryPreview"
    ).is_success

    refused = stripe_post(
        derrimut, "staging.derrimut247.com.au/api/webhooks/stripe", "whsec_canaryProduction"
    )
    assert refused.status_code == 400
    assert refused.text.startswith(
        '{"variable":"STRIPE_WEBHOOK_SECRET","where":"Vercel project derrimut-platform '
        f'({PROJECT}), target preview","error":"signature refused'
    )
    assert "whsec_canary" not in refused.text, "an answer never shows a value"


def test_a_branchs_own_preview_value_wins_over_the_branchless_one(derrimut: SandboxProcess) -> None:
    set_vercel(derrimut, "STRIPE_WEBHOOK_SECRET", "preview", "whsec_canaryPreview")
    set_vercel(derrimut, "STRIPE_WEBHOOK_SECRET", "preview", "whsec_canaryBranch", branch="release")
    state = derrimut.dump()
    state["apps"]["derrimut"]["hosts"]["release.derrimut247.com.au"] = Host(
        app="derrimut-platform",
        runtime="vercel",
        team="team_derrimut",
        project=PROJECT,
        target="preview",
        git_branch="release",
        receivers=list(NEXTJS_RECEIVERS),
    ).model_dump(mode="json")
    derrimut.load(state)
    path = "release.derrimut247.com.au/api/webhooks/stripe"
    assert stripe_post(derrimut, path, "whsec_canaryBranch").is_success
    assert stripe_post(derrimut, path, "whsec_canaryPreview").status_code == 400


def test_the_convex_http_actions_verify_with_the_deployments_variables(derrimut: SandboxProcess) -> None:
    dump = derrimut.dump()
    prod = dump["convex"]["spotted-gerbil-236"]["_environment_variables"]["STRIPE_WEBHOOK_SECRET"]["value"]
    path = "spotted-gerbil-236.convex.site/stripe/webhook"
    ok = stripe_post(derrimut, path, prod)
    assert ok.status_code == 200 and ok.json()["where"] == "Convex deployment spotted-gerbil-236", ok.text
    staging = stripe_post(derrimut, "quiet-otter-512.convex.site/stripe/webhook", prod)
    assert staging.status_code == 400 and "Convex deployment quiet-otter-512" in staging.text

    del dump["convex"]["spotted-gerbil-236"]["_environment_variables"]["STRIPE_WEBHOOK_SECRET"]
    derrimut.load(dump)
    unset = stripe_post(derrimut, path, prod)
    assert unset.status_code == 500
    assert unset.json()["error"] == "the variable is not set" and prod not in unset.text


def test_unknown_hosts_routes_and_methods(derrimut: SandboxProcess) -> None:
    nowhere = derrimut.http.post("/apps/shop.example.com/api/webhooks/stripe", content=BODY)
    assert nowhere.status_code == 404 and "no app is declared at host shop.example.com" in nowhere.text
    no_route = derrimut.http.post("/apps/www.derrimut247.com.au/api/hooks", content=BODY)
    assert no_route.status_code == 404 and "derrimut-platform has no route /api/hooks" in no_route.text
    assert derrimut.http.get("/apps/WWW.derrimut247.com.au/api/webhooks/stripe").status_code == 405
    unsigned = derrimut.http.post("/apps/www.derrimut247.com.au/api/webhooks/stripe", content=BODY)
    assert unsigned.status_code == 400 and "No stripe-signature header" in unsigned.text


def test_deliveries_stay_out_of_the_request_log_and_only_app_faults_reach_them(
    derrimut: SandboxProcess,
) -> None:
    derrimut.http.delete("/_sandbox/requests")
    derrimut.http.post("/_sandbox/faults", json={"kind": "status", "status": 503}).raise_for_status()
    path = "www.derrimut247.com.au/api/webhooks/stripe"
    assert stripe_post(derrimut, path, "whsec_wrong").status_code == 400, (
        "a fault for every vendor isn't an app's"
    )
    assert derrimut.http.get("/_sandbox/faults").json()[0]["fired"] == 0
    derrimut.http.post(
        "/_sandbox/faults",
        json={"vendor": "apps", "route": "/api/webhooks/stripe", "kind": "status", "status": 502},
    ).raise_for_status()
    assert stripe_post(derrimut, path, "whsec_wrong").status_code == 502
    assert derrimut.requests()["total"] == 0
