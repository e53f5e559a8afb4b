"""The double holds to pulumiverse_vercel 5.21.1's own declaration of the resource: every input and
state property the SDK sends is in the schema and accepted, every output it reads is returned, with the
SDK's types, required inputs and secrets."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from pathlib import Path

from pulumi.provider.experimental.provider import CheckRequest, CreateRequest, GetSchemaRequest, ReadRequest

from sandbox.vercel_plugin import VERSION
from sandbox.vercel_plugin.props import plain_map
from sandbox.vercel_plugin.provider import VercelProvider
from tests.sandbox.vercel_plugin.conftest import (
    ENV_TYPE,
    PROJECT_ID,
    SDK_ENV,
    TEAM,
    Json,
    inputs,
    live,
    run,
    urn,
)
from tests.support import VENV_BIN, SandboxProcess, vercel_plugin_home

ALL_INPUTS: Json = {
    "comment": "contract",
    "customEnvironmentIds": ["env_contract"],
    "gitBranch": "staging",
    "key": "CONTRACT_ALL",
    "projectId": PROJECT_ID,
    "sensitive": False,
    "targets": ["preview"],
    "teamId": TEAM,
    "value": "v",
    "valueWo": "w",
    "valueWoVersion": 1,
    "visibility": "config",
}


def schema() -> Json:
    """The schema needs no configuration and no API call."""
    provider = VercelProvider("http://127.0.0.1:9/vercel")
    response = asyncio.run(provider.get_schema(GetSchemaRequest(0)))
    assert response.schema is not None
    return dict(json.loads(response.schema))


def test_schema_has_the_sdks_names_types_required_inputs_and_secrets() -> None:
    package = schema()
    assert (package["name"], package["version"]) == ("vercel", VERSION)
    resource = package["resources"][ENV_TYPE]
    assert set(resource["inputProperties"]) == SDK_ENV["inputs"] == SDK_ENV["init"]
    assert set(resource["stateInputs"]["properties"]) == SDK_ENV["state"] == SDK_ENV["get"]
    assert set(resource["properties"]) == SDK_ENV["outputs"]
    assert set(resource["requiredInputs"]) == SDK_ENV["required"]
    assert {n: p["type"] for n, p in resource["inputProperties"].items()} == SDK_ENV["types"]
    assert {n for n, p in resource["properties"].items() if p.get("secret")} == SDK_ENV["secrets"]
    assert set(package["config"]["variables"]) == {"apiToken", "team"}
    assert package["config"]["variables"]["apiToken"]["secret"] is True
    assert package["language"]["python"]["packageName"] == "pulumiverse_vercel"


def test_check_accepts_every_input_the_sdk_sends(sandbox: SandboxProcess) -> None:
    """All of them at once, except that `value` and `valueWo` are exclusive (as in Terraform)."""
    assert set(ALL_INPUTS) == SDK_ENV["init"]

    async def steps(provider: VercelProvider) -> list[list[str]]:
        out = []
        for drop in ("valueWo", "value"):
            given = {k: v for k, v in ALL_INPUTS.items() if k != drop}
            if drop == "valueWo":
                given.pop("valueWoVersion")
            checked = await provider.check(CheckRequest(urn("all"), {}, inputs(**given), b""))
            out.append([f"{f.property}: {f.reason}" for f in checked.failures or []])
            assert checked.inputs is not None
            assert set(plain_map(checked.inputs)) == set(given)
            assert all(checked.inputs[k].is_secret for k in ("value", "valueWo") if k in given)
        return out

    assert run(sandbox, steps) == [[], []]


def test_create_read_and_import_return_every_output_the_sdk_reads(
    sandbox: SandboxProcess, derrimut: Json
) -> None:
    declared = {
        "comment": "a contract var",
        "gitBranch": "staging",
        "key": "CONTRACT_OUTPUTS",
        "projectId": PROJECT_ID,
        "sensitive": False,
        "targets": ["preview"],
        "value": "contract-value",
    }

    async def steps(provider: VercelProvider) -> list[tuple[str, set[str], Json, set[str]]]:
        created = await provider.create(CreateRequest(urn("outputs"), inputs(**declared), 60, False))
        env_id = created.resource_id
        assert env_id
        read = await provider.read(
            ReadRequest(urn("outputs"), env_id, created.properties, inputs(**declared))
        )
        imported = await provider.read(ReadRequest(urn("imported"), f"{PROJECT_ID}/{env_id}", {}, {}))
        return [
            (env_id, set(props), plain_map(props), {k for k, v in props.items() if v.is_secret})
            for props in (created.properties, read.properties, imported.properties)
        ]

    for env_id, names, outputs, secret in run(sandbox, steps):
        assert names == SDK_ENV["outputs"]
        assert outputs == {
            "comment": "a contract var",
            "customEnvironmentIds": [],
            "gitBranch": "staging",
            "key": "CONTRACT_OUTPUTS",
            "projectId": PROJECT_ID,
            "sensitive": False,
            "targets": ["preview"],
            "teamId": TEAM,
            "value": "contract-value",
        }
        assert secret == {"value"}
        assert live(sandbox, "CONTRACT_OUTPUTS", "preview")["id"] == env_id


def test_a_write_only_value_reaches_vercel_but_never_the_state(
    sandbox: SandboxProcess, derrimut: Json
) -> None:
    declared = {
        "key": "CONTRACT_WRITE_ONLY",
        "projectId": PROJECT_ID,
        "sensitive": True,
        "targets": ["production"],
        "valueWo": "write-only-canary-4417",
        "valueWoVersion": 1,
    }

    async def steps(provider: VercelProvider) -> Json:
        created = await provider.create(CreateRequest(urn("wo"), inputs(**declared), 60, False))
        return plain_map(created.properties)

    state = run(sandbox, steps)
    assert "write-only-canary-4417" not in json.dumps(state)
    assert state["valueWoVersion"] == 1 and state["sensitive"] is True and state["visibility"] == "secret"
    stored = live(sandbox, "CONTRACT_WRITE_ONLY", "production")
    assert (stored["type"], stored["value"]) == ("sensitive", "write-only-canary-4417")


def test_the_installed_plugin_serves_a_schema_the_cli_validates(tmp_path: Path) -> None:
    """Through the launcher, as the engine starts it for `pulumi import`; `pulumi schema check` applies the
    schema spec and the target languages' rules."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")},
        "PULUMI_HOME": str(vercel_plugin_home()),
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "BACKSTOP_VERCEL_BASE_URL": "http://127.0.0.1:9/vercel",
    }
    pulumi = str(VENV_BIN / "pulumi")
    served = subprocess.run(
        [pulumi, "package", "get-schema", f"vercel@{VERSION}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(served) == schema()
    (tmp_path / "schema.json").write_text(served)
    checked = subprocess.run(
        [pulumi, "schema", "check", str(tmp_path / "schema.json")], env=env, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
