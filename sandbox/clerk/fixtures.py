"""The derrimut platform's Clerk instances (production and development) and their Svix webhooks."""

from __future__ import annotations

from typing import Any

from sandbox.clerk import (
    allowlist_identifiers,
    instance_settings,
    jwt_templates,
    organization_settings,
    redirect_urls,
    svix_app,
)
from sandbox.clerk.state import ClerkInstance
from sandbox.core.accounts import by_name
from sandbox.core.context import Sandbox
from sandbox.svix import fixtures as svix_fixtures

CONVEX_CLAIMS = {"aud": "convex", "name": "{{user.full_name}}", "email": "{{user.primary_email_address}}"}
SIDES: dict[str, dict[str, Any]] = {
    "ins_derrimut_prod": {
        "app": "https://www.derrimut247.com.au",
        "convex": "https://spotted-gerbil-236.convex.site",
        "allowlist": ["*@derrimut247.com.au"],
        "instance": {"allowed_origins": ["https://www.derrimut247.com.au", "capacitor://localhost"]},
    },
    "ins_derrimut_staging": {
        "app": "https://staging.derrimut247.com.au",
        "convex": "https://quiet-otter-512.convex.site",
        "allowlist": ["qa@derrimut247.com.au", "+61412345678"],
        "instance": {"development_origin": "https://staging.derrimut247.com.au"},
    },
}


def derrimut(sandbox: Sandbox) -> dict[str, Any]:
    created: dict[str, Any] = {}
    for name, side in SIDES.items():
        account = by_name("clerk", name)
        assert account is not None
        clerk = ClerkInstance(sandbox, account)
        urls = [f"{side['app']}/sso-callback", f"{side['app']}/oauth-callback", "derrimut://oauth-callback"]
        made_urls = [redirect_urls.create(clerk, {"url": url})["id"] for url in urls]
        template = jwt_templates.create(clerk, {"name": "convex", "claims": CONVEX_CLAIMS})
        identifiers = [
            allowlist_identifiers.create(clerk, {"identifier": i})["id"] for i in side["allowlist"]
        ]
        instance_settings.update(clerk, side["instance"])
        instance_settings.update_restrictions(clerk, {"block_disposable_email_domains": True})
        roles = {role["key"]: role_id for role_id, role in clerk.objects("roles").items()}
        organization_settings.update_organization_settings(
            clerk,
            {
                "enabled": True,
                "max_allowed_memberships": 50,
                "admin_delete_enabled": False,
                "domains_enabled": True,
                "domains_enrollment_modes": ["automatic_invitation"],
                "creator_role_id": roles["org:admin"],
                "domains_default_role_id": roles["org:member"],
            },
        )
        svix_app.create_svix_app(clerk)
        app_id = clerk.single("instance")["svix_app_id"]
        created[name] = {
            "redirect_urls": made_urls,
            "jwt_templates": [template["id"]],
            "allowlist_identifiers": identifiers,
            "svix_app": app_id,
            "svix_endpoints": [svix_fixtures.users_webhook(sandbox, name, app_id, side["convex"])],
        }
    return created


def kestrel(sandbox: Sandbox) -> dict[str, Any]:
    """Kestrel Physio's staging instance: its redirect URLs, a JWT template for its API, a domain allowlist,
    and a Svix endpoint that tells the admin app about new users and organizations."""
    account = by_name("clerk", "ins_kestrel_staging")
    assert account is not None
    clerk = ClerkInstance(sandbox, account)
    app = "https://staging.kestrelphysio.co.nz"
    urls = [f"{app}/auth/callback", "https://admin-staging.kestrelphysio.co.nz/auth/callback"]
    made_urls = [redirect_urls.create(clerk, {"url": url})["id"] for url in urls]
    template = jwt_templates.create(
        clerk, {"name": "kestrel-api", "claims": {"aud": "kestrel-api", "clinic": "{{user.public_metadata}}"}}
    )
    identifier = allowlist_identifiers.create(clerk, {"identifier": "*@kestrelphysio.co.nz"})
    svix_app.create_svix_app(clerk)
    app_id = clerk.single("instance")["svix_app_id"]
    endpoint = svix_fixtures.endpoint(
        sandbox,
        "ins_kestrel_staging",
        app_id,
        "https://admin-staging.kestrelphysio.co.nz/api/clerk/webhook",
        "Admin app: new users and clinics",
        ["user.created", "organization.created"],
    )
    return {
        "ins_kestrel_staging": {
            "redirect_urls": made_urls,
            "jwt_templates": [template["id"]],
            "allowlist_identifiers": [identifier["id"]],
            "svix_app": app_id,
            "svix_endpoints": [endpoint],
        }
    }
