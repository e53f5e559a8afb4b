"""The Vapi voice agent with the real engine against the sandbox: create in dependency order, adopt the
derrimut org shared by both stacks, detect and restore drift exactly, follow a recreated tool, converge
after a killed run, import, and refresh with one list per collection."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from ruamel.yaml import YAML

from backstop.plugin.model import DesiredState, load_document
from sandbox.core.accounts import keys
from tests.reliability.trials import kill_points
from tests.support import ROOT, VENV_BIN, Engine, SandboxProcess

pytestmark = pytest.mark.e2e
ORG = "org_derrimut"
KEY = keys("vapi")[ORG]
COLLECTIONS = ("tools", "assistants", "squads")


def vapi_document(tmp_path: Path, stack: str, edit: Any = None) -> Path:
    """A copy of the stack's document with its Vapi part only (the other vendors have their own tests)."""
    yaml = YAML()
    data = yaml.load((ROOT / "snapshots" / f"{stack}.yaml").read_text())
    for vendor in ("stripe", "clerk", "vercel", "convex"):
        data.pop(vendor, None)
        data["scope"].pop(vendor, None)
    if edit is not None:
        edit(data)
    path = tmp_path / f"{stack}-{len(list(tmp_path.glob(f'{stack}-*.yaml')))}.yaml"
    with path.open("w") as fh:
        yaml.dump(data, fh)
    return path


def stack_engine(engine: Engine, tmp_path: Path, stack: str) -> Path:
    document = vapi_document(tmp_path, stack)
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(document)
    engine.init_stack(stack)
    return document


def org(sandbox: SandboxProcess) -> dict[str, dict[str, dict[str, Any]]]:
    data: dict[str, dict[str, dict[str, Any]]] = sandbox.dump()["vapi"][ORG]
    return data


def vapi(sandbox: SandboxProcess) -> httpx.Client:
    return httpx.Client(base_url=f"{sandbox.url}/vapi", headers={"Authorization": f"Bearer {KEY}"})


def vapi_requests(sandbox: SandboxProcess) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in sandbox.requests()["requests"] if r["path"].startswith("/vapi")]


def differences(desired: DesiredState, live: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """Every declared field of every declared object against Vapi's own data; no duplicate names."""
    assert desired.vapi is not None
    problems: list[str] = []

    def one(collection: str, name: str, named: Any) -> dict[str, Any] | None:
        found = [o for o in live[collection].values() if named(o) == name]
        if len(found) != 1:
            problems.append(f"{collection}: {len(found)} objects named {name!r}")
            return None
        return found[0]

    tool_ids = {}
    for tool in desired.vapi.tools:
        got = one("tools", tool.function.name, lambda o: (o.get("function") or {}).get("name"))
        if got is None:
            continue
        tool_ids[tool.key] = got["id"]
        function = {k: v for k, v in tool.function.model_dump().items() if v is not None}
        server = {"url": tool.server.url, "timeoutSeconds": tool.server.timeout_seconds}
        wanted = (function, server, tool.asynchronous, tool.messages)
        if (got["function"], got["server"], got.get("async", False), got.get("messages", [])) != wanted:
            problems.append(f"tool {tool.key} differs")
    assistant_ids = {}
    for assistant in desired.vapi.assistants:
        got = one("assistants", assistant.name, lambda o: o.get("name"))
        if got is None:
            continue
        assistant_ids[assistant.key] = got["id"]
        model = got["model"]
        checks = {
            "firstMessage": assistant.first_message,
            "firstMessageMode": assistant.first_message_mode,
            "voice": assistant.voice,
            "transcriber": assistant.transcriber,
            "maxDurationSeconds": assistant.max_duration_seconds,
            "endCallPhrases": assistant.end_call_phrases,
            "metadata": assistant.metadata,
        }
        wrong = [field for field, value in checks.items() if got.get(field) != value]
        declared_model = assistant.model
        if (model["provider"], model["model"], model.get("temperature")) != (
            declared_model.provider,
            declared_model.model,
            declared_model.temperature,
        ):
            wrong.append("model")
        if model.get("messages") != [m.model_dump() for m in declared_model.messages]:
            wrong.append("model.messages")
        if model.get("toolIds", []) != [tool_ids.get(k) for k in assistant.tools]:
            wrong.append("model.toolIds")
        if wrong:
            problems.append(f"assistant {assistant.key}: {', '.join(wrong)}")
    names = desired.vapi.assistant_names()
    for squad in desired.vapi.squads:
        got = one("squads", squad.name, lambda o: o.get("name"))
        if got is None:
            continue
        members = [
            (
                m["assistantId"],
                [(d["assistantName"], d.get("description")) for d in m.get("assistantDestinations", [])],
                (m.get("assistantOverrides") or {}).get("variableValues", {}),
            )
            for m in got["members"]
        ]
        wanted_members = [
            (
                assistant_ids.get(m.assistant),
                [(names[d.assistant], d.description) for d in m.destinations],
                m.variable_values,
            )
            for m in squad.members
        ]
        if members != wanted_members:
            problems.append(f"squad {squad.key}: members")
        if (got.get("membersOverrides") or {}).get("variableValues", {}) != squad.variable_values:
            problems.append(f"squad {squad.key}: variable values")
    return problems


def test_create_from_empty_in_dependency_order_then_refresh_lists_each_collection_once(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    document = stack_engine(engine, tmp_path, "staging")
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", "staging")
    assert differences(load_document(document), org(sandbox)) == []

    live = org(sandbox)
    created = {_name(o): o["createdAt"] for c in COLLECTIONS for o in live[c].values()}
    tool, squad = created["staging-get_membership_status"], created["staging-Derrimut voice agent"]
    membership, receptionist = (created[f"staging-Derrimut {n}"] for n in ("Membership Help", "Receptionist"))
    assert tool < membership < squad and receptionist < squad, "each object after those it names"
    assert not any("workflow" in path for _, path in vapi_requests(sandbox)), "workflows are never declared"

    sandbox.http.delete("/_sandbox/requests")
    # One pass (`refresh --yes` alone previews first, in a provider process of its own: two passes).
    engine.pulumi("refresh", "--yes", "--skip-preview", "--stack", "staging")
    assert sandbox.requests()["by_route"] == {
        "vapi GET /tool": 1,
        "vapi GET /assistant": 1,
        "vapi GET /squad": 1,
    }, "one list per collection, no GET per object"
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "staging")

    export = json.dumps(engine.export("staging"))
    assert KEY not in export and KEY not in engine.all_output(), "the API key never shows in plaintext"
    assert not engine.files_containing(KEY), "nor in any file of the backend"

    sandbox.http.delete("/_sandbox/requests")
    engine.pulumi("destroy", "--yes", "--stack", "staging")
    deletes = [path.removeprefix("/vapi/") for method, path in vapi_requests(sandbox) if method == "DELETE"]
    ids = {_name(o): f"{c[:-1]}/{o['id']}" for c in COLLECTIONS for o in live[c].values()}
    order = {name: deletes.index(path) for name, path in ids.items()}
    assert len(deletes) == 4 and order["staging-Derrimut voice agent"] == 0, "the squad first, …"
    assert order["staging-Derrimut Membership Help"] < order["staging-get_membership_status"], (
        "… the tool last"
    )
    assert all(not objects for name, objects in org(sandbox).items() if name in COLLECTIONS)


def test_both_stacks_adopt_the_shared_derrimut_org_without_touching_each_other(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    sandbox.http.post("/_sandbox/fixtures/derrimut").raise_for_status()
    before = org(sandbox)
    prod_ids = {
        o["id"] for c in COLLECTIONS for o in before[c].values() if not str(_name(o)).startswith("staging-")
    }
    staging_ids = {
        o["id"] for c in COLLECTIONS for o in before[c].values() if str(_name(o)).startswith("staging-")
    }

    prod_doc = stack_engine(engine, tmp_path, "prod")
    sandbox.http.delete("/_sandbox/requests")
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", "prod")
    assert sandbox.requests()["mutating"] == 0, "prod's objects are exactly as declared: adopted as they are"
    assert not _named(vapi_requests(sandbox), staging_ids), "prod never addresses a staging object"

    staging = Engine(home=tmp_path / "staging-home", sandbox=sandbox)
    staging_doc = stack_engine(staging, tmp_path, "staging")
    sandbox.http.delete("/_sandbox/requests")
    staging.pulumi("up", "--yes", "--skip-preview", "--stack", "staging")
    touched = vapi_requests(sandbox)
    assert not _named(touched, prod_ids), "staging never addresses a prod object"
    mutations = [(method, path.split("/")[2]) for method, path in touched if method != "GET"]
    assert mutations == [("POST", "tool"), ("PATCH", "assistant")], (
        "staging's own tool, and its membership help moved onto it"
    )

    after = org(sandbox)
    assert {c: len(after[c]) for c in COLLECTIONS} == {"tools": 2, "assistants": 4, "squads": 2}
    for collection in COLLECTIONS:
        for object_id in prod_ids & set(before[collection]):
            assert after[collection][object_id] == before[collection][object_id], "prod's objects unchanged"
    assert after["workflows"] == before["workflows"], "the legacy workflow is left alone"
    assert differences(load_document(prod_doc), after) == []
    assert differences(load_document(staging_doc), after) == []
    for runner, stack in ((engine, "prod"), (staging, "staging")):
        runner.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", stack)
        types = {r["type"] for r in runner.export(stack)["deployment"]["resources"]}
        assert not any("orkflow" in t for t in types)


def test_out_of_band_edits_and_deletes_are_detected_and_restored_exactly(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    document = stack_engine(engine, tmp_path, "staging")
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", "staging")
    state = sandbox.dump()
    live = state["vapi"][ORG]
    by_name = {o["name"]: o for o in live["assistants"].values()}
    receptionist = by_name["staging-Derrimut Receptionist"]
    membership = by_name["staging-Derrimut Membership Help"]
    (squad,) = live["squads"].values()
    (tool,) = live["tools"].values()
    # A dashboard user edits the tool's server, an assistant's prompt, voice and first message, empties
    # the squad's variables and deletes the receptionist.
    tool["server"]["url"] = "https://example.com/hijacked"
    membership["firstMessage"] = "Hello?"
    membership["voice"] = {"provider": "11labs", "voiceId": "sarah"}
    membership["model"]["messages"][0]["content"] = "Be rude."
    squad["membersOverrides"] = {"variableValues": {}}
    del live["assistants"][receptionist["id"]]
    sandbox.load(state)

    mutations = sandbox.requests()["mutating"]
    drift = engine.pulumi(
        "preview", "--refresh", "--expect-no-changes", "--diff", "--stack", "staging", ok=(7,)
    )
    assert sandbox.requests()["mutating"] == mutations, "a preview changes nothing live"
    assert "+ backstop:vapi:Assistant: (create)" in drift.stdout
    updates = sorted(re.findall(r"~ backstop:vapi:(\w+): \(update\)", drift.stdout))
    assert updates == ["Assistant", "Squad", "Tool"], "the tool, the edited assistant and the squad"
    for name in ("vapi-tool-membership-status", "vapi-assistant-membership-help", "vapi-squad-voice-agent"):
        assert name in drift.stdout
    assert "https://example.com/hijacked" in drift.stdout

    engine.pulumi("up", "--refresh", "--yes", "--stack", "staging")
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "staging")
    restored = org(sandbox)
    assert differences(load_document(document), restored) == []
    assert tool["id"] in restored["tools"] and membership["id"] in restored["assistants"], "edited in place"
    assert receptionist["id"] not in restored["assistants"], "the deleted one is recreated"


def test_a_deleted_tool_is_recreated_and_its_assistants_follow_the_new_id(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    document = stack_engine(engine, tmp_path, "staging")
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", "staging")
    (old,) = org(sandbox)["tools"]
    with vapi(sandbox) as client:
        client.delete(f"/tool/{old}").raise_for_status()

    drift = engine.pulumi(
        "preview", "--refresh", "--expect-no-changes", "--diff", "--stack", "staging", ok=(7,)
    )
    assert "+ backstop:vapi:Tool: (create)" in drift.stdout and "toolIds" in drift.stdout
    engine.pulumi("up", "--refresh", "--yes", "--stack", "staging")
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "staging")
    live = org(sandbox)
    (new,) = live["tools"]
    assert new != old
    membership = next(a for a in live["assistants"].values() if a["name"].endswith("Membership Help"))
    assert membership["model"]["toolIds"] == [new]
    assert differences(load_document(document), live) == []


@pytest.mark.trials
@pytest.mark.parametrize("kill_at", kill_points("vapi", [1, 3]))
def test_a_killed_update_converges_on_rerun_without_duplicates(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path, kill_at: int
) -> None:
    document = stack_engine(engine, tmp_path, "staging")
    engine.backend.mkdir(parents=True, exist_ok=True)
    latency = {"vendor": "vapi", "kind": "latency", "latency_ms": 300}
    sandbox.http.post("/_sandbox/faults", json=latency).raise_for_status()
    update = subprocess.Popen(
        [str(VENV_BIN / "pulumi"), "up", "--yes", "--stack", "staging", "--non-interactive"],
        cwd=ROOT,
        env=engine.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the engine, language host and plugin go together
    )
    try:
        deadline = time.monotonic() + 120
        while sandbox.requests()["mutating"] < kill_at:
            assert time.monotonic() < deadline and update.poll() is None, "the update ended before the kill"
            time.sleep(0.02)
        # Then the next create is under way (each answer takes 300 ms), its start already checkpointed:
        # the kill lands mid-request, not mid-write of the state file (which the file backend can't survive).
        time.sleep(0.15)
        assert update.poll() is None, "the update ended before the kill"
        os.killpg(update.pid, signal.SIGKILL)
        update.wait(timeout=30)
    finally:
        if update.poll() is None:
            os.killpg(update.pid, signal.SIGKILL)
    assert update.returncode == -signal.SIGKILL
    sandbox.http.delete("/_sandbox/faults")

    engine.pulumi("cancel", "--yes", "--stack", "staging")  # the dead run's lock (file backend)
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", "staging")
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "staging")
    live = org(sandbox)
    assert {c: len(live[c]) for c in COLLECTIONS} == {"tools": 1, "assistants": 2, "squads": 1}, (
        "no duplicates"
    )
    assert differences(load_document(document), live) == []


def test_every_type_imports_by_its_vapi_id(engine: Engine, sandbox: SandboxProcess, tmp_path: Path) -> None:
    """Objects made outside this stack (here by another state) come in with `pulumi import`, by Vapi id."""
    document = vapi_document(tmp_path, "staging")
    other = Engine(
        home=tmp_path / "other", sandbox=sandbox, extra_env={"BACKSTOP_DESIRED_STATE": str(document)}
    )
    other.init_stack("staging")
    other.pulumi("up", "--yes", "--skip-preview", "--stack", "staging")
    live = org(sandbox)

    def only_component(data: Any) -> None:
        data["vapi"] = {"tools": [], "assistants": [], "squads": []}

    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(vapi_document(tmp_path, "staging", only_component))
    engine.init_stack("staging")
    engine.pulumi("up", "--yes", "--skip-preview", "--stack", "staging")
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(document)
    ids = {_name(o): o["id"] for c in COLLECTIONS for o in live[c].values()}
    parent = "urn:pulumi:staging::platform-config::backstop:components:VapiAgent::vapi"
    plan = {
        "nameTable": {"vapi": parent},
        "resources": [
            {
                "type": "backstop:vapi:Tool",
                "name": "vapi-tool-membership-status",
                "parent": "vapi",
                "id": ids["staging-get_membership_status"],
            },
            {
                "type": "backstop:vapi:Assistant",
                "name": "vapi-assistant-receptionist",
                "parent": "vapi",
                "id": ids["staging-Derrimut Receptionist"],
            },
            {
                "type": "backstop:vapi:Assistant",
                "name": "vapi-assistant-membership-help",
                "parent": "vapi",
                "id": ids["staging-Derrimut Membership Help"],
            },
            {
                "type": "backstop:vapi:Squad",
                "name": "vapi-squad-voice-agent",
                "parent": "vapi",
                "id": ids["staging-Derrimut voice agent"],
            },
        ],
    }
    (tmp_path / "import.json").write_text(json.dumps(plan))
    sandbox.http.delete("/_sandbox/requests")
    engine.pulumi(
        "import",
        "--file",
        str(tmp_path / "import.json"),
        "--yes",
        "--generate-code=false",
        "--stack",
        "staging",
    )
    engine.pulumi("preview", "--refresh", "--expect-no-changes", "--stack", "staging")
    assert sandbox.requests()["mutating"] == 0, "an import only reads"
    imported = {
        r["urn"].rsplit("::", 1)[1]: r.get("id") for r in engine.export("staging")["deployment"]["resources"]
    }
    assert imported["vapi-squad-voice-agent"] == ids["staging-Derrimut voice agent"]
    assert imported["vapi-tool-membership-status"] == ids["staging-get_membership_status"]


def _name(obj: dict[str, Any]) -> str | None:
    name = obj.get("name") or (obj.get("function") or {}).get("name")
    return str(name) if name is not None else None


def _named(requests: list[tuple[str, str]], ids: set[str]) -> list[tuple[str, str]]:
    return [(method, path) for method, path in requests if path.rsplit("/", 1)[-1] in ids]


def test_a_bad_vapi_section_stops_preview_before_any_api_call(
    engine: Engine, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    def dangling(data: Any) -> None:
        data["vapi"]["assistants"][1]["tools"] = ["membership-status", "transfer-call"]

    document = vapi_document(tmp_path, "staging", dangling)
    engine.extra_env["BACKSTOP_DESIRED_STATE"] = str(document)
    engine.init_stack("staging")
    failed = engine.pulumi("preview", "--stack", "staging", ok=(1,))
    assert f"{document}:" in failed.output and "vapi.assistants[1].tools[1]: names tool 'transfer-call'" in (
        failed.output
    )
    assert sandbox.requests()["total"] == 0
