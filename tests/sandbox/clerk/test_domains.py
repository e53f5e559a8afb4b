"""Domains through clerk-backend-api: the primary domain, satellites, PATCH, delete rules."""

from __future__ import annotations

import pytest
from clerk_backend_api import Clerk, models

from tests.sandbox.clerk.harness import PROD_KEY, Raw, error_codes


def test_each_instance_has_its_primary_domain(staging: Clerk, prod: Clerk) -> None:
    live = prod.domains.list()
    assert live.total_count == 1 and live.data[0].name == "derrimut247.com.au"
    primary = live.data[0]
    assert primary.is_satellite is False and primary.frontend_api_url == "https://clerk.derrimut247.com.au"
    assert primary.accounts_portal_url == "https://accounts.derrimut247.com.au"
    assert {t.host for t in primary.cname_targets or []} >= {
        "clerk.derrimut247.com.au",
        "accounts.derrimut247.com.au",
    }
    dev = staging.domains.list().data[0]
    assert dev.name.endswith(".accounts.dev") and dev.frontend_api_url.endswith(".clerk.accounts.dev")
    assert dev.cname_targets is None and dev.development_origin == ""


def test_satellites_are_added_updated_and_deleted(prod: Clerk) -> None:
    satellite = prod.domains.add(request={"name": "Members.Derrimut247.com.au", "is_satellite": True})
    assert satellite.name == "members.derrimut247.com.au" and satellite.is_satellite is True
    assert satellite.accounts_portal_url is None and satellite.id.startswith("dmn_")
    assert [t.host for t in satellite.cname_targets or []] == ["clerk.members.derrimut247.com.au"]
    proxied = prod.domains.update(
        domain_id=satellite.id, proxy_url="https://members.derrimut247.com.au/__clerk"
    )
    assert proxied.proxy_url == "https://members.derrimut247.com.au/__clerk"
    renamed = prod.domains.update(domain_id=satellite.id, name="club.derrimut247.com.au", proxy_url=None)
    assert renamed.name == "club.derrimut247.com.au" and renamed.proxy_url is None
    assert prod.domains.list().total_count == 2
    deleted = prod.domains.delete(domain_id=satellite.id)
    assert (deleted.object, deleted.id, deleted.deleted) == ("domain", satellite.id, True)
    assert prod.domains.list().total_count == 1


def test_the_primary_domain_cannot_be_deleted(prod: Clerk) -> None:
    primary = prod.domains.list().data[0]
    with pytest.raises(models.ClerkErrors) as caught:
        prod.domains.delete(domain_id=primary.id)
    assert caught.value.status_code == 403
    assert caught.value.data.errors[0].code == "operation_not_allowed_on_primary_domain"


def test_development_satellites_may_carry_a_port_but_no_proxy(staging: Clerk, raw: Raw) -> None:
    satellite = staging.domains.add(request={"name": "localhost:3001", "is_satellite": True})
    assert satellite.name == "localhost:3001"
    response = raw("PATCH", f"/domains/{satellite.id}", {"proxy_url": "https://localhost:3001/__clerk"})
    assert response.status_code == 422 and error_codes(response) == ["form_conditional_param_disallowed"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": "members.derrimut247.com.au"}, "form_param_missing"),
        ({"name": "members.derrimut247.com.au", "is_satellite": False}, "primary_domain_already_exists"),
        ({"is_satellite": True}, "form_param_missing"),
        ({"name": "https://members.derrimut247.com.au", "is_satellite": True}, "form_param_value_invalid"),
        ({"name": "members.derrimut247.com.au:8443", "is_satellite": True}, "form_param_value_invalid"),
        ({"name": "derrimut247.com.au", "is_satellite": True}, "form_identifier_exists"),
        (
            {
                "name": "members.derrimut247.com.au",
                "is_satellite": True,
                "proxy_url": "https://evil.example/p",
            },
            "form_param_format_invalid",
        ),
        (
            {"name": "members.derrimut247.com.au", "is_satellite": True, "primary": False},
            "form_param_unknown",
        ),
    ],
)
def test_invalid_domains_are_refused(raw: Raw, body: dict[str, object], code: str) -> None:
    response = raw("POST", "/domains", body, key=PROD_KEY)
    assert response.status_code == 422 and error_codes(response) == [code]


def test_unknown_domains_are_not_found_and_there_is_no_get(prod: Clerk, raw: Raw) -> None:
    with pytest.raises(models.ClerkErrors) as caught:
        prod.domains.update(domain_id="dmn_missing", name="x.derrimut247.com.au")
    assert caught.value.status_code == 404
    primary = prod.domains.list().data[0]
    assert raw("GET", f"/domains/{primary.id}").status_code == 404
