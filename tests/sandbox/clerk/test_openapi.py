"""One pass over every emulated Clerk operation, successes and errors, each response checked against
Clerk's OpenAPI document (the `traffic` fixture checks them when the test ends)."""

from __future__ import annotations

from starlette.routing import Route

from sandbox.clerk import routes as clerk_routes
from sandbox.core.context import Sandbox
from sandbox.core.store import Store
from tests.openapi import document
from tests.sandbox.clerk.harness import PROD_KEY, Raw, Traffic


def emulated() -> set[tuple[str, str]]:
    found = set()
    for item in clerk_routes.routes(Sandbox(store=Store())):
        if isinstance(item, Route) and "{path:path}" not in item.path:
            found |= {(m, item.path.removeprefix("/v1")) for m in item.methods or () if m != "HEAD"}
    return found


def test_every_operation_and_its_errors(raw: Raw, traffic: Traffic) -> None:
    ru = raw("POST", "/redirect_urls", {"url": "https://a.example.com/cb"}).json()
    raw("POST", "/redirect_urls", {"url": "nope"})
    raw("GET", f"/redirect_urls/{ru['id']}")
    raw("GET", "/redirect_urls?paginated=true")
    raw("GET", "/redirect_urls")
    raw("DELETE", f"/redirect_urls/{ru['id']}")
    raw("DELETE", f"/redirect_urls/{ru['id']}")
    jt = raw("POST", "/jwt_templates", {"name": "convex", "claims": {"aud": "convex"}}).json()
    raw("POST", "/jwt_templates", {"name": "convex", "claims": {"sub": "x"}})
    raw("GET", f"/jwt_templates/{jt['id']}")
    raw("PATCH", f"/jwt_templates/{jt['id']}", {"name": "convex", "claims": {}, "allowed_clock_skew": 10})
    raw("PATCH", f"/jwt_templates/{jt['id']}", {"name": "convex"})
    raw("GET", "/jwt_templates")
    raw("DELETE", f"/jwt_templates/{jt['id']}")
    raw("GET", f"/jwt_templates/{jt['id']}")
    al = raw("POST", "/allowlist_identifiers", {"identifier": "qa@derrimut247.com.au"}).json()
    raw("POST", "/allowlist_identifiers", {"identifier": "qa@derrimut247.com.au"})
    raw("GET", "/allowlist_identifiers")
    raw("DELETE", f"/allowlist_identifiers/{al['id']}")
    raw("DELETE", f"/allowlist_identifiers/{al['id']}")
    dm = raw(
        "POST", "/domains", {"name": "members.derrimut247.com.au", "is_satellite": True}, key=PROD_KEY
    ).json()
    raw("POST", "/domains", {"name": "x.derrimut247.com.au", "is_satellite": False}, key=PROD_KEY)
    raw(
        "PATCH",
        f"/domains/{dm['id']}",
        {"proxy_url": "https://members.derrimut247.com.au/__clerk"},
        key=PROD_KEY,
    )
    raw("PATCH", "/domains/dmn_missing", {"name": "y.derrimut247.com.au"}, key=PROD_KEY)
    domains = raw("GET", "/domains", key=PROD_KEY).json()
    raw("DELETE", f"/domains/{dm['id']}", key=PROD_KEY)
    primary = next(d for d in domains["data"] if not d["is_satellite"])
    raw("DELETE", f"/domains/{primary['id']}", key=PROD_KEY)
    raw("GET", "/instance")
    raw("PATCH", "/instance", {"test_mode": False, "allowed_origins": ["capacitor://localhost"]})
    raw("PATCH", "/instance", {"support_email": "nope"})
    raw("PATCH", "/instance/restrictions", {"blocklist": True})
    raw("PATCH", "/instance/restrictions", {"blocklist": "yes"})
    roles = raw("GET", "/organization_roles?order_by=key").json()["data"]
    raw("GET", "/instance/organization_settings")
    raw("PATCH", "/instance/organization_settings", {"enabled": True, "creator_role_id": roles[0]["id"]})
    raw("PATCH", "/instance/organization_settings", {"creator_role_id": "role_missing"})
    raw("POST", "/webhooks/svix_url")
    raw("POST", "/webhooks/svix")
    raw("POST", "/webhooks/svix")
    raw("POST", "/webhooks/svix_url")
    raw("DELETE", "/webhooks/svix")
    raw("DELETE", "/webhooks/svix")
    raw("GET", "/redirect_urls", key="sk_test_wrong")

    spec = document("clerk")
    hit = {(method, spec.operation(method, path)[0]) for method, path, _, _, _ in traffic.seen}
    assert hit == emulated(), emulated() - hit
    assert traffic.statuses() == {200, 204, 400, 401, 403, 404, 422}
