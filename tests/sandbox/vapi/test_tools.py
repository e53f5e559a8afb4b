"""Tools through vapi-server-sdk 3.0.0: the create oneOf by `type`, partial PATCH with an immutable
`type`, delete returning the object (409 while pinned), and validation as Vapi's NestJS API words it."""

from __future__ import annotations

from typing import Any

import pytest
from vapi.core.api_error import ApiError
from vapi.errors.conflict_error import ConflictError
from vapi.tools.types.create_tools_request import (
    CreateToolsRequest_ApiRequest,
    CreateToolsRequest_Dtmf,
    CreateToolsRequest_EndCall,
    CreateToolsRequest_Function,
    CreateToolsRequest_Query,
    CreateToolsRequest_TransferCall,
)
from vapi.tools.types.update_tools_request_body import UpdateToolsRequestBody_Function

from sandbox.vapi.models import org_id
from sandbox.vapi.schema import is_uuid, parse_datetime
from tests.sandbox.vapi.conftest import NO_RETRIES, ORG, Api, Json, stored
from tests.support import SandboxProcess

TOOLS_URL = "https://www.derrimut247.com.au/api/vapi/tools"
FUNCTION: Json = {
    "type": "function",
    "function": {
        "name": "get_membership_status",
        "description": "Membership lookup",
        "parameters": {
            "type": "object",
            "properties": {"user_id": {"type": "string"}},
            "required": ["user_id"],
        },
    },
    "server": {"url": TOOLS_URL, "timeoutSeconds": 20},
}
TYPES = (
    "apiRequest, code, dtmf, endCall, function, transferCall, handoff, bash, computer, textEditor, query, "
    "google.calendar.event.create, google.sheets.row.append, google.calendar.availability.check, "
    "slack.message.send, sms, mcp, gohighlevel.calendar.availability.check, "
    "gohighlevel.calendar.event.create, gohighlevel.contact.create, gohighlevel.contact.get, sipRequest, "
    "voicemail"
)


def dumped(model: Any) -> Json:
    data: Json = model.dict(by_alias=True, exclude_unset=True)
    return data


def test_each_documented_type_is_created_with_201(api: Api) -> None:
    requests: list[Any] = [
        CreateToolsRequest_Function.model_validate(FUNCTION),
        CreateToolsRequest_ApiRequest.model_validate(
            {
                "type": "apiRequest",
                "name": "membership_lookup",
                "method": "POST",
                "url": TOOLS_URL,
                "timeoutSeconds": 30,
                "headers": {"type": "object", "properties": {}},
                "body": {"type": "object", "properties": {"user_id": {"type": "string"}}},
            }
        ),
        CreateToolsRequest_EndCall.model_validate(
            {"type": "endCall", "messages": [{"type": "request-start", "content": "Goodbye!"}]}
        ),
        CreateToolsRequest_TransferCall.model_validate(
            {
                "type": "transferCall",
                "destinations": [{"type": "number", "number": "+61390001234", "message": "Connecting you."}],
            }
        ),
        CreateToolsRequest_Dtmf.model_validate({"type": "dtmf"}),
        CreateToolsRequest_Query.model_validate(
            {
                "type": "query",
                "knowledgeBases": [
                    {"provider": "google", "name": "faq", "description": "Gym FAQ", "fileIds": ["f-1"]}
                ],
            }
        ),
    ]
    for request in requests:
        created = api.sdk.tools.create(request=request)
        assert api.seen[-1][2] == 201
        assert created.type == request.type and is_uuid(created.id)
        assert created.org_id == org_id(ORG)
        assert created.created_at == created.updated_at
        body = api.seen[-1][3]
        assert parse_datetime(body["createdAt"]) is not None and body["createdAt"].endswith("Z")
        assert {
            k: v for k, v in body.items() if k not in ("id", "orgId", "createdAt", "updatedAt")
        } == dumped(request)
        assert api.ok("GET", f"/tool/{created.id}") == body
    assert [t.type for t in api.sdk.tools.list()] == [r.type for r in reversed(requests)]


@pytest.mark.parametrize(
    ("body", "messages"),
    [
        ({"type": "webhook"}, [f"type must be one of the following values: {TYPES}"]),
        ({"function": {"name": "x"}}, [f"type must be one of the following values: {TYPES}"]),
        (
            {"type": "apiRequest"},
            [
                "method must be one of the following values: POST, GET, PUT, PATCH, DELETE",
                "url must be a string",
            ],
        ),
        (
            {"type": "apiRequest", "method": "GET", "url": TOOLS_URL, "timeoutSeconds": 0, "name": "a" * 41},
            [
                "name must be shorter than or equal to 40 characters",
                "name must match /^[a-zA-Z0-9_-]{1,40}$/ regular expression",
                "timeoutSeconds must not be less than 1",
            ],
        ),
        (
            {**FUNCTION, "function": {"name": "get membership"}},
            ["function.name must match /^[a-zA-Z0-9_-]{1,64}$/ regular expression"],
        ),
        (
            {**FUNCTION, "name": "membership", "server": {"url": TOOLS_URL, "secret": "s"}},
            ["property name should not exist", "server.property secret should not exist"],
        ),
        ({**FUNCTION, "async": "yes"}, ["async must be a boolean value"]),
        ({"type": "transferCall", "destinations": [{"type": "pigeon"}]}, None),
    ],
)
def test_invalid_bodies_get_400_with_every_message(
    api: Api, sandbox: SandboxProcess, body: Json, messages: list[str] | None
) -> None:
    with pytest.raises(ApiError) as caught:
        api.sdk.tools.create(request=body)
    assert caught.value.status_code == 400
    got = caught.value.body["message"]
    if messages is None:
        assert got[0].startswith("destinations.0.type must be one of the following values: ")
    else:
        assert got == messages
    assert stored(sandbox, "tools") == {}


def test_patch_is_partial_and_moves_updated_at(api: Api) -> None:
    created = api.sdk.tools.create(request=CreateToolsRequest_Function.model_validate(FUNCTION))
    before = api.seen[-1][3]
    updated = api.sdk.tools.update(created.id, request=UpdateToolsRequestBody_Function(async_=True))
    after = api.seen[-1][3]
    assert api.seen[-1][0] == "PATCH" and api.seen[-1][2] == 200
    assert after == {**before, "async": True, "updatedAt": after["updatedAt"]}
    assert updated.updated_at > created.updated_at and updated.created_at == created.created_at
    assert api.ok("GET", f"/tool/{created.id}") == after
    again = api.ok("PATCH", f"/tool/{created.id}", json={})
    assert again["updatedAt"] > after["updatedAt"], "every edit moves updatedAt"


def test_type_is_immutable(api: Api, sandbox: SandboxProcess) -> None:
    created = api.ok("POST", "/tool", 201, json=FUNCTION)
    same = api.ok("PATCH", f"/tool/{created['id']}", json={"type": "function", "async": True})
    assert same["type"] == "function" and same["async"] is True
    assert api.error("PATCH", f"/tool/{created['id']}", 400, json={"type": "apiRequest"}) == [
        "type must be one of the following values: function"
    ]
    assert api.error("PATCH", f"/tool/{created['id']}", 400, json={"url": TOOLS_URL}) == [
        "property url should not exist"
    ]
    assert stored(sandbox, "tools")[created["id"]]["type"] == "function"


def test_delete_returns_the_object_then_404(api: Api) -> None:
    created = api.sdk.tools.create(request=CreateToolsRequest_Function.model_validate(FUNCTION))
    body = api.seen[-1][3]
    deleted = api.sdk.tools.delete(created.id)
    assert api.seen[-1][2] == 200 and api.seen[-1][3] == body and deleted.id == created.id
    for operation in ("get", "delete"):
        with pytest.raises(ApiError) as caught:
            getattr(api.sdk.tools, operation)(created.id)
        assert (caught.value.status_code, caught.value.body["message"]) == (404, "Tool not found")
    assert api.error("GET", "/tool/not-a-uuid", 400) == "Validation failed (uuid is expected)"


def test_a_tool_pinned_by_an_assistant_cannot_be_deleted(api: Api) -> None:
    tool = api.ok("POST", "/tool", 201, json=FUNCTION)
    model = {"provider": "openai", "model": "gpt-4o", "toolRefs": [{"toolId": tool["id"], "version": "v1"}]}
    assistant = api.ok("POST", "/assistant", 201, json={"name": "Pinner", "model": model})
    with pytest.raises(ConflictError) as caught:
        api.sdk.tools.delete(tool["id"], request_options=NO_RETRIES)
    assert caught.value.status_code == 409 and caught.value.body["error"] == "tool_pinned"
    assert tool["id"] in caught.value.body["message"]
    api.ok("PATCH", f"/assistant/{assistant['id']}", json={"model": {**model, "toolRefs": []}})
    assert api.ok("DELETE", f"/tool/{tool['id']}")["id"] == tool["id"]


def test_tool_ids_of_a_model_need_not_exist(api: Api) -> None:
    """Only pins block deletes: a tool named in model.toolIds goes, and the id dangles (see DEVIATIONS)."""
    tool = api.ok("POST", "/tool", 201, json=FUNCTION)
    model = {"provider": "openai", "model": "gpt-4o", "toolIds": [tool["id"]]}
    assistant = api.ok("POST", "/assistant", 201, json={"model": model})
    api.ok("DELETE", f"/tool/{tool['id']}")
    assert api.ok("GET", f"/assistant/{assistant['id']}")["model"]["toolIds"] == [tool["id"]]
