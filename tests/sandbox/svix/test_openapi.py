"""One pass over every emulated Svix operation, successes and errors, each response checked against
Svix's OpenAPI document (the `traffic` fixture checks them when the test ends)."""

from __future__ import annotations

from starlette.routing import Route

from sandbox.core.context import Sandbox
from sandbox.core.store import Store
from sandbox.svix import routes as svix_routes
from tests.openapi import document
from tests.sandbox.svix.harness import EXCHANGE, Portal, Traffic


def emulated() -> set[tuple[str, str]]:
    found = set()
    for item in svix_routes.routes(Sandbox(store=Store())):
        if isinstance(item, Route) and "{path:path}" not in item.path:
            found |= {(m, item.path.rstrip("/")) for m in item.methods or () if m != "HEAD"}
    return found


def test_every_operation_and_its_errors(portal: Portal, prod_portal: Portal, traffic: Traffic) -> None:
    base = f"/api/v1/app/{portal.app_id}/endpoint"
    created = portal.raw(
        "POST", base, {"url": "https://a.example.com/hook", "eventTypes": ["user.created"]}
    ).json()
    one = f"{base}/{created['id']}"
    portal.raw("POST", base, {"url": "https://a.example.com/hook", "eventTypes": ["nope.nope"]})
    portal.raw("GET", f"{base}?limit=1&order=ascending")
    portal.raw("GET", f"{base}?limit=500")
    portal.raw("GET", f"{base}?order=up")
    portal.raw("GET", one)
    portal.raw("PATCH", one, {"description": "hook", "metadata": {"a": "b"}})
    portal.raw("PATCH", one, {"url": None})
    portal.raw("PUT", one, {"url": "https://b.example.com/hook", "uid": "hook"})
    portal.raw("PUT", f"{base}/fresh", {"url": "https://c.example.com/hook"})
    portal.raw("PUT", f"{base}/fresh", {"url": "https://d.example.com/hook", "uid": "hook"})
    portal.raw("GET", f"{one}/secret")
    portal.raw("POST", f"{one}/secret/rotate", {})
    portal.raw("POST", f"{one}/secret/rotate", {"gracePeriodSeconds": 10**6})
    portal.raw("DELETE", one)
    portal.raw("GET", one)
    portal.raw("GET", f"/api/v1/app/{prod_portal.app_id}/endpoint")
    portal.raw("GET", base, token="appsk_wrong")
    portal.http.post(EXCHANGE, json={"oneTimeToken": "used-or-unknown"})

    spec = document("svix")
    hit = {(method, spec.operation(method, path)[0]) for method, path, _, _ in traffic.seen}
    assert hit == emulated(), emulated() - hit
    assert {status for _, _, status, _ in traffic.seen} == {200, 201, 204, 400, 401, 403, 404, 409, 422}
