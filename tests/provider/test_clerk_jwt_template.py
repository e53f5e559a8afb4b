"""backstop:clerk:JwtTemplate: the write-only signing key is compared with the last applied one."""

from __future__ import annotations

from typing import Any

from tests.provider.clerk_harness import INSTANCE, Engine, check, clerk_objects, configured, diff, run, seed
from tests.support import SandboxProcess

TOKEN = "backstop:clerk:JwtTemplate"
CANARY = "canary-hs256-signing-key-3f9d1c"
INPUTS: dict[str, Any] = {
    "instanceId": INSTANCE,
    "name": "convex",
    "claims": {"aud": "convex", "name": "{{user.full_name}}"},
    "lifetime": 60,
    "allowedClockSkew": 5,
    "signingAlgorithm": "HS256",
    "signingKey": CANARY,
    "reapply": None,
}


def test_the_same_key_as_last_applied_is_no_change() -> None:
    olds = {**INPUTS, "customSigningKey": True, "createdAt": 1}
    assert diff(TOKEN, olds, INPUTS).changes is False
    reordered = {**INPUTS, "claims": dict(reversed(list(INPUTS["claims"].items())))}
    assert diff(TOKEN, olds, reordered).changes is False


def test_another_key_updates_in_place() -> None:
    result = diff(TOKEN, INPUTS, {**INPUTS, "signingKey": "another-key"})
    assert result.changes is True and result.replaces == [] and list(result.detailed_diff) == ["signingKey"]


def test_a_template_clerk_lost_its_custom_key_shows_the_key_as_a_change() -> None:
    lost = {**INPUTS, "signingAlgorithm": None, "signingKey": None}
    assert set(diff(TOKEN, lost, INPUTS).detailed_diff) == {"signingAlgorithm", "signingKey"}


def test_a_new_reapply_token_updates_and_its_removal_does_not() -> None:
    assert list(diff(TOKEN, INPUTS, {**INPUTS, "reapply": "r1"}).detailed_diff) == ["reapply"]
    assert diff(TOKEN, {**INPUTS, "reapply": "r1"}, {**INPUTS, "reapply": None}).changes is False


def test_name_changes_update_in_place_and_only_the_instance_replaces() -> None:
    assert diff(TOKEN, INPUTS, {**INPUTS, "name": "convex2"}).replaces == []
    assert diff(TOKEN, INPUTS, {**INPUTS, "instanceId": "ins_other"}).replaces == ["instanceId"]


def test_check_refuses_reserved_claims_and_a_key_without_algorithm() -> None:
    failures = check(TOKEN, {**INPUTS, "claims": {"sub": "x"}}).failures or []
    assert [(f.property, "Clerk sets these claims itself: sub" in f.reason) for f in failures] == [
        ("claims", True)
    ]
    failures = check(TOKEN, {**INPUTS, "signingAlgorithm": None}).failures or []
    assert ["signing_key needs signing_algorithm" in f.reason for f in failures] == [True]
    assert all(CANARY not in f.reason for f in failures)


def test_adopts_by_name_applies_the_key_and_reads_keep_it_while_clerk_has_one(
    sandbox: SandboxProcess,
) -> None:
    seed(sandbox)
    (fixture_id,) = clerk_objects(sandbox, "jwt_templates")
    engine = Engine(configured(sandbox), TOKEN)

    async def scenario() -> None:
        resource_id, outputs = await engine.create("clerk-jwt-template-convex", INPUTS)
        assert resource_id == fixture_id, "adopted by name"
        assert outputs["signingKey"].is_secret and outputs["signingKey"].value == CANARY
        state = {**INPUTS, "customSigningKey": True}
        _, read = await engine.read(resource_id, state)
        assert read["signingKey"] == CANARY and read["signingAlgorithm"] == "HS256"

    run(scenario)
    live = clerk_objects(sandbox, "jwt_templates")[fixture_id]
    assert (live["signing_key"], live["signing_algorithm"], live["claims"]) == (
        CANARY,
        "HS256",
        INPUTS["claims"],
    )

    # Behind Backstop's back, the template goes back to Clerk's own key.
    state = sandbox.dump()
    template = state["clerk"][INSTANCE]["jwt_templates"][fixture_id]
    template.update(custom_signing_key=False, signing_key=None, signing_algorithm="RS256")
    sandbox.load(state)

    fresh = Engine(configured(sandbox), TOKEN)

    async def after() -> dict[str, Any]:
        return (await fresh.read(fixture_id, {**INPUTS, "customSigningKey": True}))[1]

    read = run(after)
    assert read["signingKey"] is None and read["signingAlgorithm"] is None
    assert diff(TOKEN, read, INPUTS).changes is True, "the lost key is drift"
