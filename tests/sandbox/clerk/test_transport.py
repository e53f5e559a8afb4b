"""Clerk transport: authentication, the API version header, bodies, instance isolation, rate limits,
injected faults and the request log."""

from __future__ import annotations

import pytest
from clerk_backend_api import Clerk, models

from tests.sandbox.clerk.harness import PROD_KEY, STAGING_KEY, Raw, error_codes
from tests.support import STRIPE_STAGING_KEY, SandboxProcess


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "clerk_key_invalid"),
        ({"Authorization": "Bearer sk_test_wrong"}, "clerk_key_invalid"),
        ({"Authorization": f"Bearer {STRIPE_STAGING_KEY}"}, "clerk_key_invalid"),
        ({"Authorization": f"Basic {STAGING_KEY}"}, "authorization_header_format_invalid"),
    ],
)
def test_authentication_failures_are_401(raw: Raw, headers: dict[str, str], code: str) -> None:
    response = raw("GET", "/redirect_urls", key=None, headers=headers)
    assert response.status_code == 401 and error_codes(response) == [code]
    assert response.json()["clerk_trace_id"]


def test_the_sdk_sees_a_wrong_key(sandbox: SandboxProcess, staging: Clerk) -> None:
    wrong = Clerk(bearer_auth="sk_live_nope", server_url=f"{sandbox.url}/clerk/v1", retry_config=None)
    with pytest.raises(models.SDKError) as caught:
        wrong.redirect_urls.list()
    assert caught.value.status_code == 401 and "clerk_key_invalid" in caught.value.body


def test_api_version_header(raw: Raw) -> None:
    assert raw("GET", "/redirect_urls", headers={"Clerk-API-Version": "2026-05-12"}).status_code == 200
    response = raw("GET", "/redirect_urls", headers={"Clerk-API-Version": "2019-01-01"})
    assert response.status_code == 400 and error_codes(response) == ["api_version_invalid"]


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '"url"'])
def test_bodies_must_be_json_objects(raw: Raw, content: str) -> None:
    response = raw("POST", "/redirect_urls", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and error_codes(response) == ["request_body_invalid"]


def test_instances_are_isolated(staging: Clerk, prod: Clerk) -> None:
    staging.redirect_urls.create(request={"url": "https://staging.derrimut247.com.au/sso-callback"})
    assert prod.redirect_urls.list() == []
    prod.allowlist_identifiers.create(request={"identifier": "*@derrimut247.com.au"})
    assert staging.allowlist_identifiers.list() == []
    assert staging.instance_settings.get().id != prod.instance_settings.get().id


def test_the_documented_development_rate_limit(sandbox: SandboxProcess, raw: Raw) -> None:
    """100 requests per 10 s for a development instance; the production instance has its own bucket."""
    sandbox.http.post("/_sandbox/ratelimits", json={"enabled": True}).raise_for_status()
    statuses = [raw("GET", "/instance").status_code for _ in range(115)]
    first_429 = statuses.index(429)
    assert 100 <= first_429 <= 110 and all(s == 200 for s in statuses[:first_429])
    limited = raw("GET", "/instance")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert error_codes(limited) == ["too_many_requests"]
    assert raw("GET", "/instance", key=PROD_KEY).status_code == 200


def test_injected_faults_use_clerks_envelope(sandbox: SandboxProcess, raw: Raw) -> None:
    fault = {"vendor": "clerk", "route": "/v1/jwt_templates", "kind": "status", "status": 503, "times": 1}
    sandbox.http.post("/_sandbox/faults", json=fault).raise_for_status()
    response = raw("GET", "/jwt_templates")
    assert response.status_code == 503 and error_codes(response) == ["internal_clerk_error"]
    assert raw("GET", "/jwt_templates").status_code == 200


def test_the_request_log_names_the_instance(sandbox: SandboxProcess, staging: Clerk, prod: Clerk) -> None:
    staging.redirect_urls.create(request={"url": "https://a.example.com/cb"})
    prod.domains.list()
    entries = [(e["vendor"], e["account"], e["route"]) for e in sandbox.requests()["requests"]]
    assert entries == [
        ("clerk", "ins_derrimut_staging", "/v1/redirect_urls"),
        ("clerk", "ins_derrimut_prod", "/v1/domains"),
    ]


def test_dump_and_load_round_trip(sandbox: SandboxProcess, staging: Clerk) -> None:
    created = staging.redirect_urls.create(request={"url": "https://a.example.com/cb"})
    state = sandbox.dump()
    state["clerk"]["ins_derrimut_staging"]["redirect_urls"][created.id]["url"] = "https://b.example.com/cb"
    del state["clerk"]["ins_derrimut_staging"]["roles"]
    sandbox.load(state)
    assert staging.redirect_urls.get(id=created.id).url == "https://b.example.com/cb"
    assert {r.key for r in staging.organization_roles.list().data} == {"org:admin", "org:member"}
