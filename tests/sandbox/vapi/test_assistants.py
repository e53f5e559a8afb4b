"""Assistants through vapi-server-sdk 3.0.0: documented ranges and enums, NestJS whitelisting
("property X should not exist"), partial PATCH where null clears, and delete (409 while a squad pins it)."""

from __future__ import annotations

from typing import Any

import pytest
from vapi.core.api_error import ApiError
from vapi.errors.conflict_error import ConflictError

from tests.sandbox.vapi.conftest import NO_RETRIES, Api, Json, document, stored
from tests.support import SandboxProcess

MODEL: Json = {
    "provider": "openai",
    "model": "gpt-4o",
    "temperature": 0.4,
    "messages": [{"role": "system", "content": "You answer calls for Derrimut 24:7 Gym."}],
}
VOICE: Json = {"provider": "11labs", "voiceId": "charlotte"}
TRANSCRIBER: Json = {"provider": "deepgram", "model": "nova-2", "language": "en-AU"}
MODES = (
    "assistant-speaks-first, assistant-speaks-first-with-model-generated-message, assistant-waits-for-user"
)


def test_create_get_and_the_model_carries_tool_ids(api: Api) -> None:
    tool = api.ok("POST", "/tool", 201, json={"type": "endCall"})
    created = api.sdk.assistants.create(
        name="Derrimut Receptionist",
        first_message="Hi {{full_name}}, thanks for calling Derrimut 24:7 Gym.",
        first_message_mode="assistant-speaks-first",
        model={**MODEL, "toolIds": [tool["id"]]},
        voice=VOICE,
        transcriber=TRANSCRIBER,
        max_duration_seconds=600,
        metadata={"stack": "prod"},
    )
    method, path, status, body = api.seen[-1]
    assert (method, path, status) == ("POST", "/assistant", 201)
    assert body["model"] == {**MODEL, "toolIds": [tool["id"]]} and body["voice"] == VOICE
    assert body["name"] == created.name == "Derrimut Receptionist" and body["maxDurationSeconds"] == 600
    fetched = api.sdk.assistants.get(created.id)
    assert api.seen[-1][3] == body and fetched.model is not None
    assert api.ok("POST", "/assistant", 201, json={})["id"] != created.id, (
        "CreateAssistantDTO requires nothing"
    )


@pytest.mark.parametrize(
    ("body", "messages"),
    [
        ({"name": "N" * 41}, ["name must be shorter than or equal to 40 characters"]),
        ({"name": 40}, ["name must be a string"]),
        ({"maxDurationSeconds": 9}, ["maxDurationSeconds must not be less than 10"]),
        ({"maxDurationSeconds": 43201}, ["maxDurationSeconds must not be greater than 43200"]),
        (
            {"maxDurationSeconds": "600"},
            ["maxDurationSeconds must be a number conforming to the specified constraints"],
        ),
        (
            {"firstMessageMode": "assistant-speaks-last"},
            [f"firstMessageMode must be one of the following values: {MODES}"],
        ),
        ({"toolIds": ["x"]}, ["property toolIds should not exist"]),
        ({"id": "x", "orgId": "y"}, ["property id should not exist", "property orgId should not exist"]),
        (
            {"model": {**MODEL, "tools_ids": [], "temperature": 3}},
            ["model.property tools_ids should not exist", "model.temperature must not be greater than 2"],
        ),
        (
            {"voice": {"provider": "cartesia", "voiceId": "v", "speed": 1.1}},
            ["voice.property speed should not exist"],
        ),
        ({"voice": "charlotte"}, ["nested property voice must be either object or array"]),
        (
            {"endCallPhrases": ["bye", "x"]},
            ["each value in endCallPhrases must be longer than or equal to 2 characters"],
        ),
        ({"clientMessages": ["transcript", "gossip"]}, None),
        (
            {"name": "N" * 41, "maxDurationSeconds": 5, "colour": "red"},
            [
                "property colour should not exist",
                "maxDurationSeconds must not be less than 10",
                "name must be shorter than or equal to 40 characters",
            ],
        ),
    ],
)
def test_validation_lists_every_message(
    api: Api, sandbox: SandboxProcess, body: Json, messages: list[str] | None
) -> None:
    response = api("POST", "/assistant", json=body)
    assert response.status_code == 400
    got = response.json()["message"]
    if messages is None:
        assert len(got) == 1 and got[0].startswith(
            "each value in clientMessages must be one of the following"
        )
    else:
        assert got == messages
    assert stored(sandbox, "assistants") == {}


def test_sdk_surfaces_the_validation_error(api: Api) -> None:
    with pytest.raises(ApiError) as caught:
        api.sdk.assistants.create(name="N" * 41, max_duration_seconds=43200)
    assert caught.value.status_code == 400
    assert caught.value.body == {
        "message": ["name must be shorter than or equal to 40 characters"],
        "error": "Bad Request",
        "statusCode": 400,
    }
    for bound in (10, 43200):
        assert (
            api.ok("POST", "/assistant", 201, json={"maxDurationSeconds": bound})["maxDurationSeconds"]
            == bound
        )


def test_patch_is_partial_and_replaces_nested_objects_whole(api: Api) -> None:
    created = api.ok("POST", "/assistant", 201, json={"name": "Help", "model": MODEL, "voice": VOICE})
    renamed = api.sdk.assistants.update(created["id"], name="Membership Help")
    body = api.seen[-1][3]
    assert renamed.name == "Membership Help" and body["model"] == MODEL and body["voice"] == VOICE
    assert body["updatedAt"] > created["updatedAt"] and body["createdAt"] == created["createdAt"]
    model = {"provider": "anthropic", "model": "claude-3-5-sonnet-20241022"}
    assert api.ok("PATCH", f"/assistant/{created['id']}", json={"model": model})["model"] == model
    assert api.error("PATCH", f"/assistant/{created['id']}", 400, json={"firstMessageMode": "x"}) == [
        f"firstMessageMode must be one of the following values: {MODES}"
    ]


def test_null_clears_a_field_and_reads_back_as_null(api: Api, sandbox: SandboxProcess) -> None:
    """A DEVIATION: the real API returns the cleared field as null (VGIT canonical.ts), where the document
    has voicemailMessage as a plain string."""
    created = api.ok("POST", "/assistant", 201, json={"name": "Help", "voicemailMessage": "Call us back"})
    api.sdk.assistants.update(created["id"], voicemail_message=None)
    method, path, status, body = api.deviation()
    assert body["voicemailMessage"] is None and body["name"] == "Help"
    problems = document("vapi").errors(method, path, status, body)
    assert problems and all(p.startswith("voicemailMessage:") for p in problems), problems
    api("GET", f"/assistant/{created['id']}")
    assert api.deviation()[3]["voicemailMessage"] is None
    assert stored(sandbox, "assistants")[created["id"]]["voicemailMessage"] is None
    untouched = api.ok("PATCH", f"/assistant/{created['id']}", json={"name": "Help 2"})
    api.deviation()
    assert "voicemailMessage" in untouched and untouched["voicemailMessage"] is None, (
        "omitting is not clearing"
    )


def test_delete_returns_the_object_and_ids_must_be_uuids(api: Api) -> None:
    created = api.ok("POST", "/assistant", 201, json={"name": "Temp"})
    deleted = api.sdk.assistants.delete(created["id"])
    assert deleted.id == created["id"] and api.seen[-1][2:] == (200, created)
    assert api.error("GET", f"/assistant/{created['id']}", 404) == "Assistant not found"
    assert api.error("PATCH", f"/assistant/{created['id']}", 404, json={}) == "Assistant not found"
    assert api.error("DELETE", "/assistant/receptionist", 400) == "Validation failed (uuid is expected)"


def test_an_assistant_pinned_by_a_squad_cannot_be_deleted(api: Api) -> None:
    pinned = api.ok("POST", "/assistant", 201, json={"name": "Pinned"})
    loose = api.ok("POST", "/assistant", 201, json={"name": "Loose"})
    members: list[Any] = [
        {"assistantId": pinned["id"], "assistantVersion": "v2"},
        {"assistantId": loose["id"]},
    ]
    squad = api.ok("POST", "/squad", 201, json={"members": members})
    with pytest.raises(ConflictError) as caught:
        api.sdk.assistants.delete(pinned["id"], request_options=NO_RETRIES)
    assert caught.value.body["error"] == "assistant_pinned" and squad["id"] in caught.value.body["message"]
    assert api.ok("DELETE", f"/assistant/{loose['id']}")["id"] == loose["id"], "an unpinned member goes"
    api.ok("PATCH", f"/squad/{squad['id']}", json={"members": [{"assistantId": pinned["id"]}]})
    assert api.ok("DELETE", f"/assistant/{pinned['id']}")["id"] == pinned["id"]
