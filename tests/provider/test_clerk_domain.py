"""backstop:clerk:Domain: the primary asserted (never created, renamed on adoption or deleted), satellites
adopted by name, created, moved to and off a proxy in place, deleted; the instance scope."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.provider.experimental.provider import PropertyDiffKind

from tests.provider.clerk_harness import (
    PROD_KEY,
    Engine,
    check,
    clerk_objects,
    configured,
    diff,
    run,
    seed,
    writes,
)
from tests.support import SandboxProcess

TOKEN = "backstop:clerk:Domain"
PROD = "ins_derrimut_prod"
PRIMARY: dict[str, Any] = {
    "instanceId": PROD,
    "name": "derrimut247.com.au",
    "primary": True,
    "proxyUrl": None,
}
SATELLITE: dict[str, Any] = {
    "instanceId": PROD,
    "name": "derrimutkids.com.au",
    "primary": False,
    "proxyUrl": None,
}


def domains(sandbox: SandboxProcess) -> dict[str, dict[str, Any]]:
    return {d["name"]: d for d in clerk_objects(sandbox, "domains", PROD).values()}


def test_name_and_proxy_change_in_place_and_primary_replaces() -> None:
    moved = diff(TOKEN, SATELLITE, {**SATELLITE, "proxyUrl": "https://derrimutkids.com.au/__clerk"})
    assert moved.replaces == [] and moved.detailed_diff["proxyUrl"].kind == PropertyDiffKind.UPDATE
    renamed = diff(TOKEN, SATELLITE, {**SATELLITE, "name": "kids.derrimut247.com.au"})
    assert renamed.replaces == [] and renamed.changes
    assert diff(TOKEN, SATELLITE, {**SATELLITE, "primary": True}).replaces == ["primary"]
    assert diff(TOKEN, {**SATELLITE, "frontendApiUrl": "https://clerk.x"}, SATELLITE).changes is False


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("name", "https://derrimut247.com.au", "must be a hostname"),
        ("name", "Derrimut247.com.au", "lower case"),
        ("name", "derrimut247", "must be a hostname"),
        ("proxyUrl", "http://derrimutkids.com.au/__clerk", "https URL on derrimutkids.com.au"),
        ("proxyUrl", "https://evil.example.com/__clerk", "https URL on derrimutkids.com.au"),
    ],
)
def test_check_refuses_bad_names_and_proxies(field: str, value: str, reason: str) -> None:
    failures = check(TOKEN, {**SATELLITE, field: value}).failures or []
    assert failures and reason in failures[0].reason, failures


def test_the_primary_is_adopted_never_created_renamed_on_adoption_or_deleted(sandbox: SandboxProcess) -> None:
    seed(sandbox)
    engine = Engine(configured(sandbox, PROD_KEY), TOKEN)
    primary_id = domains(sandbox)["derrimut247.com.au"]["id"]
    sandbox.http.delete("/_sandbox/requests")

    async def scenario() -> None:
        resource_id, outputs = await engine.create("clerk-domain-primary", PRIMARY)
        assert resource_id == primary_id and outputs["primary"].value is True
        assert outputs["frontendApiUrl"].value == "https://clerk.derrimut247.com.au"
        assert writes(sandbox) == [], "adopted as it is"
        with pytest.raises(Exception) as caught:
            await engine.create("clerk-domain-other", {**PRIMARY, "name": "derrimut.example.com"})
        assert (
            "is not the primary domain of ins_derrimut_prod (its primary domain is derrimut247.com.au)"
            in (str(caught.value))
        )
        with pytest.raises(Exception) as caught:
            await engine.create("clerk-domain-main", {**PRIMARY, "primary": False})
        assert "declare it with `primary: true`" in str(caught.value)
        with pytest.raises(Exception) as caught:
            await engine.update(resource_id, PRIMARY, {**PRIMARY, "name": "derrimut.example.com"})
        assert "Backstop never renames a primary domain" in str(caught.value)
        proxied = {**PRIMARY, "proxyUrl": "https://derrimut247.com.au/__clerk"}
        await engine.update(resource_id, PRIMARY, proxied)
        await engine.delete(resource_id, proxied)

    run(scenario)
    live = domains(sandbox)["derrimut247.com.au"]
    assert live["id"] == primary_id and live["proxy_url"] == "https://derrimut247.com.au/__clerk"
    assert writes(sandbox) == ["clerk PATCH /v1/domains/{domain_id}"], "delete leaves the primary alone"


def test_a_satellite_is_adopted_by_name_created_moved_renamed_and_deleted(sandbox: SandboxProcess) -> None:
    seed(sandbox)
    sandbox.http.delete("/_sandbox/requests")
    engine = Engine(configured(sandbox, PROD_KEY), TOKEN)
    proxied = {**SATELLITE, "proxyUrl": "https://derrimutkids.com.au/__clerk"}

    async def scenario() -> None:
        resource_id, outputs = await engine.create("clerk-domain-kids", proxied)
        assert outputs["proxyUrl"].value == proxied["proxyUrl"]
        again, _ = await engine.create("clerk-domain-kids", SATELLITE)
        assert again == resource_id, "adopted by name, its proxy put to what is declared"
        assert (await engine.read(resource_id, SATELLITE))[1]["proxyUrl"] is None
        renamed = {**SATELLITE, "name": "kids.derrimut247.com.au"}
        await engine.update(resource_id, SATELLITE, renamed)
        assert (await engine.read(resource_id, renamed))[1]["name"] == "kids.derrimut247.com.au"
        await engine.delete(resource_id, renamed)
        assert await engine.read(resource_id, renamed) == ("", {})
        await engine.delete(resource_id, renamed)  # gone already: done

    run(scenario)
    assert set(domains(sandbox)) == {"derrimut247.com.au"}
    assert writes(sandbox).count("clerk POST /v1/domains") == 1, "one satellite made, never a duplicate"


def test_a_create_whose_answer_was_lost_adopts_what_it_made(sandbox: SandboxProcess) -> None:
    fault = {"vendor": "clerk", "method": "POST", "route": "/v1/domains", "kind": "drop"}
    sandbox.http.post("/_sandbox/faults", json={**fault, "drop": "after", "times": 1}).raise_for_status()
    engine = Engine(configured(sandbox, PROD_KEY), TOKEN)
    resource_id, _ = run(lambda: engine.create("clerk-domain-kids", SATELLITE))
    assert [d["id"] for d in domains(sandbox).values() if d["is_satellite"]] == [resource_id]


def test_a_key_of_another_instance_writes_nothing(sandbox: SandboxProcess) -> None:
    engine = Engine(configured(sandbox), TOKEN)

    async def scenario() -> str:
        with pytest.raises(Exception) as caught:
            await engine.create("clerk-domain-kids", SATELLITE)
        return str(caught.value)

    assert "belongs to instance ins_derrimut_staging" in run(scenario)
    assert writes(sandbox) == []
