"""backstop:clerk:AllowlistIdentifier: replace rules, adoption by identifier, reads without a GET."""

from __future__ import annotations

from typing import Any

from tests.provider.clerk_harness import (
    INSTANCE,
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

TOKEN = "backstop:clerk:AllowlistIdentifier"
INPUTS: dict[str, Any] = {"instanceId": INSTANCE, "identifier": "qa@derrimut247.com.au"}


def test_a_changed_identifier_replaces_it() -> None:
    result = diff(TOKEN, INPUTS, {**INPUTS, "identifier": "ops@derrimut247.com.au"})
    assert result.replaces == ["identifier"] and result.delete_before_replace is False
    assert diff(TOKEN, {**INPUTS, "identifierType": "email_address"}, INPUTS).changes is False


def test_check_explains_what_an_identifier_may_be() -> None:
    (failure,) = check(TOKEN, {**INPUTS, "identifier": "not an identifier"}).failures or []
    assert failure.property == "identifier" and "E.164 phone number" in failure.reason


def test_create_adopts_reads_list_and_creates_never_invite(sandbox: SandboxProcess) -> None:
    seed(sandbox)
    live = {i["identifier"]: i["id"] for i in clerk_objects(sandbox, "allowlist_identifiers").values()}
    engine = Engine(configured(sandbox), TOKEN)
    sandbox.http.delete("/_sandbox/requests")

    async def scenario() -> tuple[str, str]:
        adopted, _ = await engine.create("clerk-allowlist-identifier-qa", INPUTS)
        new, outputs = await engine.create(
            "clerk-allowlist-identifier-ops", {**INPUTS, "identifier": "ops@derrimut247.com.au"}
        )
        assert outputs["identifierType"].value == "email_address"
        assert (await engine.read(adopted, INPUTS))[0] == adopted
        return adopted, new

    adopted, new = run(scenario)
    assert adopted == live["qa@derrimut247.com.au"]
    assert writes(sandbox) == ["clerk POST /v1/allowlist_identifiers"]
    assert "invitation_id" not in clerk_objects(sandbox, "allowlist_identifiers")[new]
    routes = sandbox.requests()["by_route"]
    assert "clerk GET /v1/allowlist_identifiers/{identifier_id}" not in routes
