"""The derrimut fixture's Clerk instances and their Svix endpoints, read back through both SDKs."""

from __future__ import annotations

import pytest
from clerk_backend_api import Clerk

from tests.sandbox.clerk.harness import PROD, PROD_KEY, STAGING, STAGING_KEY
from tests.sandbox.svix.harness import Traffic, open_portal
from tests.support import SandboxProcess


@pytest.mark.parametrize(
    ("instance", "key", "site", "convex"),
    [
        (PROD, PROD_KEY, "https://www.derrimut247.com.au", "https://spotted-gerbil-236.convex.site"),
        (STAGING, STAGING_KEY, "https://staging.derrimut247.com.au", "https://quiet-otter-512.convex.site"),
    ],
)
def test_the_derrimut_fixture(
    sandbox: SandboxProcess, traffic: Traffic, instance: str, key: str, site: str, convex: str
) -> None:
    created = sandbox.http.post("/_sandbox/fixtures/derrimut").json()["created"]["clerk"][instance]
    clerk = Clerk(bearer_auth=key, server_url=f"{sandbox.url}/clerk/v1", retry_config=None)
    urls = {r.url for r in clerk.redirect_urls.list()}
    assert urls == {f"{site}/sso-callback", f"{site}/oauth-callback", "derrimut://oauth-callback"}
    (template,) = clerk.jwt_templates.list()
    assert template.name == "convex" and [template.id] == created["jwt_templates"]
    stored = sandbox.dump()["clerk"][instance]["jwt_templates"][template.id]
    assert stored["claims"] == {
        "aud": "convex",
        "name": "{{user.full_name}}",
        "email": "{{user.primary_email_address}}",
    }
    assert [i.id for i in clerk.allowlist_identifiers.list()] == created["allowlist_identifiers"]
    settings = clerk.instance_settings.get_organization_settings()
    assert (settings.enabled, settings.creator_role, settings.domains_default_role) == (
        True,
        "org:admin",
        "org:member",
    )
    portal = open_portal(sandbox, traffic, key)
    assert portal.app_id == created["svix_app"]
    (endpoint,) = portal.svix.endpoint.list(portal.app_id).data
    assert endpoint.id == created["svix_endpoints"][0]
    assert endpoint.url == f"{convex}/clerk-users-webhook"
    assert endpoint.event_types == ["user.created", "user.updated", "user.deleted"]
    assert portal.svix.endpoint.get_secret(portal.app_id, endpoint.id).key.startswith("whsec_")
