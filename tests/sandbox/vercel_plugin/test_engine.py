"""The double under the real engine: a tiny program declaring `pulumiverse_vercel.ProjectEnvironmentVariable`s
against the sandbox's derrimut project, through create, drift, restore, recreate, `pulumi import`,
ENV_CONFLICT and `--replace`, with its canary values never in plaintext in state, exports or output."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.sandbox.vercel_plugin.conftest import ENV_TYPE, PROJECT_ID, TEAM, TOKEN, Json, live, project_envs
from tests.support import ROOT, Engine, SandboxProcess

pytestmark = pytest.mark.e2e
STACK = "e2e"
PROJECT = "vercel-double-e2e"
CANARIES = {
    "encValue": "canary-vercel-enc-1c9e4f",
    "sensValue": "canary-vercel-sens-77d2a0",
    "geminiValue": "canary-vercel-gemini-b3a915",
}
ENC: Json = {
    "name": "enc",
    "key": "BACKSTOP_E2E_URL",
    "targets": ["production", "preview"],
    "sensitive": False,
}
SENS: Json = {"name": "sens", "key": "BACKSTOP_E2E_SECRET", "targets": ["production"], "sensitive": True}
PROGRAM = """
import json
import pathlib

import pulumi
import pulumiverse_vercel as vercel

config = pulumi.Config()
for item in json.loads((pathlib.Path(__file__).parent / "declarations.json").read_text()):
    vercel.ProjectEnvironmentVariable(
        item["name"],
        project_id="{project_id}",
        key=item["key"],
        value=config.require_secret(item["value_from"]),
        targets=item["targets"],
        sensitive=item["sensitive"],
        opts=pulumi.ResourceOptions(delete_before_replace=item.get("delete_before_replace", False)),
    )
"""


class Program:
    """The program in its own folder, run by the test's engine (and its PULUMI_HOME with the double)."""

    def __init__(self, engine: Engine, folder: Path) -> None:
        self.engine, self.folder = engine, folder
        folder.mkdir()
        (folder / "Pulumi.yaml").write_text(
            f"name: {PROJECT}\nruntime:\n  name: python\n  options:\n    virtualenv: {ROOT / '.venv'}\n"
        )
        (folder / "__main__.py").write_text(PROGRAM.format(project_id=PROJECT_ID))
        self.pulumi("stack", "init", STACK)
        self.pulumi("config", "set", "--secret", "vercel:apiToken", TOKEN)
        self.pulumi("config", "set", "vercel:team", TEAM)
        for name, value in CANARIES.items():
            self.pulumi("config", "set", "--secret", name, value)

    def pulumi(self, *args: str, ok: tuple[int, ...] = (0,)) -> str:
        return self.engine.pulumi("--cwd", str(self.folder), *args, ok=ok).output

    def declare(self, *items: Json) -> None:
        (self.folder / "declarations.json").write_text(json.dumps(list(items)))

    def urn(self, name: str) -> str:
        return f"urn:pulumi:{STACK}::{PROJECT}::{ENV_TYPE}::{name}"

    def resources(self) -> dict[str, Json]:
        exported = json.loads(self.pulumi("stack", "export"))
        return {
            r["urn"].rsplit("::", 1)[-1]: r
            for r in exported["deployment"]["resources"]
            if r["type"] == ENV_TYPE
        }


def values(sandbox: SandboxProcess, key: str) -> list[tuple[str, list[str], str]]:
    return sorted((e["type"], e["target"], e["value"]) for e in project_envs(sandbox) if e["key"] == key)


def steps_of(output: str) -> dict[str, str]:
    """`name -> op` from the engine's progress lines (`~  vercel:index:ProjectEnvironmentVariable enc update`)."""
    found = re.findall(
        r"^\s*[-+~=]+\s+vercel:index:ProjectEnvironmentVariable (\S+) (\w[\w-]*)", output, re.M
    )
    return {name: op for name, op in found}


def assert_no_plaintext(
    engine: Engine, sandbox: SandboxProcess, program: Program, root: Path, *live: str
) -> None:
    """No canary in the export, the engine's output or any file of the test (state, config, PULUMI_HOME);
    the `live` ones are checked to be in Vercel's data, so their absence elsewhere proves something."""
    dump = json.dumps(sandbox.dump())
    assert all(CANARIES[name] in dump for name in live)
    exported = program.pulumi("stack", "export")
    for canary in CANARIES.values():
        assert canary not in exported
        assert canary not in engine.all_output()
        leaks = [p for p in root.rglob("*") if p.is_file() and canary.encode() in p.read_bytes()]
        assert leaks == [], f"{canary} in plaintext in {leaks}"


def comparable(env: Json) -> Json:
    """A var as Vercel holds it, but for when it last changed and the order of its targets (a set)."""
    return {**{k: v for k, v in env.items() if k != "updatedAt"}, "target": sorted(env["target"])}


def delete_live(sandbox: SandboxProcess, env_id: str) -> None:
    response = sandbox.http.delete(
        f"/vercel/v9/projects/{PROJECT_ID}/env/{env_id}",
        params={"teamId": TEAM},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    response.raise_for_status()


def edit_live(sandbox: SandboxProcess, env_id: str, **changes: Any) -> None:
    data = sandbox.dump()
    for env in data["vercel"][TEAM]["projects"][PROJECT_ID]["env"]:
        if env["id"] == env_id:
            env.update(changes, updatedAt=env["updatedAt"] + 1000)
    sandbox.load(data)


@pytest.fixture
def program(engine: Engine, sandbox: SandboxProcess, tmp_path: Path) -> Program:
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    return Program(engine, tmp_path / "program")


def test_create_drift_restore_and_recreate(
    engine: Engine, sandbox: SandboxProcess, program: Program, tmp_path: Path
) -> None:
    program.declare({**ENC, "value_from": "encValue"}, {**SENS, "value_from": "sensValue"})
    program.pulumi("up", "--yes", "--skip-preview")
    assert values(sandbox, ENC["key"]) == [("encrypted", ["production", "preview"], CANARIES["encValue"])]
    assert values(sandbox, SENS["key"]) == [("sensitive", ["production"], CANARIES["sensValue"])]
    state = program.resources()
    assert state["enc"]["id"] == live(sandbox, ENC["key"], "production")["id"]
    assert state["sens"]["outputs"]["value"]["4dabf18193072939515e22adb298388d"]  # a secret in the state

    # An out-of-band change of the encrypted value is seen by a refresh and put back by `up`; the same
    # change to the sensitive one can't be seen (Vercel never returns it).
    edit_live(sandbox, state["enc"]["id"], value="changed-out-of-band")
    edit_live(sandbox, state["sens"]["id"], value="changed-out-of-band-too")
    drift = program.pulumi("preview", "--refresh", "--expect-no-changes", ok=(7,))
    assert _changed(drift) == {"enc"}
    assert re.search(r"ProjectEnvironmentVariable enc update \[diff: ~value\]", drift)
    program.pulumi("up", "--refresh", "--yes")
    assert values(sandbox, ENC["key"]) == [("encrypted", ["production", "preview"], CANARIES["encValue"])]
    assert values(sandbox, SENS["key"]) == [("sensitive", ["production"], "changed-out-of-band-too")]
    program.pulumi("preview", "--refresh", "--expect-no-changes")

    # A variable deleted behind the engine's back is recreated, with the declared value.
    delete_live(sandbox, state["enc"]["id"])
    gone = program.pulumi("preview", "--refresh", "--expect-no-changes", ok=(7,))
    assert re.search(r"ProjectEnvironmentVariable enc create", gone)
    program.pulumi("up", "--refresh", "--yes")
    recreated = live(sandbox, ENC["key"], "preview")
    assert recreated["id"] != state["enc"]["id"] and recreated["value"] == CANARIES["encValue"]
    assert program.resources()["enc"]["id"] == recreated["id"]
    program.pulumi("preview", "--refresh", "--expect-no-changes")
    assert_no_plaintext(engine, sandbox, program, tmp_path, "encValue")


def _changed(output: str) -> set[str]:
    return {n for n, op in steps_of(output).items() if op in ("update", "create", "delete", "replace")}


def test_import_env_conflict_and_replace(
    engine: Engine, sandbox: SandboxProcess, program: Program, tmp_path: Path
) -> None:
    program.declare({**SENS, "value_from": "sensValue"})
    program.pulumi("up", "--yes", "--skip-preview")

    # `pulumi import` with both of the provider's id formats; a sensitive value comes in as null.
    convex = live(sandbox, "NEXT_PUBLIC_CONVEX_URL", "production")
    gemini = live(sandbox, "GEMINI_API_KEY", "production")
    program.pulumi(
        "import", ENV_TYPE, "convex", f"{PROJECT_ID}/{convex['id']}", "--yes", "--generate-code=false"
    )
    program.pulumi(
        "import", ENV_TYPE, "gemini", f"{TEAM}/{PROJECT_ID}/{gemini['id']}", "--yes", "--generate-code=false"
    )
    imported = program.resources()
    assert (imported["convex"]["id"], imported["gemini"]["id"]) == (convex["id"], gemini["id"])
    assert imported["convex"]["protect"] is True
    assert imported["convex"]["outputs"]["targets"] == ["production"]
    assert (
        imported["gemini"]["outputs"]["value"] is None and imported["gemini"]["outputs"]["sensitive"] is True
    )

    # Declared in the program, the encrypted one matches as imported; the sensitive one gets its value.
    program.pulumi("config", "set", "convexValue", convex["value"])
    adopted = [
        {"name": "convex", "key": "NEXT_PUBLIC_CONVEX_URL", "targets": ["production"], "sensitive": False}
        | {"value_from": "convexValue"},
        {"name": "gemini", "key": "GEMINI_API_KEY", "targets": ["preview", "production"], "sensitive": True}
        | {"value_from": "geminiValue"},
    ]
    program.declare({**SENS, "value_from": "sensValue"}, *adopted)
    plan = program.pulumi("preview")
    assert re.search(r"ProjectEnvironmentVariable gemini update \[diff: \+value\]", plan)
    assert "convex" not in _changed(plan)
    program.pulumi("up", "--yes", "--skip-preview")
    assert comparable(live(sandbox, "GEMINI_API_KEY", "production")) == comparable(
        {**gemini, "value": CANARIES["geminiValue"]}
    )
    assert live(sandbox, "NEXT_PUBLIC_CONVEX_URL", "production") == convex

    # A key+target that exists already: the create fails with the provider's ENV_CONFLICT text.
    deploy_key = live(sandbox, "CONVEX_DEPLOY_KEY", "production")
    clash = {"name": "clash", "key": "CONVEX_DEPLOY_KEY", "targets": ["production"], "sensitive": True}
    program.declare({**SENS, "value_from": "sensValue"}, *adopted, {**clash, "value_from": "sensValue"})
    failed = program.pulumi("up", "--yes", ok=(1,))
    assert (
        "Error creating project environment variable: Could not create project environment variable, unexpected "
        "error: ENV_CONFLICT - A variable with the name `CONVEX_DEPLOY_KEY` already exists for the target "
        f"production on branch undefined the conflicting environment variable ID is {PROJECT_ID}/{deploy_key['id']}"
    ) in failed
    assert live(sandbox, "CONVEX_DEPLOY_KEY", "production") == deploy_key

    # `--replace` creates the replacement first (the bridge's default), which clashes with the var it
    # replaces; with delete_before_replace it goes through and re-applies the declared value.
    before = program.resources()["sens"]["id"]
    program.declare({**SENS, "value_from": "sensValue"}, *adopted)
    clashed = program.pulumi("up", "--yes", "--replace", program.urn("sens"), ok=(1,))
    assert f"ENV_CONFLICT - A variable with the name `{SENS['key']}` already exists" in clashed
    assert live(sandbox, SENS["key"], "production")["id"] == before
    program.declare({**SENS, "value_from": "sensValue", "delete_before_replace": True}, *adopted)
    program.pulumi("up", "--yes", "--skip-preview", "--replace", program.urn("sens"))
    after = live(sandbox, SENS["key"], "production")
    assert after["id"] != before and after["value"] == CANARIES["sensValue"]
    assert program.resources()["sens"]["id"] == after["id"]
    program.pulumi("preview", "--refresh", "--expect-no-changes")
    assert_no_plaintext(engine, sandbox, program, tmp_path, "sensValue", "geminiValue")
