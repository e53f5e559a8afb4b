"""Redirect URLs through clerk-backend-api: create, get, delete, list (bare and paginated); no update."""

from __future__ import annotations

import pytest
from clerk_backend_api import Clerk, models

from tests.sandbox.clerk.harness import Raw, error_codes, is_paginated_envelope


def test_create_get_list_delete(staging: Clerk) -> None:
    made = [
        staging.redirect_urls.create(request={"url": url})
        for url in (
            "https://staging.derrimut247.com.au/sso-callback",
            "derrimut://oauth-callback",
            "http://localhost:3000/sso-callback",
        )
    ]
    assert all(r.id.startswith("ru_") and len(r.id) == 30 and r.object == "redirect_url" for r in made)
    # Milliseconds since the epoch, as Clerk's serializers write them.
    assert made[0].created_at > 1_600_000_000_000 and made[0].created_at == made[0].updated_at
    assert staging.redirect_urls.get(id=made[1].id).url == "derrimut://oauth-callback"
    assert [r.id for r in staging.redirect_urls.list()] == [r.id for r in made]
    deleted = staging.redirect_urls.delete(id=made[0].id)
    assert (deleted.object, deleted.id, deleted.deleted) == ("redirect_url", made[0].id, True)
    assert [r.id for r in staging.redirect_urls.list()] == [r.id for r in made[1:]]
    with pytest.raises(models.ClerkErrors) as caught:
        staging.redirect_urls.get(id=made[0].id)
    assert caught.value.status_code == 404
    assert caught.value.data.errors[0].code == "resource_not_found"


def test_paginated_list_is_an_envelope_with_every_item(staging: Clerk, raw: Raw) -> None:
    for i in range(12):
        staging.redirect_urls.create(request={"url": f"https://app{i}.example.com/cb"})
    bare = raw("GET", "/redirect_urls?limit=5&offset=2")
    assert bare.status_code == 200 and isinstance(bare.json(), list) and len(bare.json()) == 12
    paged = raw("GET", "/redirect_urls?paginated=true&limit=5&offset=2").json()
    assert is_paginated_envelope(paged) and paged["total_count"] == 12
    assert len(staging.redirect_urls.list(limit=5, offset=5)) == 12


@pytest.mark.parametrize(
    ("body", "code", "param"),
    [
        ({}, "form_param_missing", "url"),
        ({"url": ""}, "form_param_missing", "url"),
        ({"url": "not a url"}, "form_param_value_invalid", "url"),
        ({"url": "https://"}, "form_param_value_invalid", "url"),
        ({"url": 42}, "form_param_type_invalid", "url"),
        ({"url": "https://a.example.com/", "colour": "red"}, "form_param_unknown", "colour"),
    ],
)
def test_invalid_bodies_get_clerks_422(raw: Raw, body: dict[str, object], code: str, param: str) -> None:
    response = raw("POST", "/redirect_urls", body)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["code"], error["meta"]["param_name"]) == (code, param)
    assert raw("GET", "/redirect_urls").json() == []


def test_duplicates_are_refused_and_there_is_no_update(staging: Clerk, raw: Raw) -> None:
    created = staging.redirect_urls.create(request={"url": "https://a.example.com/cb"})
    with pytest.raises(models.ClerkErrors) as caught:
        staging.redirect_urls.create(request={"url": "https://a.example.com/cb"})
    assert caught.value.data.errors[0].code == "form_already_exists"
    patched = raw("PATCH", f"/redirect_urls/{created.id}", {"url": "https://b.example.com/cb"})
    assert patched.status_code == 404 and error_codes(patched) == ["resource_not_found"]
    assert patched.json()["errors"][0]["message"] == "URL not found"
