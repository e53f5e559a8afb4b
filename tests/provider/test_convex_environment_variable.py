"""backstop:convex:EnvironmentVariable: adoption by name, reads for refresh and import, updates, deletes,
a value that never reaches an error message, and bad inputs refused before any call."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import ConfigureRequest

from backstop.plugin.provider.dispatcher import BackstopProvider
from sandbox.core.accounts import keys
from tests.provider.clerk_harness import Engine, check, diff, run, seed
from tests.support import SandboxProcess

TOKEN = "backstop:convex:EnvironmentVariable"
DEPLOYMENT = "quiet-otter-512"
INPUTS: dict[str, Any] = {"deployment": DEPLOYMENT, "name": "GEMINI_MODEL", "value": "gemini-2.5-flash"}


def configured(sandbox: SandboxProcess, key: str | None = None) -> BackstopProvider:
    provider = BackstopProvider()
    args = {
        "convexAdminKey": PropertyValue(key or keys("convex")[DEPLOYMENT], is_secret=True),
        "convexBaseUrl": PropertyValue(f"{sandbox.url}/convex"),
    }
    asyncio.run(provider.configure(ConfigureRequest({}, args, True, True)))
    return provider


def variables(sandbox: SandboxProcess) -> dict[str, str]:
    rows = sandbox.dump()["convex"][DEPLOYMENT].get("_environment_variables", {})
    return {name: row["value"] for name, row in rows.items()}


def updates(sandbox: SandboxProcess) -> int:
    return sum(
        1 for r in sandbox.requests()["requests"] if r["path"].endswith("/update_environment_variables")
    )


def test_another_deployment_or_name_replaces_and_a_value_updates() -> None:
    assert diff(TOKEN, INPUTS, {**INPUTS, "name": "GEMINI_MODEL_2"}).replaces == ["name"]
    assert diff(TOKEN, INPUTS, {**INPUTS, "deployment": "spotted-gerbil-236"}).replaces == ["deployment"]
    changed = diff(TOKEN, INPUTS, {**INPUTS, "value": "other"})
    assert changed.changes is True and changed.replaces == []


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("name", "1ST", "should match pattern"),
        ("name", "A" * 257, "at most 256 characters"),
        ("value", "x" * 8193, "Convex takes values up to 8192"),
        ("deployment", "Not A Deployment", "should match pattern"),
    ],
)
def test_check_refuses_what_convex_would(field: str, value: str, reason: str) -> None:
    failures = check(TOKEN, {**INPUTS, field: value}).failures or []
    assert [(f.property, reason in f.reason) for f in failures] == [(field, True)]
    assert all("xxxx" not in f.reason for f in failures), "a value never reaches the message"


def test_create_adopts_a_set_variable_then_reads_updates_imports_and_deletes(sandbox: SandboxProcess) -> None:
    seed(sandbox)
    sandbox.http.delete("/_sandbox/requests")
    engine = Engine(configured(sandbox), TOKEN)

    async def scenario() -> None:
        resource_id, outputs = await engine.create("convex-env-gemini-model", INPUTS)
        assert resource_id == f"{DEPLOYMENT}/GEMINI_MODEL" and updates(sandbox) == 0, "adopted as it is"
        assert outputs["value"].is_secret
        await engine.update(resource_id, INPUTS, {**INPUTS, "value": "gemini-2.5-pro"})
        assert variables(sandbox)["GEMINI_MODEL"] == "gemini-2.5-pro"
        # `pulumi import` reads with the id alone.
        found, state = await engine.read(resource_id, {})
        assert found == resource_id and state["value"] == "gemini-2.5-pro" and state["name"] == "GEMINI_MODEL"
        await engine.delete(resource_id, state)
        assert await engine.read(resource_id, state) == ("", {}), "gone reads as gone"
        await engine.delete(resource_id, state)
        created, _ = await engine.create("convex-env-new", {**INPUTS, "name": "NEW_ONE", "value": "v"})
        assert created == f"{DEPLOYMENT}/NEW_ONE"

    run(scenario)
    live = variables(sandbox)
    assert "GEMINI_MODEL" not in live and live["NEW_ONE"] == "v" and updates(sandbox) == 3


def test_another_deployments_key_fails_without_writing_or_showing_the_key(sandbox: SandboxProcess) -> None:
    seed(sandbox)
    other = keys("convex")["spotted-gerbil-236"]
    engine = Engine(configured(sandbox, other), TOKEN)

    async def scenario() -> None:
        with pytest.raises(Exception) as caught:
            await engine.create("convex-env-gemini-model", {**INPUTS, "value": "canary-value-1234"})
        text = str(caught.value)
        assert "BadDeployKey" in text and other not in text and "canary-value-1234" not in text

    run(scenario)
    assert variables(sandbox)["GEMINI_MODEL"] == "gemini-2.5-flash"
