"""JWT templates through clerk-backend-api: CRUD, PATCH as a full replace, write-only signing keys."""

from __future__ import annotations

from typing import Any

import pytest
from clerk_backend_api import Clerk, models

from tests.sandbox.clerk.harness import STAGING, Raw, error_codes, is_paginated_envelope
from tests.support import SandboxProcess

CONVEX = {"aud": "convex", "name": "{{user.full_name}}", "email": "{{user.primary_email_address}}"}


def test_create_get_update_list_delete(staging: Clerk, raw: Raw) -> None:
    # Claims go raw: the SDK cannot send them (see test_the_sdk_drops_claims).
    made = raw("POST", "/jwt_templates", {"name": "convex", "claims": CONVEX}).json()
    created = staging.jwt_templates.get(template_id=made["id"])
    assert made["claims"] == CONVEX and created.id.startswith("jtmp_") and len(created.id) == 32
    assert (created.lifetime, created.allowed_clock_skew, created.signing_algorithm) == (60, 5, "RS256")
    assert created.custom_signing_key is False and created.name == "convex"
    updated = raw(
        "PATCH",
        f"/jwt_templates/{created.id}",
        {"name": "convex", "claims": {"aud": "convex"}, "lifetime": 3600},
    )
    assert updated.status_code == 200
    got = staging.jwt_templates.get(template_id=created.id)
    assert (got.lifetime, got.allowed_clock_skew) == (3600, 5) and got.updated_at >= created.updated_at
    assert raw("GET", f"/jwt_templates/{created.id}").json()["claims"] == {"aud": "convex"}
    assert [t.id for t in staging.jwt_templates.list()] == [created.id]
    assert is_paginated_envelope(raw("GET", "/jwt_templates?paginated=true").json())
    deleted = staging.jwt_templates.delete(template_id=created.id)
    assert (deleted.object, deleted.deleted) == ("jwt_template", True)
    assert staging.jwt_templates.list() == []


def test_the_sdk_drops_claims(staging: Clerk, raw: Raw) -> None:
    """clerk-backend-api 7.0.0's claims models declare no fields, so create and update send `{}`
    (its typing refuses real claims too)."""
    created = staging.jwt_templates.create(request={"name": "convex", "claims": CONVEX})  # type: ignore[arg-type]
    assert raw("GET", f"/jwt_templates/{created.id}").json()["claims"] == {}
    staging.jwt_templates.update(template_id=created.id, name="convex", claims=CONVEX, lifetime=120)  # type: ignore[arg-type]
    after = raw("GET", f"/jwt_templates/{created.id}").json()
    assert (after["claims"], after["lifetime"]) == ({}, 120)


def test_patch_still_needs_name_and_claims(staging: Clerk, raw: Raw) -> None:
    created = staging.jwt_templates.create(request={"name": "convex", "claims": {}})
    response = raw("PATCH", f"/jwt_templates/{created.id}", {"lifetime": 120})
    assert response.status_code == 422
    assert sorted(error_codes(response)) == ["form_param_missing", "form_param_missing"]
    assert staging.jwt_templates.get(template_id=created.id).lifetime == 60


def test_signing_key_is_write_only(sandbox: SandboxProcess, staging: Clerk, raw: Raw) -> None:
    created = staging.jwt_templates.create(
        request={
            "name": "hasura",
            "claims": {},
            "custom_signing_key": True,
            "signing_algorithm": "HS256",
            "signing_key": "a-shared-secret-for-hasura",
        }
    )
    assert created.custom_signing_key is True and created.signing_algorithm == "HS256"
    assert "signing_key" not in raw("GET", f"/jwt_templates/{created.id}").json()
    stored = sandbox.dump()["clerk"][STAGING]["jwt_templates"][created.id]
    assert stored["signing_key"] == "a-shared-secret-for-hasura"
    plain = staging.jwt_templates.update(template_id=created.id, name="hasura", claims={})
    assert (plain.custom_signing_key, plain.signing_algorithm) == (False, "RS256")
    assert sandbox.dump()["clerk"][STAGING]["jwt_templates"][created.id]["signing_key"] is None


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"claims": {}}, 422, "form_param_missing"),
        ({"name": "x"}, 422, "form_param_missing"),
        ({"name": "x", "claims": {}, "lifetime": 29}, 422, "form_param_value_invalid"),
        ({"name": "x", "claims": {}, "lifetime": 315360001}, 422, "form_param_value_invalid"),
        ({"name": "x", "claims": {}, "allowed_clock_skew": 301}, 422, "form_param_value_invalid"),
        ({"name": "x", "claims": {}, "lifetime": "60"}, 422, "form_param_type_invalid"),
        ({"name": "x", "claims": {}, "custom_signing_key": True}, 422, "form_conditional_param_missing"),
        (
            {
                "name": "x",
                "claims": {},
                "custom_signing_key": True,
                "signing_key": "k",
                "signing_algorithm": "XX1",
            },
            422,
            "form_param_value_invalid",
        ),
        (
            {
                "name": "x",
                "claims": {},
                "custom_signing_key": True,
                "signing_key": "k",
                "signing_algorithm": "RS256",
            },
            422,
            "form_param_format_invalid",
        ),
        ({"name": "with space", "claims": {}}, 422, "form_param_value_invalid"),
        ({"name": "integration_x", "claims": {}}, 422, "form_param_format_invalid"),
        ({"name": "x", "claims": ["a"]}, 422, "form_param_format_invalid"),
        ({"name": "x", "claims": {"sub": "{{user.id}}"}}, 400, "jwt_template_reserved_claim"),
        ({"name": "x", "claims": {"aud": "Clerk"}}, 422, "form_param_value_invalid"),
        ({"name": "x", "claims": {"big": "y" * 2100}}, 422, "form_param_exceeds_allowed_size"),
        ({"name": "x", "claims": {}, "signing_secret": "k"}, 422, "form_param_unknown"),
    ],
)
def test_invalid_templates_are_refused(raw: Raw, body: dict[str, Any], status: int, code: str) -> None:
    response = raw("POST", "/jwt_templates", body)
    assert response.status_code == status, response.text
    assert code in error_codes(response)
    assert raw("GET", "/jwt_templates").json() == []


def test_names_are_unique_and_unknown_ids_not_found(staging: Clerk) -> None:
    staging.jwt_templates.create(request={"name": "convex", "claims": {}})
    with pytest.raises(models.ClerkErrors) as caught:
        staging.jwt_templates.create(request={"name": "convex", "claims": {}})
    assert caught.value.data.errors[0].code == "form_identifier_exists"
    with pytest.raises(models.ClerkErrors) as missing:
        staging.jwt_templates.get(template_id="jtmp_missing")
    assert missing.value.status_code == 404 and missing.value.data.errors[0].code == "resource_not_found"
