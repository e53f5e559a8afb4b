"""Authentication, JSON parsing, unknown routes, faults, rate limits, the request log, and the derrimut
fixture of the Vapi emulation."""

from __future__ import annotations

import pytest
from vapi import Vapi
from vapi.core.api_error import ApiError

from sandbox.vapi.errors import INVALID_KEY
from sandbox.vapi.fixtures import TOOLS_URL
from sandbox.vapi.models import org_id
from tests.sandbox.vapi.conftest import NO_RETRIES, ORG, Api, Json, assert_nest_error, stored
from tests.support import SandboxProcess


def test_authentication(api: Api, sandbox: SandboxProcess) -> None:
    wrong = Vapi(token="5a4db0c5-0000-4000-8000-000000000000", base_url=f"{sandbox.url}/vapi")
    with pytest.raises(ApiError) as caught:
        wrong.assistants.list()
    assert caught.value.status_code == 401
    assert caught.value.body == {"message": INVALID_KEY, "error": "Unauthorized", "statusCode": 401}
    for headers in ({}, {"Authorization": "Basic eDp5"}, {"Authorization": "Bearer"}):
        response = sandbox.http.get("/vapi/assistant", headers=headers)
        assert response.status_code == 401 and response.json()["message"] == INVALID_KEY
    assert api.ok("GET", "/assistant") == []


def test_json_bodies(api: Api, sandbox: SandboxProcess) -> None:
    broken = api("POST", "/assistant", content=b'{"name": ', headers={"Content-Type": "application/json"})
    assert broken.status_code == 400 and "in JSON at position" in broken.json()["message"]
    assert api.error("POST", "/assistant", 400, json=["name"]) == ["request body must be a JSON object"]
    untyped = api(
        "POST", "/assistant", content=b'{"name": "ignored"}', headers={"Content-Type": "text/plain"}
    )
    assert untyped.status_code == 201 and "name" not in untyped.json(), "NestJS reads only JSON bodies"
    assert len(stored(sandbox, "assistants")) == 1


def test_unknown_routes_are_nest_404s(api: Api) -> None:
    assert api.error("GET", "/assistants", 404) == "Cannot GET /assistants"
    assert api.error("PUT", "/tool", 404, json={}) == "Cannot PUT /tool"
    assert api.error("POST", "/squad/abc", 404, json={}) == "Cannot POST /squad/abc"


def test_injected_faults_use_the_nest_envelope(api: Api, sandbox: SandboxProcess) -> None:
    sandbox.http.post(
        "/_sandbox/faults",
        json={
            "vendor": "vapi",
            "route": "/assistant",
            "kind": "status",
            "status": 503,
            "times": 1,
            "headers": {"Retry-After": "1"},
        },
    ).raise_for_status()
    with pytest.raises(ApiError) as caught:
        api.sdk.assistants.list(request_options=NO_RETRIES)
    assert caught.value.status_code == 503 and caught.value.headers is not None
    assert caught.value.headers["retry-after"] == "1"
    assert_nest_error(503, caught.value.body)
    assert api.sdk.assistants.list() == []


def test_no_documented_rate_limit_but_one_can_be_configured(api: Api, sandbox: SandboxProcess) -> None:
    sandbox.http.post("/_sandbox/ratelimits", json={"enabled": True}).raise_for_status()
    for _ in range(30):
        api.ok("GET", "/tool")
    sandbox.http.post(
        "/_sandbox/ratelimits", json={"enabled": True, "vendors": {"vapi": {"rate": 0.001, "burst": 1}}}
    ).raise_for_status()
    api.ok("GET", "/tool")
    limited = api("GET", "/tool")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert limited.json()["error"] == "Too Many Requests"
    sandbox.http.delete("/_sandbox/ratelimits").raise_for_status()


def test_request_log(api: Api, sandbox: SandboxProcess) -> None:
    tool = api.ok("POST", "/tool", 201, json={"type": "dtmf"})
    api.ok("GET", f"/tool/{tool['id']}")
    api.error("GET", "/tool/not-a-uuid", 400)
    log = sandbox.requests()
    assert log["by_route"]["vapi POST /tool"] == 1 and log["by_route"]["vapi GET /tool/{id}"] == 2
    assert log["by_vendor"]["vapi"] == 3


def test_the_derrimut_fixture(api: Api, sandbox: SandboxProcess, derrimut: Json) -> None:
    assistants = {a["name"]: a for a in api.ok("GET", "/assistant")}
    assert set(assistants) == {
        "Derrimut Receptionist",
        "Derrimut Membership Help",
        "staging-Derrimut Receptionist",
        "staging-Derrimut Membership Help",
    }
    (tool,) = api.ok("GET", "/tool")
    assert tool["type"] == "function" and tool["function"]["name"] == "get_membership_status"
    assert tool["server"]["url"] == TOOLS_URL and [tool["id"]] == derrimut["tools"]
    for prefix in ("", "staging-"):
        assert assistants[f"{prefix}Derrimut Membership Help"]["model"]["toolIds"] == [tool["id"]]
    squads = {s["name"]: s for s in api.ok("GET", "/squad")}
    assert set(squads) == {"Derrimut voice agent", "staging-Derrimut voice agent"}
    for prefix in ("", "staging-"):
        members = squads[f"{prefix}Derrimut voice agent"]["members"]
        assert [m["assistantId"] for m in members] == [
            assistants[f"{prefix}Derrimut Receptionist"]["id"],
            assistants[f"{prefix}Derrimut Membership Help"]["id"],
        ]
    everything = [*assistants.values(), tool, *squads.values(), *api.ok("GET", "/workflow")]
    assert {o["orgId"] for o in everything} == {org_id(ORG)}
    dump = sandbox.dump()["vapi"][ORG]
    assert {k: len(v) for k, v in dump.items() if not k.startswith("_")} == {
        "tools": 1,
        "assistants": 4,
        "squads": 2,
        "workflows": 1,
    }
