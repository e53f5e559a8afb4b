"""Allowlist identifiers through clerk-backend-api: create (type derived), delete, list; no get or update."""

from __future__ import annotations

from typing import Any

import pytest
from clerk_backend_api import Clerk, models

from tests.sandbox.clerk.harness import STAGING, Raw, error_codes, is_paginated_envelope


def test_types_are_derived_and_notify_invites(staging: Clerk) -> None:
    email = staging.allowlist_identifiers.create(
        request={"identifier": "QA@Derrimut247.com.au", "notify": True}
    )
    phone = staging.allowlist_identifiers.create(request={"identifier": "+61412345678"})
    wallet = staging.allowlist_identifiers.create(
        request={"identifier": "0x52908400098527886E0F7030069857D2E4169EE7"}
    )
    domain = staging.allowlist_identifiers.create(request={"identifier": "*@derrimut247.com.au"})
    assert [i.identifier_type for i in (email, phone, wallet, domain)] == [
        "email_address",
        "phone_number",
        "web3_wallet",
        "email_address",
    ]
    assert email.identifier == "qa@derrimut247.com.au" and (email.invitation_id or "").startswith("inv_")
    assert phone.invitation_id is None and email.instance_id == STAGING
    assert (email.id or "").startswith("alid_")
    assert [i.id for i in staging.allowlist_identifiers.list()] == [
        i.id for i in (email, phone, wallet, domain)
    ]


def test_delete_and_no_get(staging: Clerk, raw: Raw) -> None:
    created = staging.allowlist_identifiers.create(request={"identifier": "ops@derrimut247.com.au"})
    assert raw("GET", f"/allowlist_identifiers/{created.id}").status_code == 404
    assert is_paginated_envelope(raw("GET", "/allowlist_identifiers?paginated=true").json())
    deleted = staging.allowlist_identifiers.delete(identifier_id=created.id or "")
    assert (deleted.object, deleted.id, deleted.deleted) == ("allowlist_identifier", created.id, True)
    with pytest.raises(models.ClerkErrors) as caught:
        staging.allowlist_identifiers.delete(identifier_id=created.id or "")
    assert caught.value.status_code == 404


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 422, "form_param_missing"),
        ({"identifier": "not-an-identifier"}, 422, "form_param_format_invalid"),
        ({"identifier": "0412345678"}, 422, "form_param_format_invalid"),
        ({"identifier": "a@b.com", "notify": "yes"}, 422, "form_param_type_invalid"),
        ({"identifier": "*@derrimut247.com.au", "notify": True}, 422, "form_conditional_param_disallowed"),
        ({"identifier": "a@b.com", "identifier_type": "email_address"}, 422, "form_param_unknown"),
    ],
)
def test_invalid_identifiers_are_refused(raw: Raw, body: dict[str, Any], status: int, code: str) -> None:
    response = raw("POST", "/allowlist_identifiers", body)
    assert response.status_code == status and error_codes(response) == [code]


def test_duplicates_are_a_400(staging: Clerk) -> None:
    staging.allowlist_identifiers.create(request={"identifier": "ops@derrimut247.com.au"})
    with pytest.raises(models.ClerkErrors) as caught:
        staging.allowlist_identifiers.create(request={"identifier": "OPS@derrimut247.com.au"})
    assert caught.value.status_code == 400 and caught.value.data.errors[0].code == "duplicate_record"
