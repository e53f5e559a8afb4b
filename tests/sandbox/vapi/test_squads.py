"""Squads through vapi-server-sdk 3.0.0: members by assistantId or inline assistant, destinations and
overrides, the spec's required `members` on PATCH too, and assistant ids that do not exist."""

from __future__ import annotations

from typing import Any

import pytest
from vapi.core.api_error import ApiError

from tests.sandbox.vapi.conftest import Api, Json, document, stored
from tests.support import SandboxProcess

MISSING_ASSISTANT = "00000000-0000-4000-8000-000000000000"


def squad_body(receptionist_id: str) -> Json:
    return {
        "name": "Derrimut voice agent",
        "members": [
            {
                "assistantId": receptionist_id,
                "assistantDestinations": [
                    {
                        "type": "assistant",
                        "assistantName": "Membership Help",
                        "description": "Membership questions",
                    }
                ],
            },
            {
                "assistant": {
                    "name": "Membership Help",
                    "model": {"provider": "openai", "model": "gpt-4o", "toolIds": []},
                    "firstMessageMode": "assistant-speaks-first-with-model-generated-message",
                },
                "assistantOverrides": {"variableValues": {"user_id": "u_1"}},
            },
        ],
        "membersOverrides": {"variableValues": {"full_name": ""}},
    }


def test_create_with_members_by_id_and_inline(api: Api) -> None:
    receptionist = api.ok("POST", "/assistant", 201, json={"name": "Receptionist"})
    body = squad_body(receptionist["id"])
    created = api.sdk.squads.create(**{"members": body["members"], "name": body["name"]})
    assert api.seen[-1][2] == 201
    assert created.name == "Derrimut voice agent" and created.members[0].assistant_id == receptionist["id"]
    made = api.ok("POST", "/squad", 201, json=body)
    assert {k: v for k, v in made.items() if k not in ("id", "orgId", "createdAt", "updatedAt")} == body
    assert api.sdk.squads.get(made["id"]).id == made["id"] and api.seen[-1][3] == made


def test_a_member_may_name_an_assistant_that_does_not_exist(api: Api) -> None:
    """A DEVIATIONS choice: squads are not FK-checked; Vapi resolves members when a call starts."""
    made = api.ok("POST", "/squad", 201, json={"members": [{"assistantId": MISSING_ASSISTANT}]})
    assert made["members"] == [{"assistantId": MISSING_ASSISTANT}]


@pytest.mark.parametrize(
    ("body", "messages"),
    [
        ({}, ["members must be an array"]),
        ({"name": "x", "members": "all"}, ["members must be an array"]),
        ({"members": [{"assistantID": "x"}]}, ["members.0.property assistantID should not exist"]),
        (
            {"members": [{"assistantId": "a"}, {"assistant": {"name": "N" * 41, "maxDurationSeconds": 1}}]},
            [
                "members.1.assistant.maxDurationSeconds must not be less than 10",
                "members.1.assistant.name must be shorter than or equal to 40 characters",
            ],
        ),
        (
            {"members": [{"assistant": {"name": "Inline"}, "assistantVersion": "v1"}]},
            ["members.0.assistantVersion is valid only with assistantId, not with assistant"],
        ),
        (
            {
                "members": [
                    {"assistantId": "a", "assistantDestinations": [{"type": "assistant", "assistantName": 5}]}
                ]
            },
            ["members.0.assistantDestinations.0.assistantName must be a string"],
        ),
        ({"members": [], "membersOverrides": {"voice": {"provider": "nobody"}}}, None),
    ],
)
def test_validation(api: Api, sandbox: SandboxProcess, body: Json, messages: list[str] | None) -> None:
    got = api.error("POST", "/squad", 400, json=body)
    if messages is None:
        assert got[0].startswith("membersOverrides.voice.provider must be one of the following values: ")
    else:
        assert got == messages
    assert stored(sandbox, "squads") == {}


def test_patch_needs_members_and_replaces_them(api: Api) -> None:
    one = api.ok("POST", "/assistant", 201, json={"name": "One"})
    two = api.ok("POST", "/assistant", 201, json={"name": "Two"})
    squad = api.ok(
        "POST", "/squad", 201, json={"name": "Front desk", "members": [{"assistantId": one["id"]}]}
    )
    assert api.error("PATCH", f"/squad/{squad['id']}", 400, json={"name": "Renamed"}) == [
        "members must be an array"
    ]
    members: list[Any] = [{"assistantId": two["id"]}, {"assistantId": one["id"]}]
    updated = api.sdk.squads.update(squad["id"], members=members, name="Renamed")
    body = api.seen[-1][3]
    assert updated.name == "Renamed" and body["members"] == members
    assert body["updatedAt"] > squad["updatedAt"] and body["createdAt"] == squad["createdAt"]
    cleared = api.ok("PATCH", f"/squad/{squad['id']}", json={"members": members, "name": None})
    method, path, status, body = api.deviation()
    assert cleared["name"] is None and body == cleared, "null clears, and reads back as null (DEVIATIONS)"
    assert {p.split(":")[0] for p in document("vapi").errors(method, path, status, body)} == {"name"}


def test_delete_returns_the_object(api: Api) -> None:
    squad = api.ok("POST", "/squad", 201, json={"members": [{"assistantId": MISSING_ASSISTANT}]})
    deleted = api.sdk.squads.delete(squad["id"])
    assert deleted.id == squad["id"] and api.seen[-1][2:] == (200, squad)
    with pytest.raises(ApiError) as caught:
        api.sdk.squads.get(squad["id"])
    assert (caught.value.status_code, caught.value.body["message"]) == (404, "Squad not found")


def test_list_filters_by_id_any(api: Api) -> None:
    ids = [
        api.ok(
            "POST", "/squad", 201, json={"name": f"s{i}", "members": [{"assistantId": MISSING_ASSISTANT}]}
        )["id"]
        for i in range(3)
    ]
    assert [s.id for s in api.sdk.squads.list(id_any=[ids[0], ids[2]])] == [ids[2], ids[0]]
    assert [s["id"] for s in api.ok("GET", f"/squad?idAny={ids[1]},{ids[0]}")] == [ids[1], ids[0]]
    assert api.error("GET", "/squad?idAny=nope", 400) == ["each value in idAny must be a UUID"]
    assert api.error("GET", f"/assistant?idAny={ids[0]}", 400) == ["property idAny should not exist"]
