"""Svix endpoints through the svix 2.9.1 SDK, with the token Clerk's App Portal link yields."""

from __future__ import annotations

import re

import pytest
from svix.api import (
    EndpointCreateOptions,
    EndpointIn,
    EndpointListOptions,
    EndpointPatch,
    EndpointSecretRotateIn,
    EndpointUpsertIn,
    Ordering,
)
from svix.api.errors.http_error import HttpError
from svix.api.errors.http_validation_error import HTTPValidationError

from tests.sandbox.clerk.harness import STAGING
from tests.sandbox.svix.harness import Portal
from tests.support import SandboxProcess

CONVEX = "https://quiet-otter-512.convex.site/clerk-users-webhook"
USER_EVENTS = ["user.created", "user.updated", "user.deleted"]


def test_create_get_patch_delete(sandbox: SandboxProcess, portal: Portal) -> None:
    endpoints = portal.svix.endpoint
    created = endpoints.create(
        portal.app_id,
        EndpointIn(url=CONVEX, event_types=USER_EVENTS, uid="convex-users", metadata={"owner": "platform"}),
    )
    assert re.fullmatch(r"ep_[A-Za-z0-9]{27}", created.id) and created.description == ""
    assert created.event_types == USER_EVENTS and created.disabled is False and created.channels is None
    assert created.created_at == created.updated_at and created.created_at.tzinfo is not None
    assert endpoints.get(portal.app_id, "convex-users").id == created.id
    patched = endpoints.patch(portal.app_id, created.id, EndpointPatch(description="Users", disabled=True))
    assert (patched.description, patched.disabled, patched.url) == ("Users", True, CONVEX)
    assert patched.event_types == USER_EVENTS and patched.updated_at >= created.updated_at
    cleared = endpoints.patch(portal.app_id, created.id, EndpointPatch(event_types=None, uid=None))
    assert cleared.event_types is None and cleared.uid is None
    stored = sandbox.dump()["svix"][STAGING]["endpoints"][created.id]
    assert stored["secret"].startswith("whsec_") and stored["appId"] == portal.app_id
    endpoints.delete(portal.app_id, created.id)
    with pytest.raises(HttpError) as caught:
        endpoints.get(portal.app_id, created.id)
    assert (caught.value.status_code, caught.value.code) == (404, "not_found")


def test_upsert_creates_then_replaces(portal: Portal) -> None:
    endpoints = portal.svix.endpoint
    created = portal.raw(
        "PUT", f"/api/v1/app/{portal.app_id}/endpoint/users", {"url": CONVEX, "uid": "users"}
    )
    assert created.status_code == 201 and created.json()["uid"] == "users"
    replaced = endpoints.upsert(
        portal.app_id, "users", EndpointUpsertIn(url=CONVEX, uid="users", event_types=["user.created"])
    )
    assert replaced.id == created.json()["id"] and replaced.event_types == ["user.created"]
    reset = endpoints.upsert(portal.app_id, replaced.id, EndpointUpsertIn(url=CONVEX))
    assert reset.uid is None and reset.event_types is None and reset.description == ""


def test_filter_types_are_accepted_and_returned(portal: Portal) -> None:
    path = f"/api/v1/app/{portal.app_id}/endpoint"
    created = portal.raw("POST", path, {"url": CONVEX, "filterTypes": USER_EVENTS, "version": 1})
    assert created.status_code == 201
    body = created.json()
    assert body["eventTypes"] == body["filterTypes"] == USER_EVENTS
    assert (body["rateLimit"], body["throttleRate"], body["version"]) == (None, None, 1)
    patched = portal.raw("PATCH", f"{path}/{body['id']}", {"filterTypes": ["user.deleted"]}).json()
    assert patched["eventTypes"] == patched["filterTypes"] == ["user.deleted"]


def test_secrets_are_always_readable_and_rotate(portal: Portal) -> None:
    endpoints = portal.svix.endpoint
    chosen = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
    created = endpoints.create(portal.app_id, EndpointIn(url=CONVEX, secret=chosen))
    assert endpoints.get_secret(portal.app_id, created.id).key == chosen
    rotated = endpoints.rotate_secret(portal.app_id, created.id, EndpointSecretRotateIn())
    assert rotated.key != chosen and re.fullmatch(r"whsec_[A-Za-z0-9+/]{32}", rotated.key)
    assert endpoints.get_secret(portal.app_id, created.id).key == rotated.key
    again = endpoints.rotate_secret(
        portal.app_id, created.id, EndpointSecretRotateIn(key=chosen, grace_period_seconds=0)
    )
    assert again.key == chosen


def test_iterator_pagination(portal: Portal) -> None:
    endpoints = portal.svix.endpoint
    ids = [endpoints.create(portal.app_id, EndpointIn(url=f"https://h{i}.example.com/")).id for i in range(5)]
    first = endpoints.list(portal.app_id, EndpointListOptions(limit=2))
    assert [e.id for e in first.data] == ids[::-1][:2] and not first.done
    assert first.iterator == ids[3] and first.prev_iterator == f"-{ids[4]}"
    second = endpoints.list(portal.app_id, EndpointListOptions(limit=2, iterator=first.iterator))
    assert [e.id for e in second.data] == [ids[2], ids[1]] and not second.done
    last = endpoints.list(portal.app_id, EndpointListOptions(limit=2, iterator=second.iterator))
    assert [e.id for e in last.data] == [ids[0]] and last.done
    back = endpoints.list(portal.app_id, EndpointListOptions(limit=2, iterator=second.prev_iterator))
    assert [e.id for e in back.data] == ids[::-1][:2]
    ascending = endpoints.list(portal.app_id, EndpointListOptions(limit=3, order=Ordering.ASCENDING))
    assert [e.id for e in ascending.data] == ids[:3] and not ascending.done
    endpoints.delete(portal.app_id, ids[3])
    after_delete = endpoints.list(portal.app_id, EndpointListOptions(limit=2, iterator=ids[3]))
    assert [e.id for e in after_delete.data] == [ids[2], ids[1]]
    assert endpoints.list(portal.app_id).done is True


def test_uids_are_unique_per_application(portal: Portal) -> None:
    endpoints = portal.svix.endpoint
    endpoints.create(portal.app_id, EndpointIn(url=CONVEX, uid="users"))
    with pytest.raises(HttpError) as caught:
        endpoints.create(portal.app_id, EndpointIn(url=CONVEX, uid="users"))
    assert (caught.value.status_code, caught.value.code) == (409, "conflict")
    other = endpoints.create(portal.app_id, EndpointIn(url=CONVEX))
    with pytest.raises(HttpError):
        endpoints.patch(portal.app_id, other.id, EndpointPatch(uid="users"))


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({}, ["body"]),
        ({"url": "not a url"}, ["body", "url"]),
        ({"url": "ftp://files.example.com/hook"}, ["body", "url"]),
        ({"url": CONVEX, "uid": "ep_lookalike"}, ["body", "uid"]),
        ({"url": CONVEX, "uid": "has space"}, ["body", "uid"]),
        ({"url": CONVEX, "eventTypes": []}, ["body", "eventTypes"]),
        ({"url": CONVEX, "eventTypes": ["invoice.paid"]}, ["body", "eventTypes"]),
        ({"url": CONVEX, "eventTypes": USER_EVENTS, "filterTypes": USER_EVENTS}, ["body"]),
        ({"url": CONVEX, "channels": [f"c{i}" for i in range(11)]}, ["body", "channels"]),
        ({"url": CONVEX, "secret": "too-short"}, ["body", "secret"]),
        ({"url": CONVEX, "throttleRate": 0}, ["body", "throttleRate"]),
        ({"url": CONVEX, "disabled": "no"}, ["body", "disabled"]),
    ],
)
def test_invalid_endpoints_get_422(portal: Portal, body: dict[str, object], loc: list[str]) -> None:
    response = portal.raw("POST", f"/api/v1/app/{portal.app_id}/endpoint", body)
    assert response.status_code == 422, response.text
    (item,) = response.json()["detail"]
    assert item["loc"] == loc and item["msg"] and item["type"].startswith("value_error")
    assert portal.svix.endpoint.list(portal.app_id).data == []


def test_invalid_list_queries(portal: Portal) -> None:
    with pytest.raises(HTTPValidationError) as caught:
        portal.svix.endpoint.list(portal.app_id, EndpointListOptions(limit=251))
    assert caught.value.detail[0].loc == ["query", "limit"]
    path = f"/api/v1/app/{portal.app_id}/endpoint"
    assert portal.raw("GET", f"{path}?iterator=nope").status_code == 422
    bad_order = portal.raw("GET", f"{path}?order=sideways")
    assert bad_order.status_code == 400 and bad_order.json()["code"] == "generic_error"


def test_idempotency_keys_replay_the_saved_response(portal: Portal) -> None:
    endpoints = portal.svix.endpoint
    first = endpoints.create(
        portal.app_id, EndpointIn(url=CONVEX), EndpointCreateOptions(idempotency_key="k-1")
    )
    again = endpoints.create(
        portal.app_id, EndpointIn(url=CONVEX), EndpointCreateOptions(idempotency_key="k-1")
    )
    other = endpoints.create(
        portal.app_id, EndpointIn(url=CONVEX), EndpointCreateOptions(idempotency_key="k-2")
    )
    assert first.id == again.id != other.id
    assert len(endpoints.list(portal.app_id).data) == 2
