"""Instance settings through clerk-backend-api: the instance (204, write-only fields), restrictions
(PATCH only), organization settings (role ids in, role keys out)."""

from __future__ import annotations

from typing import Any

import pytest
from clerk_backend_api import Clerk, models

from tests.sandbox.clerk.harness import PROD, PROD_KEY, STAGING, Raw, error_codes
from tests.support import SandboxProcess


def test_get_instance(staging: Clerk, prod: Clerk) -> None:
    dev, live = staging.instance_settings.get(), prod.instance_settings.get()
    assert (dev.id, dev.environment_type, dev.allowed_origins) == (STAGING, "development", None)
    assert (live.id, live.environment_type) == (PROD, "production")


def test_patch_keeps_write_only_fields(sandbox: SandboxProcess, prod: Clerk, raw: Raw) -> None:
    patch: models.UpdateInstanceRequestBodyTypedDict = {
        "hibp": False,
        "support_email": "support@derrimut247.com.au",
        "clerk_js_version": "5",
        "allowed_origins": ["https://www.derrimut247.com.au/app", "capacitor://localhost"],
        "url_based_session_syncing": True,
        "preferred_sign_in_strategy_when_password_required": models.PreferredSignInStrategyWhenPasswordRequired.OTP,
    }
    prod.instance_settings.update(request=patch)
    got = raw("GET", "/instance", key=PROD_KEY).json()
    assert got == {
        "object": "instance",
        "id": PROD,
        "environment_type": "production",
        "allowed_origins": ["https://www.derrimut247.com.au", "capacitor://localhost"],
        "workspace_id": None,
    }
    stored = sandbox.dump()["clerk"][PROD]["instance"][PROD]
    assert (stored["hibp"], stored["support_email"], stored["clerk_js_version"]) == (
        False,
        "support@derrimut247.com.au",
        "5",
    )
    assert stored["preferred_sign_in_strategy_when_password_required"] == "otp"
    prod.instance_settings.update(request={"support_email": "", "allowed_origins": []})
    stored = sandbox.dump()["clerk"][PROD]["instance"][PROD]
    assert stored["support_email"] is None and len(stored["allowed_origins"]) == 2


def test_development_origin_is_development_only_and_shows_on_the_domain(staging: Clerk, prod: Clerk) -> None:
    staging.instance_settings.update(request={"development_origin": "https://staging.derrimut247.com.au"})
    assert staging.domains.list().data[0].development_origin == "https://staging.derrimut247.com.au"
    with pytest.raises(models.ClerkErrors) as caught:
        prod.instance_settings.update(request={"development_origin": "https://x.example.com"})
    assert caught.value.data.errors[0].code == "form_conditional_param_disallowed"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"support_email": "nope"}, "form_param_format_invalid"),
        ({"allowed_origins": ["not an origin"]}, "form_invalid_origin"),
        ({"development_origin": "ftp://x.example.com"}, "form_param_format_invalid"),
        ({"preferred_sign_in_strategy_when_password_required": "sms"}, "form_param_value_invalid"),
        ({"hibp": "no"}, "form_param_type_invalid"),
        ({"home_url": "https://x.example.com"}, "form_param_unknown"),
    ],
)
def test_invalid_instance_patches(sandbox: SandboxProcess, raw: Raw, body: dict[str, Any], code: str) -> None:
    response = raw("PATCH", "/instance", body)
    assert response.status_code == 422 and error_codes(response) == [code]
    assert sandbox.dump()["clerk"][STAGING]["instance"][STAGING]["support_email"] is None


def test_restrictions_have_patch_only(prod: Clerk, raw: Raw) -> None:
    first = prod.instance_settings.update_restrictions(
        request={"allowlist": True, "block_email_subaddresses": True}
    )
    assert (first.allowlist, first.blocklist, first.block_email_subaddresses) == (True, False, True)
    second = prod.instance_settings.update_restrictions(request={"allowlist": None, "blocklist": True})
    assert (second.allowlist, second.blocklist) == (True, True)
    assert raw("GET", "/instance/restrictions", key=PROD_KEY).status_code == 404
    unknown = raw("PATCH", "/instance/restrictions", {"ignore_dots_for_gmail_addresses": True}, key=PROD_KEY)
    assert unknown.status_code == 422 and error_codes(unknown) == ["form_param_unknown"]


def roles(sdk: Clerk) -> dict[str, str]:
    listed = sdk.organization_roles.list()
    return {role.key: role.id for role in listed.data}


def test_organization_settings_take_role_ids_and_return_keys(staging: Clerk) -> None:
    before = staging.instance_settings.get_organization_settings()
    assert (before.enabled, before.creator_role, before.domains_default_role) == (False, "org:admin", "")
    ids = roles(staging)
    assert set(ids) == {"org:admin", "org:member"} and all(i.startswith("role_") for i in ids.values())
    after = staging.instance_settings.update_organization_settings(
        request={
            "enabled": True,
            "max_allowed_memberships": 25,
            "domains_enabled": True,
            "domains_default_role_id": ids["org:member"],
            "domains_enrollment_modes": ["automatic_suggestion"],
            "creator_role_id": ids["org:admin"],
        }
    )
    assert (after.enabled, after.max_allowed_memberships, after.domains_default_role) == (
        True,
        25,
        "org:member",
    )
    assert [m.value for m in after.domains_enrollment_modes] == ["automatic_suggestion", "manual_invitation"]
    off = staging.instance_settings.update_organization_settings(request={"domains_enabled": False})
    assert off.domains_default_role == "" and off.creator_role == "org:admin"
    assert staging.instance_settings.get_organization_settings().domains_enabled is False


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"creator_role_id": "role_unknown"}, 404, "resource_not_found"),
        ({"domains_enabled": True, "domains_default_role_id": "role_unknown"}, 404, "resource_not_found"),
        ({"domains_enabled": True}, 422, "form_conditional_param_missing"),
        ({"domains_enrollment_modes": ["by_magic"]}, 422, "form_param_value_invalid"),
        ({"max_allowed_memberships": -1}, 422, "form_param_value_invalid"),
        ({"max_allowed_memberships": 2**31}, 422, "form_param_value_too_large"),
        ({"creator_role": "org:admin"}, 422, "form_param_unknown"),
    ],
)
def test_invalid_organization_settings(raw: Raw, body: dict[str, Any], status: int, code: str) -> None:
    response = raw("PATCH", "/instance/organization_settings", body)
    assert response.status_code == status and error_codes(response) == [code]


def test_the_creator_role_needs_the_creator_permissions(staging: Clerk) -> None:
    with pytest.raises(models.ClerkErrors) as caught:
        staging.instance_settings.update_organization_settings(
            request={"creator_role_id": roles(staging)["org:member"]}
        )
    assert caught.value.data.errors[0].code == "organization_missing_creator_role_permissions"


def test_roles_list_orders_filters_and_pages(raw: Raw) -> None:
    by_key = raw("GET", "/organization_roles?order_by=-key&limit=1").json()
    assert by_key["total_count"] == 2 and [r["key"] for r in by_key["data"]] == ["org:member"]
    assert [r["key"] for r in raw("GET", "/organization_roles?query=adm").json()["data"]] == ["org:admin"]
    assert raw("GET", "/organization_roles?order_by=size").status_code == 400
    assert error_codes(raw("GET", "/organization_roles?limit=0")) == ["form_param_value_invalid"]
