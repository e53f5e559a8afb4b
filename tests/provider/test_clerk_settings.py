"""Instance-wide settings: unset fields are not managed; write-only ones read back as last applied and are
re-applied when `reapply` changes; organization roles are written by id and read by key."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.provider.experimental.provider import ReadRequest

from backstop.plugin.provider.props import plain_map, property_map
from tests.provider.clerk_harness import (
    INSTANCE,
    Engine,
    clerk_objects,
    configured,
    diff,
    run,
    seed,
    urn,
    writes,
)
from tests.support import SandboxProcess

SETTINGS = "backstop:clerk:InstanceSettings"
RESTRICTIONS = "backstop:clerk:InstanceRestrictions"
ORGANIZATION = "backstop:clerk:OrganizationSettings"
SETTINGS_INPUTS: dict[str, Any] = {
    "instanceId": INSTANCE,
    "reapply": None,
    "supportEmail": "help@derrimut247.com.au",
    "developmentOrigin": "https://staging.derrimut247.com.au",
    "hibp": None,
}
RESTRICTION_INPUTS: dict[str, Any] = {
    "instanceId": INSTANCE,
    "reapply": None,
    "allowlist": True,
    "blockDisposableEmailDomains": True,
}
ORGANIZATION_INPUTS: dict[str, Any] = {
    "instanceId": INSTANCE,
    "enabled": True,
    "maxAllowedMemberships": 25,
    "domainsEnabled": True,
    "domainsEnrollmentModes": ["automatic_suggestion"],
    "creatorRole": "org:admin",
    "domainsDefaultRole": "org:member",
}


@pytest.mark.parametrize(
    ("token", "inputs"), [(SETTINGS, SETTINGS_INPUTS), (RESTRICTIONS, RESTRICTION_INPUTS)]
)
def test_write_only_settings_change_when_reapply_gets_a_new_value(token: str, inputs: dict[str, Any]) -> None:
    assert diff(token, inputs, inputs).changes is False
    result = diff(token, {**inputs, "reapply": "r1"}, {**inputs, "reapply": "r2"})
    assert list(result.detailed_diff) == ["reapply"] and result.replaces == []
    assert diff(token, inputs, {**inputs, "reapply": "r1"}).changes is True
    assert diff(token, {**inputs, "reapply": "r1"}, {**inputs, "reapply": None}).changes is False


def test_unset_fields_are_not_managed() -> None:
    live = {**ORGANIZATION_INPUTS, "slugDisabled": True, "adminDeleteEnabled": False}
    assert diff(ORGANIZATION, live, {**ORGANIZATION_INPUTS, "slugDisabled": None}).changes is False
    assert list(diff(ORGANIZATION, live, {**ORGANIZATION_INPUTS, "slugDisabled": False}).detailed_diff) == [
        "slugDisabled"
    ]
    assert diff(SETTINGS, SETTINGS_INPUTS, {**SETTINGS_INPUTS, "supportEmail": None}).changes is False


def test_manual_invitations_are_always_on_so_they_never_differ() -> None:
    live = {**ORGANIZATION_INPUTS, "domainsEnrollmentModes": ["automatic_suggestion", "manual_invitation"]}
    assert diff(ORGANIZATION, live, ORGANIZATION_INPUTS).changes is False


def test_write_only_settings_read_back_as_last_applied(sandbox: SandboxProcess) -> None:
    provider = configured(sandbox)
    settings, restrictions = Engine(provider, SETTINGS), Engine(provider, RESTRICTIONS)

    async def apply() -> tuple[dict[str, Any], dict[str, Any]]:
        sid, s_out = await settings.create("clerk-instance-settings", SETTINGS_INPUTS)
        rid, r_out = await restrictions.create("clerk-instance-restrictions", RESTRICTION_INPUTS)
        assert sid == rid == INSTANCE, "one per instance: the id is the instance's"
        return plain_map(s_out), plain_map(r_out)

    applied_settings, applied_restrictions = run(apply)
    live = sandbox.dump()["clerk"][INSTANCE]
    assert live["instance"][INSTANCE]["support_email"] == "help@derrimut247.com.au"
    assert live["restrictions"]["instance_restrictions"]["allowlist"] is True

    # Behind Backstop's back: nothing a read can see.
    state = sandbox.dump()
    state["clerk"][INSTANCE]["instance"][INSTANCE]["support_email"] = "someone@else.com"
    state["clerk"][INSTANCE]["restrictions"]["instance_restrictions"]["allowlist"] = False
    sandbox.load(state)
    fresh = configured(sandbox)

    async def refresh() -> tuple[dict[str, Any], dict[str, Any]]:
        _, s = await Engine(fresh, SETTINGS).read(INSTANCE, applied_settings)
        _, r = await Engine(fresh, RESTRICTIONS).read(INSTANCE, applied_restrictions)
        return s, r

    read_settings, read_restrictions = run(refresh)
    assert read_settings["supportEmail"] == "help@derrimut247.com.au"
    assert read_restrictions["allowlist"] is True
    assert diff(SETTINGS, read_settings, SETTINGS_INPUTS).changes is False

    sandbox.http.delete("/_sandbox/requests")
    fresh = configured(sandbox)  # the next `pulumi up`: a new provider process

    async def reapply() -> None:
        await Engine(fresh, SETTINGS).update(INSTANCE, read_settings, {**SETTINGS_INPUTS, "reapply": "r1"})
        await Engine(fresh, RESTRICTIONS).update(
            INSTANCE, read_restrictions, {**RESTRICTION_INPUTS, "reapply": "r1"}
        )

    run(reapply)
    assert writes(sandbox) == ["clerk PATCH /v1/instance", "clerk PATCH /v1/instance/restrictions"]
    live = sandbox.dump()["clerk"][INSTANCE]
    assert live["instance"][INSTANCE]["support_email"] == "help@derrimut247.com.au"
    assert live["restrictions"]["instance_restrictions"]["allowlist"] is True


def test_allowed_origins_are_read_live(sandbox: SandboxProcess) -> None:
    seed(sandbox)
    engine = Engine(configured(sandbox, "sk_live_sandbox_clerk_derrimut_prod"), SETTINGS)

    async def scenario() -> dict[str, Any]:
        return (await engine.read("ins_derrimut_prod", {"instanceId": "ins_derrimut_prod"}))[1]

    read = run(scenario)
    assert read["allowedOrigins"] == ["capacitor://localhost", "https://www.derrimut247.com.au"]
    assert read["supportEmail"] is None, "an imported write-only value is unknown"


def test_organization_roles_are_written_by_id_and_read_by_key(sandbox: SandboxProcess) -> None:
    engine = Engine(configured(sandbox), ORGANIZATION)

    async def scenario() -> dict[str, Any]:
        _, outputs = await engine.create("clerk-organization-settings", ORGANIZATION_INPUTS)
        assert (await engine.read(INSTANCE, {}))[1] == plain_map(outputs)
        return plain_map(outputs)

    outputs = run(scenario)
    assert outputs["domainsDefaultRole"] == "org:member"
    assert outputs["domainsEnrollmentModes"] == ["automatic_suggestion", "manual_invitation"]
    settings = clerk_objects(sandbox, "organization_settings")["organization_settings"]
    assert (settings["max_allowed_memberships"], settings["domains_default_role"]) == (25, "org:member")
    assert diff(ORGANIZATION, outputs, ORGANIZATION_INPUTS).changes is False


def test_an_unknown_role_is_refused_before_writing(sandbox: SandboxProcess) -> None:
    engine = Engine(configured(sandbox), ORGANIZATION)

    async def scenario() -> str:
        with pytest.raises(Exception) as caught:
            await engine.create(
                "clerk-organization-settings", {**ORGANIZATION_INPUTS, "creatorRole": "org:boss"}
            )
        return str(caught.value)

    assert "creator_role: the instance has no organization role org:boss" in run(scenario)
    assert writes(sandbox) == []


def test_settings_of_another_instance_read_as_gone(sandbox: SandboxProcess) -> None:
    provider = configured(sandbox)

    async def scenario() -> list[str]:
        return [
            (await Engine(provider, token).read("ins_derrimut_prod", {"instanceId": "ins_derrimut_prod"}))[0]
            for token in (SETTINGS, RESTRICTIONS, ORGANIZATION)
        ]

    assert run(scenario) == ["", "", ""], "an import by the wrong instance id finds nothing"


def test_a_read_keeps_the_prior_inputs_where_live_matches_them(sandbox: SandboxProcess) -> None:
    """The same origins in another order are the inputs the program sent (a refresh that finds nothing
    changed leaves the state's inputs, and the engine's snapshot, alone); a changed list is live's."""
    seed(sandbox)
    provider = configured(sandbox, "sk_live_sandbox_clerk_derrimut_prod")
    prod = {"instanceId": "ins_derrimut_prod", "supportEmail": None}
    declared = ["https://www.derrimut247.com.au", "capacitor://localhost"]

    async def read(inputs: dict[str, Any]) -> dict[str, Any]:
        request = ReadRequest(
            urn(SETTINGS, "s"), "ins_derrimut_prod", property_map(prod), property_map(inputs)
        )
        return plain_map((await provider.read(request)).inputs or {})

    same = run(lambda: read({**prod, "allowedOrigins": declared}))
    other = run(lambda: read({**prod, "allowedOrigins": ["https://old.example"]}))
    assert same["allowedOrigins"] == declared
    assert other["allowedOrigins"] == ["capacitor://localhost", "https://www.derrimut247.com.au"]
    assert run(lambda: read({}))["allowedOrigins"] == other["allowedOrigins"], "an import takes live's"
