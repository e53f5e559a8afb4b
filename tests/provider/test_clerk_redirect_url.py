"""backstop:clerk:RedirectUrl: replace rules, adoption by URL, the instance scope, reads and deletes."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.provider.experimental.provider import PropertyDiffKind

from tests.provider.clerk_harness import (
    INSTANCE,
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

TOKEN = "backstop:clerk:RedirectUrl"
INPUTS: dict[str, Any] = {"instanceId": INSTANCE, "url": "https://staging.derrimut247.com.au/sso-callback"}


def test_any_change_of_the_url_replaces_it_adding_the_new_one_first() -> None:
    result = diff(TOKEN, INPUTS, {**INPUTS, "url": "https://staging.derrimut247.com.au/other"})
    assert result.replaces == ["url"] and result.delete_before_replace is False
    assert result.detailed_diff["url"].kind == PropertyDiffKind.UPDATE_REPLACE


def test_another_instance_replaces_and_the_same_inputs_are_no_change() -> None:
    assert diff(TOKEN, INPUTS, {**INPUTS, "instanceId": "ins_other"}).replaces == ["instanceId"]
    assert diff(TOKEN, {**INPUTS, "createdAt": 1}, INPUTS).changes is False


@pytest.mark.parametrize("url", ["staging.derrimut247.com.au/cb", "https://", "https:///path", "a b://c"])
def test_check_refuses_what_is_not_a_url(url: str) -> None:
    failures = check(TOKEN, {**INPUTS, "url": url}).failures or []
    assert [(f.property, "must be a URL with a scheme" in f.reason) for f in failures] == [("url", True)]


def test_create_adopts_the_live_url_and_delete_treats_gone_as_done(sandbox: SandboxProcess) -> None:
    seed(sandbox)
    before = {r["url"]: r["id"] for r in clerk_objects(sandbox, "redirect_urls").values()}
    engine = Engine(configured(sandbox), TOKEN)
    sandbox.http.delete("/_sandbox/requests")

    async def scenario() -> None:
        resource_id, outputs = await engine.create("clerk-redirect-url-sso", INPUTS)
        assert resource_id == before[INPUTS["url"]], "adopted, not duplicated"
        assert outputs["instanceId"].value == INSTANCE
        assert writes(sandbox) == []
        state = {**INPUTS, "createdAt": outputs["createdAt"].value}
        await engine.delete(resource_id, state)
        assert await engine.read(resource_id, state) == ("", {}), "gone reads as gone"
        await engine.delete(resource_id, state)

    run(scenario)
    assert INPUTS["url"] not in {r["url"] for r in clerk_objects(sandbox, "redirect_urls").values()}


def test_a_key_of_another_instance_writes_nothing(sandbox: SandboxProcess) -> None:
    engine = Engine(configured(sandbox, PROD_KEY), TOKEN)

    async def scenario() -> str:
        with pytest.raises(Exception) as caught:
            await engine.create("clerk-redirect-url-sso", INPUTS)
        return str(caught.value)

    message = run(scenario)
    assert "belongs to instance ins_derrimut_prod, but this stack's scope.clerk.instance is" in message
    assert PROD_KEY not in message
    assert writes(sandbox) == []


def test_a_create_whose_answer_was_lost_adopts_what_it_made(sandbox: SandboxProcess) -> None:
    fault = {"vendor": "clerk", "method": "POST", "route": "/v1/redirect_urls", "kind": "drop"}
    sandbox.http.post("/_sandbox/faults", json={**fault, "drop": "after", "times": 1}).raise_for_status()
    engine = Engine(configured(sandbox), TOKEN)

    async def scenario() -> str:
        resource_id, _ = await engine.create("clerk-redirect-url-sso", INPUTS)
        return resource_id

    resource_id = run(scenario)
    live = clerk_objects(sandbox, "redirect_urls")
    assert list(live) == [resource_id] and live[resource_id]["url"] == INPUTS["url"]
