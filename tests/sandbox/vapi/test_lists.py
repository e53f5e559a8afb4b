"""The list endpoints: a bare JSON array, newest first, `limit` (default 100, at most 1000) and the
createdAt/updatedAt Gt/Lt/Ge/Le bounds, which are how a client pages (there is no cursor)."""

from __future__ import annotations

from datetime import datetime

import pytest

from sandbox.core.accounts import by_name
from sandbox.core.context import Sandbox
from sandbox.core.store import Store
from sandbox.vapi.models import TOOL, ListQuery
from sandbox.vapi.schema import parse_datetime
from sandbox.vapi.state import VapiOrg
from tests.sandbox.vapi.conftest import ORG, Api, Json

BODIES: dict[str, Json] = {
    "/tool": {"type": "dtmf"},
    "/assistant": {"name": "Listed"},
    "/squad": {"members": [{"assistantId": "00000000-0000-4000-8000-000000000000"}]},
}


def at(stamp: str) -> datetime:
    parsed = parse_datetime(stamp)
    assert parsed is not None
    return parsed


@pytest.mark.parametrize("path", list(BODIES))
def test_bounds_limit_and_newest_first(api: Api, path: str) -> None:
    made = [api.ok("POST", path, 201, json=BODIES[path]) for _ in range(4)]
    ids = [m["id"] for m in made]
    assert [o["id"] for o in api.ok("GET", path)] == ids[::-1]
    assert [o["id"] for o in api.ok("GET", path, params={"limit": 2})] == ids[:1:-1]
    created = [m["createdAt"] for m in made]
    assert len(set(created)) == 4, "createdAt orders every object"
    assert [o["id"] for o in api.ok("GET", path, params={"createdAtGt": created[1]})] == [ids[3], ids[2]]
    assert [o["id"] for o in api.ok("GET", path, params={"createdAtGe": created[1]})] == ids[:0:-1]
    assert [o["id"] for o in api.ok("GET", path, params={"createdAtLt": created[1]})] == [ids[0]]
    assert [o["id"] for o in api.ok("GET", path, params={"createdAtLe": created[1]})] == [ids[1], ids[0]]
    both = {"createdAtGt": created[0], "createdAtLt": created[3]}
    assert [o["id"] for o in api.ok("GET", path, params=both)] == [ids[2], ids[1]]
    patch = {"members": BODIES[path]["members"]} if path == "/squad" else {}
    touched = api.ok("PATCH", f"{path}/{ids[0]}", json=patch)
    assert [o["id"] for o in api.ok("GET", path, params={"updatedAtGe": touched["updatedAt"]})] == [ids[0]]
    assert ids[0] not in [o["id"] for o in api.ok("GET", path, params={"updatedAtLt": touched["updatedAt"]})]
    assert api.ok("GET", path, params={"updatedAtGt": touched["updatedAt"]}) == []
    assert ids[0] in [o["id"] for o in api.ok("GET", path, params={"updatedAtLe": touched["updatedAt"]})]
    assert api.ok("GET", path, params={"limit": 0}) == []


def test_paging_by_moving_the_created_at_bound_with_the_sdk(api: Api) -> None:
    ids = [api.ok("POST", "/tool", 201, json={"type": "endCall"})["id"] for _ in range(5)]
    seen: list[str] = []
    page = api.sdk.tools.list(limit=2)
    while page:
        seen += [t.id for t in page]
        oldest = at(api.seen[-1][3][-1]["createdAt"])
        page = api.sdk.tools.list(limit=2, created_at_lt=oldest)
    assert seen == ids[::-1]


def test_default_limit_is_100(api: Api) -> None:
    for _ in range(101):
        api.ok("POST", "/assistant", 201, json={})
    assert len(api.sdk.assistants.list()) == 100
    assert len(api.ok("GET", "/assistant", params={"limit": 1000})) == 101
    assert len(api.ok("GET", "/assistant", params={"limit": "100.0"})) == 100


@pytest.mark.parametrize(
    ("query", "messages"),
    [
        ("limit=1001", ["limit must not be greater than 1000"]),
        ("limit=-1", ["limit must not be less than 0"]),
        ("limit=ten", ["limit must be a number conforming to the specified constraints"]),
        ("limit=NaN", ["limit must be a number conforming to the specified constraints"]),
        ("createdAtGt=yesterday", ["createdAtGt must be a valid ISO 8601 date string"]),
        (
            "page=2&updatedAtLe=2026-13-01",
            ["updatedAtLe must be a valid ISO 8601 date string", "property page should not exist"],
        ),
    ],
)
def test_query_validation(api: Api, query: str, messages: list[str]) -> None:
    for path in BODIES:
        assert sorted(api.error("GET", f"{path}?{query}", 400)) == sorted(messages)


def test_created_at_moves_forward_even_within_one_millisecond() -> None:
    """In-process, many writes land in one millisecond; each still gets its own createdAt and updatedAt."""
    account = by_name("vapi", ORG)
    assert account is not None
    org = VapiOrg(Sandbox(store=Store()), account)
    made = [org.create_tool({"type": "dtmf"}) for _ in range(50)]
    stamps = [m["createdAt"] for m in made]
    assert stamps == sorted(stamps) and len(set(stamps)) == 50
    updated = org.update_tool(made[-1]["id"], {})
    assert updated["updatedAt"] > made[-1]["updatedAt"] and updated["createdAt"] == made[-1]["createdAt"]
    assert [t["id"] for t in org.select(TOOL, ListQuery())] == [m["id"] for m in reversed(made)]
