"""backstop:clerk:WebhookEndpoint: diff rules, and the Svix route from Clerk's App Portal link."""

from __future__ import annotations

from typing import Any

from tests.provider.clerk_harness import (
    INSTANCE,
    STAGING_KEY,
    Engine,
    check,
    configured,
    diff,
    run,
    seed,
    svix_endpoints,
    writes,
)
from tests.support import SandboxProcess

TOKEN = "backstop:clerk:WebhookEndpoint"
URL = "https://quiet-otter-512.convex.site/clerk-users-webhook"
INPUTS: dict[str, Any] = {
    "instanceId": INSTANCE,
    "uid": "convex-users",
    "url": URL,
    "eventTypes": ["user.created", "user.updated", "user.deleted"],
    "description": "Convex users sync",
    "disabled": False,
    "metadata": {"owner": "platform"},
    "throttleRate": None,
}


def test_the_order_of_events_does_not_matter_and_everything_updates_in_place() -> None:
    olds = {**INPUTS, "secret": "whsec_x", "svixAppId": "app_x"}
    assert diff(TOKEN, olds, {**INPUTS, "eventTypes": sorted(INPUTS["eventTypes"])}).changes is False
    changed = {**INPUTS, "url": "https://other.example.com/h", "disabled": True, "uid": "other"}
    result = diff(TOKEN, olds, changed)
    assert set(result.detailed_diff) == {"url", "disabled", "uid"} and result.replaces == []
    assert diff(TOKEN, olds, {**INPUTS, "instanceId": "ins_other"}).replaces == ["instanceId"]


def test_check_refuses_events_a_clerk_instance_never_sends() -> None:
    (failure,) = check(TOKEN, {**INPUTS, "eventTypes": ["invoice.paid"]}).failures or []
    assert failure.property == "eventTypes" and "unknown Clerk event type(s): invoice.paid" in failure.reason


def test_create_adopts_the_fixture_endpoint_by_url_and_gives_it_the_uid(sandbox: SandboxProcess) -> None:
    seed(sandbox)
    (fixture_id,) = svix_endpoints(sandbox)
    engine = Engine(configured(sandbox), TOKEN)
    sandbox.http.delete("/_sandbox/requests")

    async def scenario() -> tuple[str, Any]:
        resource_id, outputs = await engine.create("clerk-webhook-convex-users", INPUTS)
        return resource_id, outputs["secret"]

    resource_id, secret = run(scenario)
    live = svix_endpoints(sandbox)
    assert resource_id == fixture_id and list(live) == [fixture_id]
    assert live[fixture_id]["uid"] == "convex-users"
    assert secret.is_secret and secret.value == live[fixture_id]["secret"]
    assert writes(sandbox) == [
        "clerk POST /v1/webhooks/svix_url",
        "svix POST /api/v1/auth/one-time-token",
        "svix PATCH /api/v1/app/{app_id}/endpoint/{endpoint_id}",
    ]


def test_create_makes_the_svix_application_when_the_instance_has_none(sandbox: SandboxProcess) -> None:
    engine = Engine(configured(sandbox), TOKEN)

    async def scenario() -> str:
        resource_id, _ = await engine.create("clerk-webhook-convex-users", INPUTS)
        return resource_id

    resource_id = run(scenario)
    endpoint = svix_endpoints(sandbox)[resource_id]
    assert (endpoint["uid"], endpoint["url"], endpoint["eventTypes"]) == (
        "convex-users",
        URL,
        INPUTS["eventTypes"],
    )
    assert sandbox.dump()["clerk"][INSTANCE]["instance"][INSTANCE]["svix_app_id"] == endpoint["appId"]


def test_a_lost_create_answer_is_replayed_by_its_idempotency_key(sandbox: SandboxProcess) -> None:
    fault = {
        "vendor": "svix",
        "method": "POST",
        "route": "/api/v1/app/{app_id}/endpoint",
        "kind": "drop",
        "drop": "after",
        "times": 1,
    }
    sandbox.http.post("/_sandbox/faults", json=fault).raise_for_status()
    engine = Engine(configured(sandbox), TOKEN)

    async def scenario() -> str:
        resource_id, _ = await engine.create("clerk-webhook-convex-users", INPUTS)
        return resource_id

    resource_id = run(scenario)
    assert list(svix_endpoints(sandbox)) == [resource_id], "no duplicate endpoint"
    routes = sandbox.requests()["by_route"]
    assert routes["svix POST /api/v1/app/{app_id}/endpoint"] == 2


def test_reads_keep_the_secret_current_and_report_a_lost_application_as_gone(sandbox: SandboxProcess) -> None:
    seed(sandbox)
    (fixture_id,) = svix_endpoints(sandbox)
    engine = Engine(configured(sandbox), TOKEN)

    async def read() -> tuple[str, dict[str, Any]]:
        return await engine.read(fixture_id, {**INPUTS, "secret": "whsec_old"})

    resource_id, outputs = run(read)
    assert resource_id == fixture_id and outputs["secret"] == svix_endpoints(sandbox)[fixture_id]["secret"]
    assert outputs["uid"] is None, "the fixture endpoint has no uid until Backstop adopts it"

    clerk = sandbox.http.delete("/clerk/v1/webhooks/svix", headers={"Authorization": f"Bearer {STAGING_KEY}"})
    assert clerk.status_code == 204
    fresh = Engine(configured(sandbox), TOKEN)
    sandbox.http.delete("/_sandbox/requests")

    async def gone() -> tuple[str, dict[str, Any]]:
        return await fresh.read(fixture_id, INPUTS)

    assert run(gone) == ("", {})
    assert writes(sandbox) == ["clerk POST /v1/webhooks/svix_url"], "a read never makes an application"
