"""From Clerk's svix_url to the Svix API: the one-time-token exchange, and what the token may reach."""

from __future__ import annotations

import httpx
import pytest
from clerk_backend_api import Clerk
from svix.api import EndpointIn, Svix, SvixOptions
from svix.api.errors.http_error import HttpError

from tests.sandbox.clerk.harness import STAGING_KEY
from tests.sandbox.svix.harness import EXCHANGE, Portal, Traffic, decode, exchange, svix_url
from tests.support import SandboxProcess


def portal_http(sandbox: SandboxProcess, traffic: Traffic) -> httpx.Client:
    return httpx.Client(base_url=f"{sandbox.url}/svix", event_hooks={"response": [traffic.record]})


def test_the_whole_route_from_clerk_to_an_endpoint(sandbox: SandboxProcess, traffic: Traffic) -> None:
    url = svix_url(sandbox)
    fragment = decode(url)
    assert fragment["region"] == "us"
    http = portal_http(sandbox, traffic)
    exchanged = exchange(http, fragment["oneTimeToken"])
    assert exchanged.status_code == 200
    body = exchanged.json()
    assert body["token"].startswith("appsk_") and {"ManageEndpoint", "ViewEndpointSecret"} <= set(
        body["capabilities"]
    )
    client = Svix(body["token"], SvixOptions(server_url=f"{sandbox.url}/svix", retry_schedule=[]))
    created = client.endpoint.create(
        fragment["appId"], EndpointIn(url="https://quiet-otter-512.convex.site/clerk-users-webhook")
    )
    assert [e.id for e in client.endpoint.list(fragment["appId"]).data] == [created.id]


def test_a_one_time_token_works_once(sandbox: SandboxProcess, traffic: Traffic) -> None:
    http = portal_http(sandbox, traffic)
    token = decode(svix_url(sandbox))["oneTimeToken"]
    assert http.post(f"{EXCHANGE}/", json={"oneTimeToken": token}).status_code == 200
    reused = exchange(http, token)
    assert reused.status_code == 401 and reused.json()["code"] == "authentication_failed"
    assert http.post(EXCHANGE, json={}).status_code == 422
    assert exchange(http, "made-up").status_code == 401


@pytest.mark.parametrize("header", [None, "Bearer appsk_wrong", "Basic abc"])
def test_the_api_needs_an_exchanged_token(portal: Portal, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = portal.http.get(f"/api/v1/app/{portal.app_id}/endpoint", headers=headers)
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


def test_a_token_reaches_its_own_application_only(portal: Portal, prod_portal: Portal) -> None:
    prod_portal.svix.endpoint.create(
        prod_portal.app_id, EndpointIn(url="https://spotted-gerbil-236.convex.site/h")
    )
    with pytest.raises(HttpError) as caught:
        portal.svix.endpoint.list(prod_portal.app_id)
    assert caught.value.status_code == 403
    unknown = portal.raw("GET", "/api/v1/app/app_unknown/endpoint")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    assert portal.svix.endpoint.list(portal.app_id).data == []


def test_deleting_the_app_ends_its_tokens(sandbox: SandboxProcess, portal: Portal) -> None:
    portal.svix.endpoint.create(portal.app_id, EndpointIn(url="https://quiet-otter-512.convex.site/h"))
    Clerk(bearer_auth=STAGING_KEY, server_url=f"{sandbox.url}/clerk/v1").webhooks.delete_svix_app()
    response = portal.raw("GET", f"/api/v1/app/{portal.app_id}/endpoint")
    assert response.status_code == 401
    assert sandbox.dump()["svix"]["ins_derrimut_staging"]["endpoints"] == {}


def test_unknown_svix_paths_are_not_found(portal: Portal) -> None:
    response = portal.raw("GET", f"/api/v1/app/{portal.app_id}/msg")
    assert response.status_code == 404 and response.json() == {
        "code": "not_found",
        "detail": "Entity not found",
    }


def test_injected_faults_and_configured_limits_use_svixs_envelope(
    sandbox: SandboxProcess, portal: Portal
) -> None:
    fault = {"vendor": "svix", "method": "GET", "kind": "status", "status": 503, "times": 1}
    sandbox.http.post("/_sandbox/faults", json=fault).raise_for_status()
    with pytest.raises(HttpError) as caught:
        portal.svix.endpoint.list(portal.app_id)
    assert (caught.value.status_code, caught.value.code) == (503, "internal_server_error")
    limits = {"enabled": True, "vendors": {"svix": {"rate": 0.001, "burst": 1}}}
    sandbox.http.post("/_sandbox/ratelimits", json=limits).raise_for_status()
    assert portal.raw("GET", f"/api/v1/app/{portal.app_id}/endpoint").status_code == 200
    limited = portal.raw("GET", f"/api/v1/app/{portal.app_id}/endpoint")
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert "Retry-After" in limited.headers
